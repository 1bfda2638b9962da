import { ChatServiceError } from '../services/port.js';
import type { ChatClientEvent, ChatClientFactory, ChatClientPort, PushType } from '../services/port.js';
import type { ChatStore } from '../state/chat-store.js';
import {
  mapMessage,
  markOutbox,
  mergeMessages,
  patchChannel,
  patchWindow,
  removeChannel,
  setOutbox,
  setTyping,
  upsertChannels,
} from '../state/chat-store.js';
import { initialChatState } from '../state/types.js';
import type { ChatErrorInfo, ChatMessage, ConnectionStatus } from '../state/types.js';
import { PushRegistrar } from './push-registrar.js';
import { TokenSource } from './token-source.js';
import type { FetchTokenHook, IssuedToken } from './token-source.js';

/** What the element hands the session; a change of identity or endpoint means a new client. */
export interface SessionConfig {
  readonly tokenUrl: string | null;
  readonly identity: string | null;
  readonly credentials: RequestCredentials;
  readonly fetchToken: FetchTokenHook | null;
  readonly clientOptions: Readonly<Record<string, unknown>>;
  /** SID or unique name of a channel to open (and join, when public) at once. */
  readonly channel: string | null;
}

/** One-off happenings the host page hears about as DOM events. */
export type SessionNotice =
  | { readonly type: 'ready'; readonly identity: string }
  | { readonly type: 'error'; readonly error: ChatErrorInfo }
  | { readonly type: 'token-refresh'; readonly expiresAt: number }
  | { readonly type: 'identity-change'; readonly identity: string | null; readonly previousIdentity: string | null };

export interface SessionDeps {
  readonly store: ChatStore;
  /** Loads the client factory (the SDK chunk); called in parallel with the token fetch (T4). */
  readonly loadClientFactory: () => Promise<ChatClientFactory>;
  readonly tokenStorage: Storage | null;
  readonly pushStorage: Storage | null;
  readonly notify: (notice: SessionNotice) => void;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  readonly warn?: (message: string) => void;
  /** Backoff for token refresh retries and client restarts, ms for attempt n (from 0). */
  readonly retryDelay?: (attempt: number) => number;
  /** How long to wait for a replay after reconnecting before resending the outbox. */
  readonly outboxSettleMs?: number;
}

export const MESSAGE_PAGE_SIZE = 30;
/** Twilio Chat's limit for one media message. */
export const MAX_MEDIA_BYTES = 150 * 1024 * 1024;

/** The live parts of one identity's session; replaced whole on an identity change (L4). */
interface Generation {
  /** Replaced in place when only the channel to open changes. */
  config: SessionConfig;
  readonly tokens: TokenSource;
  client: ChatClientPort | null;
  /** The token the client currently holds. */
  token: string | null;
  identity: string | null;
  everConnected: boolean;
  sdkState: string;
  tokenExpired: boolean;
  refreshing: Promise<void> | null;
  retryTimer: ReturnType<typeof setTimeout> | null;
  unsubscribe: (() => void) | null;
  consuming: Map<string, Promise<void>>;
  sending: Map<string, Promise<void>>;
  /** Client ids of queued messages whose send is in flight, so none is sent twice. */
  sentIds: Set<string>;
  /** Files waiting in the outbox, by client id (kept out of the state: it holds plain data). */
  files: Map<string, File>;
  /** Media SIDs whose URL was asked for. */
  mediaRequests: Set<string>;
  /** The highest message index the visitor has seen, per channel SID (J5). */
  readonly seen: Map<string, number>;
  /** Work cut off by a drop, done again on the next `connected` (by key, so once each). */
  readonly onReconnect: Map<string, () => void>;
  /** How many fresh clients were started in a row after restartable failures. */
  readonly restarts: number;
}

/**
 * Start failures that a fresh client may get past: the SDK gave up on its first connection or lost
 * the channel list to a drop (a client in that state stays broken; the SDK does not recover it).
 */
const RESTARTABLE = new Set(['failed', 'connection-error', 'connection-lost']);
/** Fresh clients tried after such a failure (1, 2, 4 and 8 s apart) before the error is shown. */
export const MAX_AUTO_RESTARTS = 4;

