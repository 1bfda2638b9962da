/**
 * The widget's data model: plain, readonly, SDK-free. Every object here is created by the
 * service adapter from SDK objects at the boundary, so no SDK object ever enters the state and
 * "release every chat object of the old client" (P4, M4) is a matter of dropping a snapshot.
 */

/** What the visitor sees of the link to the chat service. */
export type ConnectionStatus =
  'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'denied' | 'disconnected';

/** Where the widget is in its life: from no token yet to chatting. */
export type SessionPhase = 'idle' | 'authorizing' | 'connecting' | 'ready' | 'error' | 'logged-out';

export type ChannelType = 'public' | 'private';
export type ChannelStatus = 'joined' | 'invited' | 'notParticipating';

export interface ChatChannel {
  readonly sid: string;
  readonly uniqueName: string | null;
  readonly friendlyName: string | null;
  readonly type: ChannelType;
  readonly status: ChannelStatus;
  readonly createdBy: string | null;
  /** Index of the newest message, or null for an empty channel. */
  readonly lastMessageIndex: number | null;
  /** Time of the newest message (ms since epoch), for ordering the list. */
  readonly lastMessageTime: number | null;
  /** The user's consumption horizon, or null when never set. */
  readonly lastConsumedMessageIndex: number | null;
  /** A pending rename (M3): shown as pending until channelUpdated brings it. */
  readonly pendingFriendlyName?: string | null;
}

export interface ChatMedia {
  readonly sid: string;
  readonly filename: string | null;
  readonly contentType: string;
  readonly size: number;
}

/** A pending local change to a message, shown until the service confirms it (M3). */
export type MessagePending = 'sending' | 'editing' | 'removing' | 'failed';

export interface ChatMessage {
  /** SID from the service; a local `cid:` key while the message is still in the outbox. */
  readonly sid: string;
  /** Index in the channel; -1 while not yet accepted by the service. */
  readonly index: number;
  readonly author: string | null;
  readonly body: string | null;
  /** ms since epoch */
  readonly dateCreated: number;
  readonly dateUpdated: number | null;
  readonly media: ChatMedia | null;
  /** The client-side id the widget attached when sending, used to match echoes and retries. */
  readonly clientId: string | null;
  readonly pending?: MessagePending;
  /** The body the user asked for while an edit is pending. */
  readonly pendingBody?: string;
}

/** The loaded window of one opened channel's history (J4). */
export interface ChannelMessages {
  readonly items: readonly ChatMessage[];
  readonly hasOlder: boolean;
  readonly loading: boolean;
  readonly loadingOlder: boolean;
  readonly error: string | null;
}

export interface ChatErrorInfo {
  /** A stable machine-readable code, e.g. `token-ttl-too-short`, `denied`, `token-fetch-failed`. */
  readonly code: string;
  /** A sentence a person can read. */
  readonly message: string;
}

/** The whole state, published as a new frozen object on every change. */
export interface ChatState {
  readonly phase: SessionPhase;
  readonly connection: ConnectionStatus;
  readonly identity: string | null;
  readonly error: ChatErrorInfo | null;
  readonly channels: readonly ChatChannel[];
  readonly channelsLoaded: boolean;
  readonly activeChannelSid: string | null;
  readonly messages: Readonly<Record<string, ChannelMessages>>;
  /** Identities currently typing, per channel SID. */
  readonly typing: Readonly<Record<string, readonly string[]>>;
  /** Messages written while offline or not yet confirmed, per channel SID. */
  readonly outbox: Readonly<Record<string, readonly ChatMessage[]>>;
  /** Temporary download URLs of media in the loaded messages, by media SID. */
  readonly mediaUrls: Readonly<Record<string, string>>;
  readonly unreadTotal: number;
}

export const initialChatState: ChatState = Object.freeze({
  phase: 'idle',
  connection: 'idle',
  identity: null,
  error: null,
  channels: Object.freeze([]),
  channelsLoaded: false,
  activeChannelSid: null,
  messages: Object.freeze({}),
  typing: Object.freeze({}),
  outbox: Object.freeze({}),
  mediaUrls: Object.freeze({}),
  unreadTotal: 0,
});

/** Unread count of a channel from its own indices (J5): no network call. */
export function unreadCount(channel: ChatChannel): number {
  if (channel.status !== 'joined' || channel.lastMessageIndex === null) return 0;
  const horizon = channel.lastConsumedMessageIndex ?? -1;
  return Math.max(0, channel.lastMessageIndex - horizon);
}
