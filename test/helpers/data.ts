import type { ChatChannel, ChatMessage } from '../../src/state/types.js';

/** Plain state data for tests; every field can be overridden. */
export function channel(sid: string, patch: Partial<ChatChannel> = {}): ChatChannel {
  return {
    sid,
    uniqueName: null,
    friendlyName: sid,
    type: 'public',
    status: 'joined',
    createdBy: 'alice',
    lastMessageIndex: null,
    lastMessageTime: null,
    lastConsumedMessageIndex: null,
    ...patch,
  };
}

export function message(index: number, patch: Partial<ChatMessage> = {}): ChatMessage {
  return {
    sid: `IM${index}`,
    index,
    author: 'bob',
    body: `message ${index}`,
    dateCreated: 1_700_000_000_000 + index * 1000,
    dateUpdated: null,
    media: null,
    clientId: null,
    ...patch,
  };
}