const isFatal = (code: string) =>
  [
    'token-ttl-too-short',
    'token-identity-mismatch',
    'token-invalid',
    'token-url-missing',
    'denied',
    'token-expired',
  ].includes(code);

/**
 * The widget's lifecycle by the book: one SDK client per identity (L3, L4), created only after
 * its token was checked (T2, T5), never recreated for network drops or page visibility (L1, L2),
 * torn down by releasing its objects from the state first (M4, P4) and unregistering push (P3).
 */
export class ChatSession {
  private readonly deps: SessionDeps;
  private readonly push: PushRegistrar;
  private generation: Generation | null = null;
  /** Teardown of the previous clients; the next client is created only after it (L4). */
  private teardown: Promise<void> = Promise.resolve();
  private pushRequest: { token: string; type: PushType } | null = null;
  private networkOnline = true;
  private disposed = false;

  constructor(deps: SessionDeps) {
    this.deps = deps;
    this.push = new PushRegistrar(deps.pushStorage);
  }

  private get store(): ChatStore {
    return this.deps.store;
  }

  /** The live client's SDK object, for the host page. */
  get sdkClient(): unknown {
    return this.generation?.client?.sdkClient ?? null;
  }

  /**
   * Starts or adjusts the session. A new identity or token endpoint shuts the old client down and
   * creates a fresh one; anything else is applied to the running session.
   */
  configure(config: SessionConfig): void {
    this.disposed = false;
    const current = this.generation;
    if (
      current &&
      current.config.identity === config.identity &&
      current.config.tokenUrl === config.tokenUrl &&
      current.config.fetchToken === config.fetchToken &&
      current.config.credentials === config.credentials
    ) {
      // Same client; a new channel to open is opened now, or once the client is ready.
      const channelChanged = config.channel !== current.config.channel;
      current.config = config;
      if (channelChanged && this.isReady(current)) void this.openConfiguredChannel(current);
      return;
    }
    const previousIdentity = current?.identity ?? current?.config.identity ?? null;
    this.end({ clearToken: true });
    if (current) this.deps.notify({ type: 'identity-change', identity: config.identity, previousIdentity });
    this.begin(config);
  }

  /** Logs out: releases everything of the client and shuts it down (L3); no new client follows. */
  async logout(): Promise<void> {
    const previousIdentity = this.generation?.identity ?? null;
    this.end({ clearToken: true });
    this.store.update(() => ({ ...initialChatState, phase: 'logged-out' }));
    if (previousIdentity !== null) this.deps.notify({ type: 'identity-change', identity: null, previousIdentity });
    await this.teardown;
  }

  /** The element left the DOM for good. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.end({ clearToken: false });
    this.store.update(() => ({ ...initialChatState }));
    await this.teardown;
  }

  /** Tries again after a fatal error (a new client, a fresh token). */
  retry(): void {
    const config = this.generation?.config;
    if (!config) return;
    this.end({ clearToken: true });
    this.begin(config);
  }

  /** The browser's own online/offline signal; the SDK reconnects by itself either way (L1). */
  setNetworkOnline(online: boolean): void {
    const cameBack = online && !this.networkOnline;
    this.networkOnline = online;
    this.updateConnection();
    // A start that failed for want of a network (token endpoint, SDK chunk, the SDK's first
    // connection) is tried again.
    const code = this.store.state.error?.code;
    if (
      cameBack &&
      this.store.state.phase === 'error' &&
      (code === 'token-fetch-failed' || code === 'sdk-load-failed' || (!!code && RESTARTABLE.has(code)))
    ) {
      this.retry();
    }
  }

  setPushToken(token: string | null, type: PushType): void {
    this.pushRequest = token ? { token, type } : null;
    const generation = this.generation;
    if (generation?.client && generation.identity && this.store.state.phase === 'ready')
      void this.registerPush(generation);
  }

