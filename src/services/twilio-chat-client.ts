/**
 * The only module that imports twilio-chat. It is loaded with import() (see `load-sdk.ts`), so the
 * SDK lands in its own chunk that the page fetches in parallel with the token.
 *
 * SDK objects stay in here; what leaves is plain data (`state/types.ts`).
 */
import { Client } from 'twilio-chat';
import type { Channel, Message } from 'twilio-chat';
import type { ChatChannel, ChatMessage } from '../state/types.js';
import { ChatServiceError } from './port.js';
import { isSdkTransportNoise, quietSdkTransportNoise } from './sdk-noise.js';
import type { ChatClientEvent, ChatClientPort, ClientConnectionState, MessagePage, PushType } from './port.js';

/** The widget marks its own messages so it can match echoes and retries ("none lost, none twice"). */
type ChannelPage = Awaited<ReturnType<Client['getSubscribedChannels']>>;

const CLIENT_ID_ATTRIBUTE = 'chatWidgetClientId';
const NOISE_GUARD_LINGER_MS = 2000;

function toTime(value: unknown): number | null {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string' || typeof value === 'number') {
    const time = new Date(value).getTime();
    return Number.isNaN(time) ? null : time;
  }
  return null;
}

export function toChatChannel(channel: Channel): ChatChannel {
  const last = channel.lastMessage as { index?: number; timestamp?: Date } | undefined;
  return Object.freeze({
    sid: channel.sid,
    uniqueName: channel.uniqueName || null,
    friendlyName: channel.friendlyName || null,
    type: channel.type === 'private' ? 'private' : 'public',
    status: channel.status === 'joined' || channel.status === 'invited' ? channel.status : 'notParticipating',
    createdBy: channel.createdBy || null,
    lastMessageIndex: typeof last?.index === 'number' ? last.index : null,
    lastMessageTime: toTime(last?.timestamp) ?? toTime(channel.dateUpdated),
    lastConsumedMessageIndex: channel.lastConsumedMessageIndex ?? null,
  });
}

export function toChatMessage(message: Message): ChatMessage {
  const attributes = (message.attributes ?? {}) as Record<string, unknown>;
  const clientId = attributes[CLIENT_ID_ATTRIBUTE];
  const media = message.type === 'media' ? message.media : null;
  const created = toTime(message.dateCreated) ?? Date.now();
  const updated = toTime(message.dateUpdated);
  return Object.freeze({
    sid: message.sid,
    index: message.index,
    author: message.author ?? null,
    body: message.body ?? null,
    dateCreated: created,
    dateUpdated: updated !== null && updated > created ? updated : null,
    media: media
      ? Object.freeze({
          sid: media.sid,
          filename: media.filename ?? null,
          contentType: media.contentType,
          size: media.size,
        })
      : null,
    clientId: typeof clientId === 'string' ? clientId : null,
  });
}

/** twilsock errors carry the service's code in different places depending on where they failed. */
function toServiceError(error: unknown, fallback: string): ChatServiceError {
  if (error instanceof ChatServiceError) return error;
  if (isSdkTransportNoise(error)) {
    return new ChatServiceError('connection-lost', 'The connection dropped before the chat service answered.');
  }
  const e = (error ?? {}) as {
    message?: string;
    status?: number;
    errorCode?: number;
    body?: { code?: number; message?: string };
  };
  const status = typeof e.status === 'number' ? e.status : null;
  const twilioCode = e.errorCode ?? e.body?.code ?? null;
  const code = status === 404 ? 'not-found' : status === 403 ? 'forbidden' : fallback;
  return new ChatServiceError(code, e.body?.message || e.message || fallback, { twilioCode, status });
}

class TwilioChatClient implements ChatClientPort {
  readonly sdkClient: Client;
  private readonly listeners = new Set<(event: ChatClientEvent) => void>();
  private readonly channels = new Map<string, Channel>();
  /** The fetched window of each opened channel: only these get update/remove events (J4). */
  private readonly messages = new Map<string, Map<number, Message>>();
  private readonly readyPromise: Promise<void>;
  private isShutDown = false;
  private settled = false;
  private channelsLoading: Promise<readonly ChatChannel[]> | null = null;
  private relisting = false;
  private readonly releaseNoiseGuard = quietSdkTransportNoise();

