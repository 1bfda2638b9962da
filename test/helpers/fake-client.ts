import { ChatServiceError } from '../../src/services/port.js';
import type {
  ChatClientEvent,
  ChatClientFactory,
  ChatClientPort,
  MessagePage,
  PushType,
} from '../../src/services/port.js';
import type { ChatChannel, ChatMessage } from '../../src/state/types.js';
import { message } from './data.js';

export { channel, message } from './data.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A fake chat client behind the widget's own port: it records every call, in order, and lets a
 * test drive events. It never stands in for the SDK in end-to-end tests.
 */
export class FakeClient implements ChatClientPort {
  readonly calls: string[] = [];
  readonly sdkClient = { fake: true };
  readonly token: string;
  identity: string;
  channels: ChatChannel[] = [];
  /** Messages per channel, oldest first. */
  history = new Map<string, ChatMessage[]>();
  isShutDown = false;
  failSend: ChatServiceError | null = null;
  /** The next fetchMessages calls fail with this, as many times as `failFetchTimes`. */
  failFetch: ChatServiceError | null = null;
  failFetchTimes = 0;
  /** Calls to updateToken wait for this when set. */
  updateTokenGate: Promise<void> | null = null;
  private readonly readiness = deferred<void>();
  private readonly listeners = new Set<(event: ChatClientEvent) => void>();

  constructor(token: string, identity: string) {
    this.token = token;
    this.identity = identity;
    this.readiness.promise.catch(() => undefined);
  }

  initialize(): void {
    this.emit({ type: 'connection', state: 'connected' });
    this.readiness.resolve();
  }

  deny(): void {
    this.emit({ type: 'connection', state: 'denied' });
    this.readiness.reject(
      new ChatServiceError('denied', 'The chat service refused the access token.', { twilioCode: 20101 }),
    );
  }

  /** The SDK gives up on its first connection (its state becomes `failed`). */
  failToStart(code = 'failed'): void {
    this.readiness.reject(new ChatServiceError(code, 'The chat service could not be reached.'));
  }

  emit(event: ChatClientEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  subscribe(listener: (event: ChatClientEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  ready(): Promise<void> {
    return this.readiness.promise;
  }

  async loadSubscribedChannels(): Promise<readonly ChatChannel[]> {
    this.calls.push('loadSubscribedChannels');
    return [...this.channels];
  }

  async findChannel(sidOrUniqueName: string): Promise<ChatChannel> {
    this.calls.push(`findChannel ${sidOrUniqueName}`);
    const found = this.channels.find((c) => c.sid === sidOrUniqueName || c.uniqueName === sidOrUniqueName);
    if (!found) throw new ChatServiceError('not-found', 'Not Found', { status: 404 });
    return found;
  }

  async joinChannel(channelSid: string): Promise<void> {
    this.calls.push(`joinChannel ${channelSid}`);
  }

  async fetchMessages(
    channelSid: string,
    { beforeIndex, pageSize }: { beforeIndex?: number; pageSize: number },
  ): Promise<MessagePage> {
    this.calls.push(`fetchMessages ${channelSid} ${beforeIndex ?? 'latest'}`);
    if (this.failFetch && this.failFetchTimes-- > 0) throw this.failFetch;
    const all = (this.history.get(channelSid) ?? []).filter((m) => beforeIndex === undefined || m.index < beforeIndex);
    const items = all.slice(-pageSize);
    return { items, hasOlder: all.length > items.length };
  }

  async sendMessage(channelSid: string, body: string, clientId: string): Promise<number> {
    this.calls.push(`sendMessage ${channelSid} ${body}`);
    if (this.failSend) throw this.failSend;
    const list = this.history.get(channelSid) ?? [];
    const index = list.length ? list[list.length - 1].index + 1 : 0;
    const added = message(index, { author: this.identity, body, clientId });
    this.history.set(channelSid, [...list, added]);
    return index;
  }

  async sendMedia(channelSid: string, file: Blob, filename: string | null, clientId: string): Promise<number> {
    this.calls.push(`sendMedia ${channelSid} ${filename} ${file.size}`);
    if (this.failSend) throw this.failSend;
    const list = this.history.get(channelSid) ?? [];
    const index = list.length ? list[list.length - 1].index + 1 : 0;
    const media = { sid: `ME${index}`, filename, contentType: file.type, size: file.size };
    this.history.set(channelSid, [...list, message(index, { author: this.identity, body: null, media, clientId })]);
    return index;
  }

  async getMediaUrl(channelSid: string, index: number): Promise<string> {
    this.calls.push(`getMediaUrl ${channelSid} ${index}`);
    return `https://media.example/${channelSid}/${index}`;
  }

  async updateMessage(channelSid: string, index: number, body: string): Promise<void> {
    this.calls.push(`updateMessage ${channelSid} ${index} ${body}`);
  }

  async removeMessage(channelSid: string, index: number): Promise<void> {
    this.calls.push(`removeMessage ${channelSid} ${index}`);
  }

  async typing(channelSid: string): Promise<void> {
    this.calls.push(`typing ${channelSid}`);
  }

  async advanceConsumed(channelSid: string, index: number): Promise<void> {
    this.calls.push(`advanceConsumed ${channelSid} ${index}`);
  }

  async updateToken(token: string): Promise<void> {
    this.calls.push(`updateToken ${token}`);
    if (this.updateTokenGate) await this.updateTokenGate;
  }

  async setPushRegistration(type: PushType, token: string): Promise<void> {
    this.calls.push(`setPushRegistration ${type} ${token}`);
  }

  async removePushRegistration(type: PushType): Promise<void> {
    this.calls.push(`removePushRegistration ${type}`);
  }

  async shutdown(): Promise<void> {
    this.calls.push('shutdown');
    this.isShutDown = true;
    this.listeners.clear();
  }
}

/** A factory that hands out FakeClients and keeps them for the test to inspect. */
export function fakeFactory(
  setup: (client: FakeClient) => void = (client) => queueMicrotask(() => client.initialize()),
) {
  const clients: FakeClient[] = [];
  const identityOf = (token: string) =>
    JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).grants.identity as string;
  const factory: ChatClientFactory = (token) => {
    const client = new FakeClient(token, identityOf(token));
    clients.push(client);
    setup(client);
    return client;
  };
  return { factory, clients, live: () => clients.filter((c) => !c.isShutDown) };
}