  async openChannel(channelSid: string | null): Promise<void> {
    const generation = this.generation;
    this.store.update(() => ({ activeChannelSid: channelSid }));
    // M1/M2: before the client is ready the choice is only remembered; it is opened once ready.
    // A window that failed to load is loaded again.
    const existing = channelSid === null ? undefined : this.store.state.messages[channelSid];
    if (!this.isReady(generation) || channelSid === null || (existing && !existing.error)) return;
    this.store.update((state) => patchWindow(state, channelSid, { loading: true }));
    try {
      // Opening a channel one is invited to accepts the invitation: only members read.
      if (this.store.state.channels.find((c) => c.sid === channelSid)?.status === 'invited') {
        await generation.client.joinChannel(channelSid);
      }
      const page = await generation.client.fetchMessages(channelSid, { pageSize: MESSAGE_PAGE_SIZE });
      if (!this.isCurrent(generation)) return;
      this.store.update((state) =>
        patchWindow(state, channelSid, {
          items: mergeMessages(state.messages[channelSid]?.items ?? [], page.items),
          hasOlder: page.hasOlder,
          loading: false,
          error: null,
        }),
      );
    } catch (error) {
      if (!this.isCurrent(generation)) return;
      this.store.update((state) => patchWindow(state, channelSid, { loading: false, error: messageOf(error) }));
      // Cut off by a drop: loaded again once the connection is back, if still open.
      if (isConnectionLost(error)) {
        generation.onReconnect.set(`open ${channelSid}`, () => {
          if (this.store.state.activeChannelSid === channelSid) void this.openChannel(channelSid);
        });
      }
    }
  }

  async loadOlder(channelSid: string): Promise<void> {
    const generation = this.generation;
    const window = this.store.state.messages[channelSid];
    if (!generation?.client || !window || !window.hasOlder || window.loadingOlder || window.loading) return;
    const oldest = window.items[0];
    if (!oldest) return;
    this.store.update((state) => patchWindow(state, channelSid, { loadingOlder: true, error: null }));
    try {
      const page = await generation.client.fetchMessages(channelSid, {
        beforeIndex: oldest.index,
        pageSize: MESSAGE_PAGE_SIZE,
      });
      if (!this.isCurrent(generation)) return;
      this.store.update((state) =>
        patchWindow(state, channelSid, {
          items: mergeMessages(state.messages[channelSid]?.items ?? [], page.items),
          hasOlder: page.hasOlder,
          loadingOlder: false,
        }),
      );
    } catch (error) {
      if (!this.isCurrent(generation)) return;
      this.store.update((state) => patchWindow(state, channelSid, { loadingOlder: false, error: messageOf(error) }));
    }
  }

  /** Queues a message; it is sent now when connected, or when the connection comes back. */
  send(channelSid: string, body: string): void {
    const text = body.trim();
    if (text) this.enqueue(channelSid, text, null);
  }

  /** Queues a file (image or any other) the same way; refuses what the service would refuse. */
  sendFile(channelSid: string, file: File): void {
    if (file.size > MAX_MEDIA_BYTES) {
      const megabytes = Math.round(file.size / 1024 / 1024);
      this.reportError(
        { code: 'file-too-large', message: `"${file.name}" is ${megabytes} MB; files can be at most 150 MB.` },
        false,
      );
      return;
    }
    this.enqueue(channelSid, null, file);
  }

  /** Asks once for the temporary URL of a loaded message's media. */
  async loadMediaUrl(channelSid: string, index: number, mediaSid: string): Promise<void> {
    const generation = this.generation;
    if (!this.isReady(generation) || this.store.state.mediaUrls[mediaSid] || generation.mediaRequests.has(mediaSid))
      return;
    generation.mediaRequests.add(mediaSid);
    try {
      const url = await generation.client.getMediaUrl(channelSid, index);
      if (this.isCurrent(generation))
        this.store.update((state) => ({ mediaUrls: Object.freeze({ ...state.mediaUrls, [mediaSid]: url }) }));
    } catch {
      // The attachment stays shown without a preview; asking again later may work.
      generation.mediaRequests.delete(mediaSid);
    }
  }