  constructor(token: string, options: Readonly<Record<string, unknown>>) {
    // The constructor starts connecting at once; every listener is attached before the first
    // event can fire (they are emitted on a later task), and before getSubscribedChannels (J3).
    const client = new Client(token, { ...options } as ConstructorParameters<typeof Client>[1]);
    this.sdkClient = client;
    this.readyPromise = new Promise<void>((resolve, reject) => {
      let lastError: ChatServiceError | null = null;
      client.on(
        'connectionError',
        (error: { terminal?: boolean; message?: string; errorCode?: number; httpStatusCode?: number }) => {
          lastError = new ChatServiceError(
            error.terminal ? 'denied' : 'connection-error',
            error.message || 'Connection error',
            {
              twilioCode: error.errorCode ?? null,
              status: error.httpStatusCode ?? null,
            },
          );
        },
      );
      client.on('stateChanged', (state: string) => {
        if (state === 'initialized') resolve();
        // Client.create would resolve even here; the widget must detect it (M1).
        if (state === 'failed')
          reject(lastError ?? new ChatServiceError('failed', 'The chat service could not be reached.'));
      });
      client.on('connectionStateChanged', (state: string) => {
        if (state === 'denied')
          reject(lastError ?? new ChatServiceError('denied', 'The chat service refused the access token.'));
      });
    });
    this.readyPromise.then(
      () => (this.settled = true),
      () => (this.settled = true),
    );
    this.listen(client);
  }

  get identity(): string {
    return this.sdkClient.user?.identity ?? '';
  }

