/**
 * The port between the widget and a chat backend. Everything that crosses it is plain readonly
 * data from `state/types.ts`: the adapter behind it (`twilio-chat-client.ts`, the only module that
 * imports twilio-chat) keeps the SDK objects to itself. Unit tests inject a fake through it.
 */
import type { ChatChannel, ChatMessage } from '../state/types.js';

/** The SDK's own connection states, as the adapter reports them. */
export type ClientConnectionState = 'connecting' | 'connected' | 'disconnecting' | 'disconnected' | 'denied';

export type ChatClientEvent =
  | { readonly type: 'connection'; readonly state: ClientConnectionState }
  | { readonly type: 'token-about-to-expire' }
  | { readonly type: 'token-expired' }
  | { readonly type: 'channel'; readonly channel: ChatChannel }
  | { readonly type: 'channel-removed'; readonly channelSid: string }
  | { readonly type: 'message-added'; readonly channelSid: string; readonly message: ChatMessage }
  | { readonly type: 'message-updated'; readonly channelSid: string; readonly message: ChatMessage }
  | { readonly type: 'message-removed'; readonly channelSid: string; readonly index: number }
  | {
      readonly type: 'typing';
      readonly channelSid: string;
      readonly identity: string;
      readonly typing: boolean;
    };

export interface MessagePage {
  /** Oldest first. */
  readonly items: readonly ChatMessage[];
  readonly hasOlder: boolean;
}

/** Why the service refused or failed; `code` is a stable string, `twilioCode` the service's number. */
export class ChatServiceError extends Error {
  readonly code: string;
  readonly twilioCode: number | null;
  readonly status: number | null;
  constructor(
    code: string,
    message: string,
    { twilioCode = null, status = null }: { twilioCode?: number | null; status?: number | null } = {},
  ) {
    super(message);
    this.name = 'ChatServiceError';
    this.code = code;
    this.twilioCode = twilioCode;
    this.status = status;
  }
}

export interface ChatClientPort {
  /** The identity the service assigned (from the token). */
  readonly identity: string;
  /** The live SDK object, for the host page's advanced use only; never stored in state. */
  readonly sdkClient: unknown;
  /** Listens to every event; returns the unsubscribe function. */
  subscribe(listener: (event: ChatClientEvent) => void): () => void;
  /** Resolves once the client is initialized (M1); rejects with a ChatServiceError when it failed or was denied. */
  ready(): Promise<void>;
  /** Every subscribed channel, all pages (J1-J3). Channel events were listened to before it is called. */
  loadSubscribedChannels(): Promise<readonly ChatChannel[]>;
  /** A channel by SID or unique name: a subscribed one, or a public one the user can join. */
  findChannel(sidOrUniqueName: string): Promise<ChatChannel>;
  joinChannel(channelSid: string): Promise<void>;
  /** The newest page, or the page before `beforeIndex` (J4). */
  fetchMessages(channelSid: string, options: { beforeIndex?: number; pageSize: number }): Promise<MessagePage>;
  /** Resolves with the new message's index. `clientId` travels in the message attributes. */
  sendMessage(channelSid: string, body: string, clientId: string): Promise<number>;
  /** Uploads a file and sends it as a media message; resolves with its index. */
  sendMedia(channelSid: string, file: Blob, filename: string | null, clientId: string): Promise<number>;
  /** A short-lived URL of a loaded message's media. */
  getMediaUrl(channelSid: string, index: number): Promise<string>;
  updateMessage(channelSid: string, index: number, body: string): Promise<void>;
  removeMessage(channelSid: string, index: number): Promise<void>;
  typing(channelSid: string): Promise<void>;
  /** Advances the consumption horizon (never moves it back). */
  advanceConsumed(channelSid: string, index: number): Promise<void>;
  updateToken(token: string): Promise<void>;
  setPushRegistration(type: PushType, token: string): Promise<void>;
  removePushRegistration(type: PushType): Promise<void>;
  shutdown(): Promise<void>;
}

export type PushType = 'fcm' | 'apn';

/** Creates a client and starts connecting at once. */
export type ChatClientFactory = (token: string, options: Readonly<Record<string, unknown>>) => ChatClientPort;