  private enqueue(channelSid: string, body: string | null, file: File | null): void {
    const generation = this.generation;
    if (!generation) return;
    const clientId = randomId();
    if (file) generation.files.set(clientId, file);
    const message: ChatMessage = Object.freeze({
      sid: `cid:${clientId}`,
      index: -1,
      author: generation.identity,
      body,
      dateCreated: this.now(),
      dateUpdated: null,
      media: file
        ? Object.freeze({
            sid: `cid:${clientId}`,
            filename: file.name || null,
            contentType: file.type || 'application/octet-stream',
            size: file.size,
          })
        : null,
      clientId,
      pending: 'sending',
    });
    this.store.update((state) => setOutbox(state, channelSid, [...(state.outbox[channelSid] ?? []), message]));
    this.flushOutbox(generation, channelSid);
  }

  retrySend(channelSid: string, clientId: string): void {
    const generation = this.generation;
    if (!generation) return;
    this.store.update((state) => markOutbox(state, channelSid, clientId, 'sending'));
    this.flushOutbox(generation, channelSid);
  }

  /** M3: the edit shows as pending until messageUpdated brings the new body. */
  async edit(channelSid: string, index: number, body: string): Promise<void> {
    const generation = this.generation;
    const text = body.trim();
    if (!generation?.client || !text) return;
    this.store.update((state) =>
      mapMessage(state, channelSid, index, (m) =>
        Object.freeze({ ...m, pending: 'editing' as const, pendingBody: text }),
      ),
    );
    try {
      await generation.client.updateMessage(channelSid, index, text);
    } catch (error) {
      if (!this.isCurrent(generation)) return;
      this.store.update((state) => mapMessage(state, channelSid, index, (m) => withoutPending(m)));
      this.reportError({ code: 'edit-failed', message: `The message could not be edited: ${messageOf(error)}` }, false);
    }
  }

  /** The message stays, marked, until messageRemoved arrives (M3). */
  async remove(channelSid: string, index: number): Promise<void> {
    const generation = this.generation;
    if (!generation?.client) return;
    this.store.update((state) =>
      mapMessage(state, channelSid, index, (m) => Object.freeze({ ...m, pending: 'removing' as const })),
    );
    try {
      await generation.client.removeMessage(channelSid, index);
    } catch (error) {
      if (!this.isCurrent(generation)) return;
      this.store.update((state) => mapMessage(state, channelSid, index, (m) => withoutPending(m)));
      this.reportError(
        { code: 'remove-failed', message: `The message could not be deleted: ${messageOf(error)}` },
        false,
      );
    }
  }

  typing(channelSid: string): void {
    const generation = this.generation;
    if (this.isReady(generation) && this.store.state.connection === 'connected') {
      generation.client.typing(channelSid).catch(() => undefined);
    }
  }

  /**
   * Advances the read horizon to a message the visitor has seen (J5). The badge clears at once;
   * calls are coalesced so that at most one per channel is in flight.
   */
  markSeen(channelSid: string, index: number): void {
    const generation = this.generation;
    const channel = this.store.state.channels.find((c) => c.sid === channelSid);
    if (!generation?.client || !channel || channel.status !== 'joined') return;
    if ((channel.lastConsumedMessageIndex ?? -1) >= index) return;
    this.store.update((state) => patchChannel(state, channelSid, { lastConsumedMessageIndex: index }));
    generation.seen.set(channelSid, Math.max(generation.seen.get(channelSid) ?? -1, index));
    this.sendHorizon(generation, channelSid);
  }

  /** Sends the channel's read horizon as it stands in the state, one call at a time (J5). */
  private sendHorizon(generation: Generation, channelSid: string): void {
    if (generation.consuming.has(channelSid)) return;
    const run = async (): Promise<void> => {
      let sent = -1;
      for (;;) {
        const target = this.store.state.channels.find((c) => c.sid === channelSid)?.lastConsumedMessageIndex ?? -1;
        if (target <= sent || !this.isCurrent(generation) || !generation.client) break;
        sent = target;
        try {
          await generation.client.advanceConsumed(channelSid, target);
        } catch (error) {
          // Cut off by a drop: the service would keep an old horizon (a badge back on reload).
          if (isConnectionLost(error))
            generation.onReconnect.set(`horizon ${channelSid}`, () => this.sendHorizon(generation, channelSid));
          break;
        }
      }
    };
    // Deleted in a later microtask, so even a run that ends at once is removed after it was set.
    generation.consuming.set(
      channelSid,
      run().finally(() => generation.consuming.delete(channelSid)),
    );
  }