  subscribe(listener: (event: ChatClientEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  ready(): Promise<void> {
    return this.readyPromise;
  }

  loadSubscribedChannels(): Promise<readonly ChatChannel[]> {
    this.channelsLoading ??= this.pageSubscribedChannels();
    return this.channelsLoading;
  }

  private async pageSubscribedChannels(): Promise<readonly ChatChannel[]> {
    await this.readyPromise;
    const result: ChatChannel[] = [];
    try {
      await this.forEachSubscribedChannel((channel) => {
        this.channels.set(channel.sid, channel);
        result.push(toChatChannel(channel));
      });
    } catch (error) {
      // SDK quirk: a drop while the SDK fetches the channel list leaves that list rejected for
      // good on this client; only a fresh client gets it (the session starts one on
      // 'connection-lost').
      throw toServiceError(error, 'connect-failed');
    }
    return result;
  }

  /** Pages through every subscribed channel (J3: all of it, not the first page). */
  private async forEachSubscribedChannel(visit: (channel: Channel) => void): Promise<void> {
    let page: ChannelPage | null = await this.sdkClient.getSubscribedChannels();
    while (page && !this.isShutDown) {
      page.items.forEach(visit);
      page = page.hasNextPage ? await page.nextPage() : null;
    }
  }

  /**
   * SDK quirk: a drop while the SDK fetches a channel it was just added to (a background request)
   * loses that channelJoined for good; listing the subscribed channels again brings it. Done after
   * each reconnect, once the first listing is done; only channels not known yet are announced.
   */
  private async relistChannels(): Promise<void> {
    if (this.relisting || !this.channelsLoading) return;
    this.relisting = true;
    try {
      await this.channelsLoading;
      await this.forEachSubscribedChannel((channel) => {
        if (this.channels.has(channel.sid)) return;
        this.channels.set(channel.sid, channel);
        this.emit({ type: 'channel', channel: toChatChannel(channel) });
      });
    } catch {
      // The next reconnect tries again; the first listing reports its own failure.
    } finally {
      this.relisting = false;
    }
  }

  async findChannel(sidOrUniqueName: string): Promise<ChatChannel> {
    await this.readyPromise;
    try {
      const channel = /^CH[0-9a-fA-F]{32}$/.test(sidOrUniqueName)
        ? await this.sdkClient.getChannelBySid(sidOrUniqueName)
        : await this.sdkClient.getChannelByUniqueName(sidOrUniqueName);
      this.channels.set(channel.sid, channel);
      return toChatChannel(channel);
    } catch (error) {
      throw toServiceError(error, 'channel-unavailable');
    }
  }

  async joinChannel(channelSid: string): Promise<void> {
    const channel = await this.channel(channelSid);
    if (channel.status === 'joined') return;
    await channel.join().catch((error: unknown) => {
      throw toServiceError(error, 'join-failed');
    });
  }

  async fetchMessages(
    channelSid: string,
    { beforeIndex, pageSize }: { beforeIndex?: number; pageSize: number },
  ): Promise<MessagePage> {
    const channel = await this.channel(channelSid);
    const page = await (
      beforeIndex === undefined
        ? channel.getMessages(pageSize)
        : channel.getMessages(pageSize, beforeIndex - 1, 'backwards')
    ).catch((error: unknown) => {
      throw toServiceError(error, 'load-failed');
    });
    let window = this.messages.get(channelSid);
    if (!window) this.messages.set(channelSid, (window = new Map()));
    const items = page.items.filter((m) => beforeIndex === undefined || m.index < beforeIndex);
    for (const message of items) window.set(message.index, message);
    return { items: items.map(toChatMessage), hasOlder: page.hasPrevPage && items.length > 0 };
  }

  async sendMessage(channelSid: string, body: string, clientId: string): Promise<number> {
    const channel = await this.channel(channelSid);
    try {
      return Number(await channel.sendMessage(body, { [CLIENT_ID_ATTRIBUTE]: clientId }));
    } catch (error) {
      throw toServiceError(error, 'send-failed');
    }
  }

  async sendMedia(channelSid: string, file: Blob, filename: string | null, clientId: string): Promise<number> {
    const channel = await this.channel(channelSid);
    // FormData carries the file name; {contentType, media} would send none (SDK 6).
    const form = new FormData();
    form.append('file', file, filename ?? 'file');
    try {
      return Number(await channel.sendMessage(form, { [CLIENT_ID_ATTRIBUTE]: clientId }));
    } catch (error) {
      throw toServiceError(error, 'send-failed');
    }
  }

  async getMediaUrl(channelSid: string, index: number): Promise<string> {
    const media = this.loadedMessage(channelSid, index).media;
    if (!media) throw new ChatServiceError('no-media', `Message ${index} has no media.`);
    return media.getContentTemporaryUrl();
  }

  async updateMessage(channelSid: string, index: number, body: string): Promise<void> {
    await this.loadedMessage(channelSid, index)
      .updateBody(body)
      .catch((error: unknown) => {
        throw toServiceError(error, 'edit-failed');
      });
  }

  async removeMessage(channelSid: string, index: number): Promise<void> {
    await this.loadedMessage(channelSid, index)
      .remove()
      .catch((error: unknown) => {
        throw toServiceError(error, 'remove-failed');
      });
  }

  async typing(channelSid: string): Promise<void> {
    await (await this.channel(channelSid)).typing();
  }

  async advanceConsumed(channelSid: string, index: number): Promise<void> {
    await (await this.channel(channelSid)).advanceLastConsumedMessageIndex(index).catch((error: unknown) => {
      throw toServiceError(error, 'consume-failed');
    });
  }

  async updateToken(token: string): Promise<void> {
    await this.sdkClient.updateToken(token);
  }

  async setPushRegistration(type: PushType, token: string): Promise<void> {
    await this.readyPromise;
    await this.sdkClient.setPushRegistrationId(type, token);
  }

  async removePushRegistration(type: PushType): Promise<void> {
    await this.readyPromise;
    await this.sdkClient.unsetPushRegistrationId(type);
  }

  async shutdown(): Promise<void> {
    if (this.isShutDown) return;
    this.isShutDown = true;
    try {
      await this.shutdownSdk();
    } finally {
      // Requests cut off by the shutdown reject a moment later.
      setTimeout(this.releaseNoiseGuard, NOISE_GUARD_LINGER_MS);
    }
  }

  private async shutdownSdk(): Promise<void> {
    this.listeners.clear();
    this.channels.clear();
    this.messages.clear();
    this.sdkClient.removeAllListeners();
    if (this.channelsLoading) {
      // SDK quirk: a shutdown while the SDK still fetches the channel list after initializing
      // ends in an unhandled rejection inside the SDK. Let that fetch finish (bounded) first.
      await Promise.race([this.channelsLoading.catch(() => undefined), new Promise((r) => setTimeout(r, 3000))]);
    }
    if (this.settled) {
      await this.sdkClient.shutdown();
      return;
    }
    // SDK quirk: Client#shutdown() first awaits initialization, so a client that is still
    // connecting (an identity changed quickly, a socket that never opens) would never be shut
    // down and would keep reconnecting. Its Sync client owns the socket: shut that down directly.
    const services = (this.sdkClient as unknown as { services?: { syncClient?: { shutdown(): Promise<void> } } })
      .services;
    await (services?.syncClient ? services.syncClient.shutdown() : this.sdkClient.shutdown());
  }

  private emit(event: ChatClientEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private async channel(channelSid: string): Promise<Channel> {
    await this.readyPromise;
    const known = this.channels.get(channelSid);
    if (known) return known;
    // getChannelBySid resolves once the channel is synchronized (M2).
    const channel = await this.sdkClient.getChannelBySid(channelSid).catch((error: unknown) => {
      throw toServiceError(error, 'channel-unavailable');
    });
    this.channels.set(channel.sid, channel);
    return channel;
  }

  private loadedMessage(channelSid: string, index: number): Message {
    const message = this.messages.get(channelSid)?.get(index);
    if (!message) throw new ChatServiceError('not-loaded', `Message ${index} is not loaded.`);
    return message;
  }

  private listen(client: Client): void {
    let wasConnected = false;
    client.on('connectionStateChanged', (state: string) => {
      this.emit({ type: 'connection', state: state as ClientConnectionState });
      if (state === 'connected' && wasConnected && this.settled) void this.relistChannels();
      if (state === 'connected') wasConnected = true;
    });
    client.on('tokenAboutToExpire', () => this.emit({ type: 'token-about-to-expire' }));
    client.on('tokenExpired', () => this.emit({ type: 'token-expired' }));
    const upsert = (channel: Channel): void => {
      this.channels.set(channel.sid, channel);
      this.emit({ type: 'channel', channel: toChatChannel(channel) });
    };
    client.on('channelAdded', upsert);
    client.on('channelJoined', upsert);
    client.on('channelInvited', upsert);
    client.on('channelUpdated', ({ channel }: { channel: Channel }) => upsert(channel));
    client.on('channelLeft', (channel: Channel) => {
      // A public channel stays visible after leaving; it simply is no longer joined.
      this.messages.delete(channel.sid);
      upsert(channel);
    });
    client.on('channelRemoved', (channel: Channel) => {
      this.channels.delete(channel.sid);
      this.messages.delete(channel.sid);
      this.emit({ type: 'channel-removed', channelSid: channel.sid });
    });
    client.on('messageAdded', (message: Message) => {
      const channelSid = message.channel.sid;
      this.messages.get(channelSid)?.set(message.index, message);
      this.emit({ type: 'message-added', channelSid, message: toChatMessage(message) });
    });
    client.on('messageUpdated', ({ message }: { message: Message }) => {
      const channelSid = message.channel.sid;
      if (!this.messages.get(channelSid)?.has(message.index)) return;
      this.emit({ type: 'message-updated', channelSid, message: toChatMessage(message) });
    });
    client.on('messageRemoved', (message: Message) => {
      const channelSid = message.channel.sid;
      if (!this.messages.get(channelSid)?.delete(message.index)) return;
      this.emit({ type: 'message-removed', channelSid, index: message.index });
    });
    const typing = (isTyping: boolean) => (member: { channel: Channel; identity: string }) =>
      this.emit({ type: 'typing', channelSid: member.channel.sid, identity: member.identity, typing: isTyping });
    client.on('typingStarted', typing(true));
    client.on('typingEnded', typing(false));
  }
}

/** The factory the session uses; see `ChatClientFactory`. */
export function createTwilioChatClient(token: string, options: Readonly<Record<string, unknown>>): ChatClientPort {
  return new TwilioChatClient(token, options);
}
