import { initialChatState, unreadCount } from './types.js';
import type { ChannelMessages, ChatChannel, ChatMessage, ChatState, MessagePending } from './types.js';

/**
 * Holds the current snapshot and tells subscribers about every new one. It has no DOM and knows
 * no SDK: `ChatSession` drives it, elements read it through context. Every change publishes a
 * new frozen object, because ContextProvider only notifies on a new value.
 */
export class ChatStore {
  private current: ChatState = initialChatState;
  private readonly listeners = new Set<(state: ChatState) => void>();

  get state(): ChatState {
    return this.current;
  }

  subscribe(listener: (state: ChatState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  update(change: (state: ChatState) => Partial<ChatState>): void {
    const next = { ...this.current, ...change(this.current) };
    next.unreadTotal = next.channels.reduce((sum, channel) => sum + unreadCount(channel), 0);
    this.current = Object.freeze(next);
    for (const listener of this.listeners) listener(this.current);
  }
}

const emptyWindow: ChannelMessages = Object.freeze({
  items: Object.freeze([]),
  hasOlder: false,
  loading: true,
  loadingOlder: false,
  error: null,
});

/** Newest first; channels without messages by name. */
function compareChannels(a: ChatChannel, b: ChatChannel): number {
  const byTime = (b.lastMessageTime ?? 0) - (a.lastMessageTime ?? 0);
  if (byTime !== 0) return byTime;
  return (a.friendlyName ?? a.uniqueName ?? a.sid).localeCompare(b.friendlyName ?? b.uniqueName ?? b.sid);
}

/** Adds or replaces channels by SID, whichever source delivered them (J3). */
export function upsertChannels(state: ChatState, channels: readonly ChatChannel[]): Partial<ChatState> {
  const bySid = new Map(state.channels.map((channel) => [channel.sid, channel]));
  for (const channel of channels) {
    const known = bySid.get(channel.sid);
    // The service's read horizon is taken as it comes; the session re-applies what the visitor has
    // already seen when the service is behind (J5).
    bySid.set(channel.sid, known ? mergeChannel(known, channel) : channel);
  }
  return { channels: Object.freeze([...bySid.values()].sort(compareChannels)) };
}

function mergeChannel(known: ChatChannel, next: ChatChannel): ChatChannel {
  const lastMessageIndex = Math.max(known.lastMessageIndex ?? -1, next.lastMessageIndex ?? -1);
  return Object.freeze({
    ...next,
    lastMessageIndex: lastMessageIndex < 0 ? null : lastMessageIndex,
    lastMessageTime: Math.max(known.lastMessageTime ?? 0, next.lastMessageTime ?? 0) || null,
    pendingFriendlyName: next.friendlyName === known.pendingFriendlyName ? undefined : known.pendingFriendlyName,
  });
}

export function removeChannel(state: ChatState, channelSid: string): Partial<ChatState> {
  const { [channelSid]: _messages, ...messages } = state.messages;
  const { [channelSid]: _typing, ...typing } = state.typing;
  const { [channelSid]: _outbox, ...outbox } = state.outbox;
  return {
    channels: Object.freeze(state.channels.filter((channel) => channel.sid !== channelSid)),
    messages: Object.freeze(messages),
    typing: Object.freeze(typing),
    outbox: Object.freeze(outbox),
    activeChannelSid: state.activeChannelSid === channelSid ? null : state.activeChannelSid,
  };
}

export function patchChannel(state: ChatState, channelSid: string, patch: Partial<ChatChannel>): Partial<ChatState> {
  const known = state.channels.find((channel) => channel.sid === channelSid);
  if (!known) return {};
  return {
    channels: Object.freeze(
      state.channels
        .map((channel) => (channel === known ? Object.freeze({ ...channel, ...patch }) : channel))
        .sort(compareChannels),
    ),
  };
}

export function patchWindow(state: ChatState, channelSid: string, patch: Partial<ChannelMessages>): Partial<ChatState> {
  const window = state.messages[channelSid] ?? emptyWindow;
  return { messages: Object.freeze({ ...state.messages, [channelSid]: Object.freeze({ ...window, ...patch }) }) };
}

/** Merges messages into the loaded window, one per index, oldest first (J4). */
export function mergeMessages(items: readonly ChatMessage[], incoming: readonly ChatMessage[]): readonly ChatMessage[] {
  const byIndex = new Map(items.map((message) => [message.index, message]));
  for (const message of incoming) byIndex.set(message.index, message);
  return Object.freeze([...byIndex.values()].sort((a, b) => a.index - b.index));
}

export function mapMessage(
  state: ChatState,
  channelSid: string,
  index: number,
  change: (message: ChatMessage) => ChatMessage | null,
): Partial<ChatState> {
  const window = state.messages[channelSid];
  if (!window || !window.items.some((message) => message.index === index)) return {};
  const items: ChatMessage[] = [];
  for (const message of window.items) {
    const next = message.index === index ? change(message) : message;
    if (next) items.push(next);
  }
  return patchWindow(state, channelSid, { items: Object.freeze(items) });
}

export function setOutbox(state: ChatState, channelSid: string, items: readonly ChatMessage[]): Partial<ChatState> {
  const { [channelSid]: _old, ...rest } = state.outbox;
  return { outbox: Object.freeze(items.length ? { ...rest, [channelSid]: Object.freeze([...items]) } : rest) };
}

/** Sets the pending state of one queued message, found by its client id. */
export function markOutbox(
  state: ChatState,
  channelSid: string,
  clientId: string,
  pending: MessagePending,
): Partial<ChatState> {
  const items = (state.outbox[channelSid] ?? []).map((m) =>
    m.clientId === clientId ? Object.freeze({ ...m, pending }) : m,
  );
  return setOutbox(state, channelSid, items);
}

export function setTyping(state: ChatState, channelSid: string, identity: string, typing: boolean): Partial<ChatState> {
  const current = state.typing[channelSid] ?? [];
  const next = typing
    ? current.includes(identity)
      ? current
      : [...current, identity]
    : current.filter((name) => name !== identity);
  if (next === current) return {};
  const { [channelSid]: _old, ...rest } = state.typing;
  return { typing: Object.freeze(next.length ? { ...rest, [channelSid]: Object.freeze(next) } : rest) };
}