  // --- lifecycle -------------------------------------------------------------------------

  private begin(config: SessionConfig, restarts = 0): void {
    const tokens = new TokenSource({
      url: config.tokenUrl,
      identity: config.identity,
      credentials: config.credentials,
      fetchToken: config.fetchToken,
      storage: this.deps.tokenStorage,
      fetch: this.deps.fetch,
      now: this.deps.now,
      warn: this.deps.warn,
    });
    const generation: Generation = {
      config,
      tokens,
      client: null,
      token: null,
      identity: config.identity,
      everConnected: false,
      sdkState: 'connecting',
      tokenExpired: false,
      refreshing: null,
      retryTimer: null,
      unsubscribe: null,
      consuming: new Map(),
      sending: new Map(),
      sentIds: new Set(),
      files: new Map(),
      mediaRequests: new Set(),
      seen: new Map(),
      onReconnect: new Map(),
      restarts,
    };
    this.generation = generation;
    this.store.update(() => ({
      ...initialChatState,
      phase: 'authorizing',
      connection: 'connecting',
      identity: config.identity,
    }));
    this.updateConnection();
    // T4: the token and the SDK chunk are fetched side by side, neither waits for the other.
    const token = tokens.get();
    const factory = this.deps.loadClientFactory();
    token.catch(() => undefined);
    factory.catch(() => undefined);
    void this.createClient(generation, token, factory);
  }

  private async createClient(
    generation: Generation,
    tokenPromise: Promise<IssuedToken>,
    factoryPromise: Promise<ChatClientFactory>,
  ): Promise<void> {
    let token: IssuedToken;
    let factory: ChatClientFactory;
    try {
      token = await tokenPromise;
      factory = await factoryPromise;
      await this.teardown;
    } catch (error) {
      if (this.isCurrent(generation)) this.fail(generation, toErrorInfo(error, 'sdk-load-failed'));
      return;
    }
    if (!this.isCurrent(generation)) return;
    generation.identity = token.identity;
    this.store.update(() => ({ phase: 'connecting', identity: token.identity }));
    const options = { ...token.clientOptions, ...generation.config.clientOptions };
    options.logLevel = safeLogLevel(options.logLevel, this.deps.warn);
    const client = factory(token.token, options);
    generation.client = client;
    generation.token = token.token;
    generation.unsubscribe = client.subscribe((event) => this.handleClientEvent(generation, event));
    try {
      await client.ready(); // M1: nothing is called on the client before this.
      if (!this.isCurrent(generation)) return;
      const channels = await client.loadSubscribedChannels();
      if (!this.isCurrent(generation)) return;
      this.store.update((state) => ({
        ...upsertChannels(state, channels),
        channelsLoaded: true,
        phase: 'ready',
        error: null,
      }));
      this.updateConnection();
      this.deps.notify({ type: 'ready', identity: token.identity });
      void this.registerPush(generation);
      this.flushAllOutboxes(generation);
      const chosen = this.store.state.activeChannelSid;
      if (chosen && chosen !== generation.config.channel) await this.openChannel(chosen);
      await this.openConfiguredChannel(generation);
    } catch (error) {
      if (!this.isCurrent(generation)) return;
      const info = toErrorInfo(error, 'connect-failed');
      if (RESTARTABLE.has(info.code) && generation.restarts < MAX_AUTO_RESTARTS) this.restartLater(generation);
      else this.fail(generation, info);
    }
  }

  /**
   * Replaces a client that failed to start (see RESTARTABLE) with a fresh one after a backoff,
   * keeping the token: the only case where a client is recreated without an identity change (L1).
   */
  private restartLater(generation: Generation): void {
    this.store.update(() => ({ phase: 'connecting', error: null }));
    generation.retryTimer = setTimeout(
      () => {
        if (!this.isCurrent(generation)) return;
        this.end({ clearToken: false });
        this.begin(generation.config, generation.restarts + 1);
      },
      (this.deps.retryDelay ?? defaultRetryDelay)(generation.restarts),
    );
  }

