import type { ChatClientFactory } from './port.js';

/**
 * Loads the SDK adapter (and with it twilio-chat, ~120 KB gzip) as a separate chunk. The session
 * calls this at the same moment it starts fetching the token, so neither waits for the other (T4).
 */
export function loadTwilioChatClientFactory(): Promise<ChatClientFactory> {
  return import('./twilio-chat-client.js').then((module) => module.createTwilioChatClient);
}