  private async openConfiguredChannel(generation: Generation): Promise<void> {
    const wanted = generation.config.channel;
    const client = generation.client;
    if (!wanted || !client) return;
    try {
      const channel = await client.findChannel(wanted);
      if (!this.isCurrent(generation)) return;
      if (channel.status !== 'joined' && channel.type === 'public') await client.joinChannel(channel.sid);
      if (!this.isCurrent(generation)) return;
      this.store.update((state) => upsertChannels(state, [{ ...channel, status: 'joined' }]));
      await this.openChannel(channel.sid);
    } catch (error) {
      if (this.isCurrent(generation) && isConnectionLost(error)) {
        generation.onReconnect.set('configured channel', () => void this.openConfiguredChannel(generation));
      } else if (this.isCurrent(generation)) {
        this.reportError(
          {
            code: 'channel-unavailable',
            message: `The conversation "${wanted}" could not be opened: ${messageOf(error)}`,
          },
          false,
        );
      }
    }
  }

  /**
   * Ends the current generation: its objects leave the state first (M4, P4), then its push
   * registration is removed (P3) and the client is shut down, in the background but in order.
   */
  private end({ clearToken }: { clearToken: boolean }): void {
    const generation = this.generation;
    this.generation = null;
    if (!generation) return;
    if (generation.retryTimer) clearTimeout(generation.retryTimer);
    generation.unsubscribe?.();
    if (clearToken) generation.tokens.clear();
    this.store.update(() => ({ ...initialChatState }));
    const client = generation.client;
    generation.client = null;
    if (!client) return;
    const identity = generation.identity;
    this.teardown = this.teardown
      .then(async () => {
        if (identity && clearToken) await this.push.unregister(client, identity).catch(() => undefined);
        await client.shutdown();
      })
      .catch(() => undefined);
  }

  private isCurrent(generation: Generation): boolean {
    return this.generation === generation && !this.disposed;
  }

  /** The current generation's client, initialized and with its channels loaded (M1). */
  private isReady(generation: Generation | null): generation is Generation & { client: ChatClientPort } {
    return !!generation && this.isCurrent(generation) && !!generation.client && this.store.state.phase === 'ready';
  }

  private fail(generation: Generation, error: ChatErrorInfo): void {
    this.store.update(() => ({
      phase: 'error',
      error,
      connection: error.code === 'denied' ? 'denied' : this.store.state.connection,
    }));
    this.deps.notify({ type: 'error', error });
    // A refused token must not be offered again from the cache.
    if (isFatal(error.code)) generation.tokens.clear();
  }

  private reportError(error: ChatErrorInfo, fatal: boolean): void {
    this.store.update(() => (fatal ? { phase: 'error', error } : { error }));
    this.deps.notify({ type: 'error', error });
  }

  private handleClientEvent(generation: Generation, event: ChatClientEvent): void {
    if (!this.isCurrent(generation)) return;
    switch (event.type) {
      case 'connection':
        generation.sdkState = event.state;
        if (event.state === 'connected') {
          generation.everConnected = true;
          this.resendOutbox(generation);
          const retries = [...generation.onReconnect.values()];
          generation.onReconnect.clear();
          for (const retry of retries) retry();
        }
        this.updateConnection();
        break;
      case 'token-about-to-expire':
        void this.refreshToken(generation);
        break;
      case 'token-expired':
        generation.tokenExpired = true;
        this.updateConnection();
        void this.refreshToken(generation);
        break;
      case 'channel': {
        this.store.update((state) => upsertChannels(state, [event.channel]));
        // The SDK may still report an older horizon than the visitor has seen (a horizon cut off
        // by a drop): keep what was seen, and send it.
        const sid = event.channel.sid;
        const seen = generation.seen.get(sid) ?? -1;
        if ((event.channel.lastConsumedMessageIndex ?? -1) < seen) {
          this.store.update((state) => patchChannel(state, sid, { lastConsumedMessageIndex: seen }));
          this.sendHorizon(generation, sid);
        }
        break;
      }
      case 'channel-removed':
        this.store.update((state) => removeChannel(state, event.channelSid));
        break;
      case 'message-added':
        if (event.message.clientId) generation.files.delete(event.message.clientId);
        this.store.update((state) => {
          const { channelSid, message } = event;
          const outbox = state.outbox[channelSid] ?? [];
          const channel = state.channels.find((c) => c.sid === channelSid);
          return {
            ...(message.clientId
              ? setOutbox(
                  state,
                  channelSid,
                  outbox.filter((m) => m.clientId !== message.clientId),
                )
              : {}),
            ...(state.messages[channelSid]
              ? patchWindow(state, channelSid, { items: mergeMessages(state.messages[channelSid].items, [message]) })
              : {}),
            ...(channel && (channel.lastMessageIndex ?? -1) < message.index
              ? patchChannel(state, channelSid, {
                  lastMessageIndex: message.index,
                  lastMessageTime: message.dateCreated,
                })
              : {}),
            ...(message.author ? setTyping(state, channelSid, message.author, false) : {}),
          };
        });
        break;
      case 'message-updated':
        this.store.update((state) => mapMessage(state, event.channelSid, event.message.index, () => event.message));
        break;
      case 'message-removed':
        this.store.update((state) => mapMessage(state, event.channelSid, event.index, () => null));
        break;
      case 'typing':
        if (event.identity !== generation.identity) {
          this.store.update((state) => setTyping(state, event.channelSid, event.identity, event.typing));
        }
        break;
    }
  }

  private updateConnection(): void {
    const generation = this.generation;
    if (!generation) return;
    let connection: ConnectionStatus;
    switch (generation.sdkState) {
      case 'connected':
        connection = 'connected';
        break;
      case 'denied':
        connection = 'denied';
        break;
      case 'connecting':
        connection = generation.everConnected ? 'reconnecting' : 'connecting';
        break;
      default:
        connection = generation.tokenExpired
          ? 'reconnecting'
          : generation.everConnected
            ? 'reconnecting'
            : 'connecting';
    }
    if (!this.networkOnline && connection !== 'connected' && connection !== 'denied') connection = 'offline';
    if (this.store.state.connection !== connection) this.store.update(() => ({ connection }));
  }

  /**
   * T3: a fresh token (never the cached one) for the running client; one refresh at a time,
   * retried with backoff until it works. The session goes on without a new client.
   */
  private refreshToken(generation: Generation): Promise<void> {
    generation.refreshing ??= (async () => {
      for (let attempt = 0; this.isCurrent(generation); attempt++) {
        try {
          const token = await generation.tokens.get({ fresh: true });
          if (!this.isCurrent(generation) || !generation.client) return;
          if (token.token === generation.token) {
            // The SDK silently ignores the token it already has and would stay disconnected
            // after an expiry; an endpoint that mints twice in one second (or caches) answers
            // exactly that. Ask again after the backoff.
            throw new ChatServiceError('token-unchanged', 'The token endpoint returned the same token again.');
          }
          // The SDK ignores updateToken while it waits for its socket to close after an expiry.
          if (generation.sdkState === 'disconnecting')
            await this.waitForSdkState(generation, (s) => s !== 'disconnecting', 6000);
          await withTimeout(generation.client.updateToken(token.token), 20_000);
          if (!this.isCurrent(generation)) return;
          generation.token = token.token;
          generation.tokenExpired = false;
          this.updateConnection();
          if (this.store.state.error?.code === 'token-refresh-failed') this.store.update(() => ({ error: null }));
          this.deps.notify({ type: 'token-refresh', expiresAt: token.expiresAt });
          return;
        } catch (error) {
          if (!this.isCurrent(generation)) return;
          const info = toErrorInfo(error, 'token-refresh-failed');
          if (isFatal(info.code)) {
            this.fail(generation, info);
            return;
          }
          this.reportError(
            { code: 'token-refresh-failed', message: `Could not renew the session: ${info.message} Retrying…` },
            false,
          );
          await new Promise<void>((resolve) => {
            generation.retryTimer = setTimeout(resolve, (this.deps.retryDelay ?? defaultRetryDelay)(attempt));
          });
        }
      }
    })().finally(() => {
      generation.refreshing = null;
    });
    return generation.refreshing;
  }

  private waitForSdkState(generation: Generation, done: (state: string) => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const client = generation.client;
      if (!client || done(generation.sdkState)) return resolve();
      const timer = setTimeout(finish, timeoutMs);
      const unsubscribe = client.subscribe((event) => {
        if (event.type === 'connection' && done(event.state)) finish();
      });
      function finish(): void {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      }
    });
  }

  private async registerPush(generation: Generation): Promise<void> {
    const request = this.pushRequest;
    if (!request || !generation.client || !generation.identity) return;
    try {
      await this.push.register(generation.client, {
        identity: generation.identity,
        type: request.type,
        token: request.token,
      });
    } catch (error) {
      if (this.isCurrent(generation)) {
        this.reportError(
          { code: 'push-registration-failed', message: `Push notifications could not be set up: ${messageOf(error)}` },
          false,
        );
      }
    }
  }

  // --- outbox ----------------------------------------------------------------------------

  /** Sends the channel's queued messages one by one, in order, while connected. */
  private flushOutbox(generation: Generation, channelSid: string): void {
    if (generation.sending.has(channelSid)) return;
    const sentIds = generation.sentIds;
    const run = async (): Promise<void> => {
      for (;;) {
        if (!this.isReady(generation) || generation.sdkState !== 'connected') break;
        const next = (this.store.state.outbox[channelSid] ?? []).find(
          (m) => m.pending === 'sending' && !sentIds.has(m.clientId!),
        );
        if (!next) break;
        sentIds.add(next.clientId!);
        try {
          const file = generation.files.get(next.clientId!);
          if (file) await generation.client.sendMedia(channelSid, file, file.name || null, next.clientId!);
          else await generation.client.sendMessage(channelSid, next.body ?? '', next.clientId!);
          // It leaves the outbox when messageAdded echoes it (same clientId).
        } catch (error) {
          if (!this.isCurrent(generation)) break;
          if (generation.sdkState !== 'connected' || isConnectionLost(error)) {
            // Lost with the connection: sent again after the reconnect, unless the replay shows it
            // arrived. (The SDK may reject the request before it reports the connection state.)
            sentIds.delete(next.clientId!);
            break;
          }
          this.store.update((state) => markOutbox(state, channelSid, next.clientId!, 'failed'));
          this.deps.notify({
            type: 'error',
            error: { code: 'send-failed', message: `The message could not be sent: ${messageOf(error)}` },
          });
          sentIds.delete(next.clientId!);
        }
      }
    };
    generation.sending.set(
      channelSid,
      run().finally(() => generation.sending.delete(channelSid)),
    );
  }

  private resendOutbox(generation: Generation): void {
    // Wait for the replay of missed events first: a message that did reach the service before
    // the drop is echoed by it and leaves the outbox instead of being sent twice.
    setTimeout(() => {
      if (this.isCurrent(generation)) this.flushAllOutboxes(generation);
    }, this.deps.outboxSettleMs ?? 1000);
  }

  private flushAllOutboxes(generation: Generation): void {
    for (const channelSid of Object.keys(this.store.state.outbox)) this.flushOutbox(generation, channelSid);
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}

function withoutPending(message: ChatMessage): ChatMessage {
  const { pending: _pending, pendingBody: _body, ...rest } = message;
  return Object.freeze(rest);
}

/**
 * The SDK's debug and trace levels print every twilsock frame, the access token included; a token
 * is never to be in a log line (T5), so those levels are capped at `info`.
 */
const SAFE_LOG_LEVELS = ['silent', 'error', 'warn', 'info'];
function safeLogLevel(level: unknown, warn: (message: string) => void = console.warn): string {
  if (level === undefined || level === null) return 'silent';
  if (typeof level === 'string' && SAFE_LOG_LEVELS.includes(level)) return level;
  warn(`chat-widget: log level "${String(level)}" would print the access token; using "info".`);
  return 'info';
}

function defaultRetryDelay(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** attempt);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new ChatServiceError('timeout', 'The chat service did not answer in time.')),
      ms,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const isConnectionLost = (error: unknown) => error instanceof ChatServiceError && error.code === 'connection-lost';

function toErrorInfo(error: unknown, fallbackCode: string): ChatErrorInfo {
  if (error instanceof ChatServiceError) return { code: error.code, message: error.message };
  return { code: fallbackCode, message: messageOf(error) };
}

function randomId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
