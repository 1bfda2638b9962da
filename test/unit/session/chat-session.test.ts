import { expect, waitUntil } from '@open-wc/testing';
import { ChatSession, MAX_AUTO_RESTARTS } from '../../../src/session/chat-session.js';
import type { SessionConfig, SessionNotice } from '../../../src/session/chat-session.js';
import { ChatStore } from '../../../src/state/chat-store.js';
import type { ChatState } from '../../../src/state/types.js';
import type { ChatClientFactory } from '../../../src/services/port.js';
import { ChatServiceError } from '../../../src/services/port.js';
import { channel, fakeFactory, message } from '../../helpers/fake-client.js';
import type { FakeClient } from '../../helpers/fake-client.js';
import { MemoryStorage, tokenEndpoint } from '../../helpers/token-endpoint.js';

function config(patch: Partial<SessionConfig> = {}): SessionConfig {
  return {
    tokenUrl: '/token',
    identity: 'alice',
    credentials: 'same-origin',
    fetchToken: null,
    clientOptions: {},
    channel: null,
    ...patch,
  };
}

function setup({
  ttl = 3600,
  identityFor,
  onClient,
  repeatFirst,
  warn,
  onOptions,
}: {
  ttl?: number;
  identityFor?: (asked: string | null) => string;
  onClient?: (client: FakeClient) => void;
  repeatFirst?: number;
  warn?: (message: string) => void;
  /** Sees every client creation's options. */
  onOptions?: (options: Readonly<Record<string, unknown>>) => void;
} = {}) {
  const store = new ChatStore();
  const endpoint = tokenEndpoint({ ttl, identityFor, repeatFirst });
  const tokenStorage = new MemoryStorage();
  const pushStorage = new MemoryStorage();
  const notices: SessionNotice[] = [];
  const order: string[] = [];
  const fakes = fakeFactory((client) => {
    order.push(`create ${client.identity}`);
    if (onClient) onClient(client);
    else queueMicrotask(() => client.initialize());
  });
  let sdkLoads = 0;
  const loadClientFactory = () => {
    sdkLoads++;
    order.push('load sdk');
    const factory: ChatClientFactory = (token, options) => {
      onOptions?.(options);
      return fakes.factory(token, options);
    };
    return Promise.resolve(factory);
  };
  const fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    order.push('fetch token');
    return endpoint.fetch(input, init);
  }) as typeof globalThis.fetch;
  const session = new ChatSession({
    store,
    loadClientFactory,
    tokenStorage,
    pushStorage,
    fetch,
    notify: (notice) => notices.push(notice),
    retryDelay: () => 5,
    warn,
    outboxSettleMs: 10,
  });
  return { store, session, endpoint, tokenStorage, pushStorage, notices, order, fakes, sdkLoads: () => sdkLoads };
}

const ready = (store: ChatStore) => waitUntil(() => store.state.phase === 'ready', 'session ready');
const allStrings = (state: ChatState) => JSON.stringify(state);

describe('ChatSession', () => {
  describe('token and start-up (T4, M1)', () => {
    it('T4: starts the token fetch and the SDK load together, before creating the client', async () => {
      const t = setup();
      t.session.configure(config());
      expect(t.order.slice(0, 2).sort()).to.deep.equal(['fetch token', 'load sdk']);
      await ready(t.store);
      expect(t.order[2]).to.equal('create alice');
    });

    it('T4: a second session in the same tab reuses the cached token', async () => {
      const t = setup();
      t.session.configure(config());
      await ready(t.store);
      await t.session.dispose();
      t.session.configure(config());
      await ready(t.store);
      expect(t.endpoint.requests).to.have.length(1);
    });

    it('M1: calls nothing on the client before it is initialized, then loads the channels', async () => {
      let client!: FakeClient;
      const t = setup({ onClient: (c) => (client = c) });
      t.session.configure(config());
      await waitUntil(() => client, 'client created');
      client.channels = [channel('CH1')];
      await new Promise((r) => setTimeout(r, 30));
      expect(client.calls).to.deep.equal([]);
      expect(t.store.state.phase).to.equal('connecting');
      client.initialize();
      await ready(t.store);
      expect(client.calls).to.deep.equal(['loadSubscribedChannels']);
      expect(t.store.state.channels.map((c) => c.sid)).to.deep.equal(['CH1']);
      expect(t.notices).to.deep.include({ type: 'ready', identity: 'alice' });
    });

    it('tries again by itself when the network comes back after a failed start', async () => {
      const t = setup();
      let offline = true;
      const session = new ChatSession({
        store: t.store,
        loadClientFactory: () => Promise.resolve(t.fakes.factory as ChatClientFactory),
        tokenStorage: null,
        pushStorage: null,
        notify: () => undefined,
        fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
          offline ? Promise.reject(new TypeError('Failed to fetch')) : t.endpoint.fetch(input, init)) as typeof fetch,
      });
      session.setNetworkOnline(false);
      session.configure(config({ tokenUrl: '/offline-token' }));
      await waitUntil(() => t.store.state.phase === 'error');
      expect(t.store.state.error?.code).to.equal('token-fetch-failed');
      expect(t.store.state.connection).to.equal('offline');
      offline = false;
      session.setNetworkOnline(true);
      await ready(t.store);
      expect(t.fakes.clients).to.have.length(1);
    });

    it('M1: a client the service denies is reported, not used', async () => {
      const t = setup({ onClient: (c) => queueMicrotask(() => c.deny()) });
      t.session.configure(config());
      await waitUntil(() => t.store.state.phase === 'error');
      expect(t.store.state.error?.code).to.equal('denied');
      expect(t.store.state.connection).to.equal('denied');
      expect(t.fakes.clients[0].calls).to.deep.equal([]);
      expect(t.tokenStorage.length, 'the refused token is not kept').to.equal(0);
    });

    it('L1: a client that fails to start is replaced by a fresh one, with the same token, until one starts', async () => {
      let created = 0;
      const t = setup({
        onClient: (c) =>
          queueMicrotask(() =>
            ++created <= 2 ? c.failToStart(created === 1 ? 'failed' : 'connection-lost') : c.initialize(),
          ),
      });
      t.session.configure(config());
      await ready(t.store);
      expect(t.fakes.clients).to.have.length(3);
      expect(t.fakes.clients.slice(0, 2).every((c) => c.isShutDown)).to.equal(true);
      expect(t.fakes.clients[2].isShutDown).to.equal(false);
      expect(new Set(t.fakes.clients.map((c) => c.token)).size, 'one token for all three').to.equal(1);
      expect(t.endpoint.requests).to.have.length(1);
      expect(t.notices.filter((n) => n.type === 'error')).to.deep.equal([]);
      expect(t.store.state.error).to.equal(null);
    });

    it(`L1: after ${MAX_AUTO_RESTARTS} restarts the failure is shown, with a way to retry`, async () => {
      const t = setup({ onClient: (c) => queueMicrotask(() => c.failToStart()) });
      t.session.configure(config());
      await waitUntil(() => t.store.state.phase === 'error');
      expect(t.fakes.clients).to.have.length(MAX_AUTO_RESTARTS + 1);
      expect(t.store.state.error?.code).to.equal('failed');
      expect(t.notices.filter((n) => n.type === 'error')).to.have.length(1);
      t.session.retry();
      await waitUntil(() => t.fakes.clients.length > MAX_AUTO_RESTARTS + 1, 'a manual retry starts afresh');
    });

    it('L1: a start the SDK gave up on is tried again when the browser is back online', async () => {
      let failing = true;
      const t = setup({ onClient: (c) => queueMicrotask(() => (failing ? c.failToStart() : c.initialize())) });
      t.session.setNetworkOnline(false);
      t.session.configure(config());
      await waitUntil(() => t.store.state.phase === 'error');
      failing = false;
      t.session.setNetworkOnline(true);
      await ready(t.store);
      expect(t.fakes.clients).to.have.length(MAX_AUTO_RESTARTS + 2);
    });

    it('T2: a token with a short TTL never reaches the SDK', async () => {
      const t = setup({ ttl: 120 });
      t.session.configure(config());
      await waitUntil(() => t.store.state.phase === 'error');
      expect(t.store.state.error?.code).to.equal('token-ttl-too-short');
      expect(t.store.state.error?.message).to.contain('2 minutes');
      expect(t.fakes.clients).to.have.length(0);
      expect(t.notices.find((n) => n.type === 'error')).not.to.equal(undefined);
    });

    it('T5: a token for someone else never reaches the SDK', async () => {
      const t = setup({ identityFor: () => 'mallory' });
      t.session.configure(config());
      await waitUntil(() => t.store.state.phase === 'error');
      expect(t.store.state.error?.code).to.equal('token-identity-mismatch');
      expect(t.fakes.clients).to.have.length(0);
    });
  });

  describe('client lifecycle (L1-L4, M4, P4)', () => {
    it('L1: a network drop keeps the same client and shows reconnecting → connected', async () => {
      const t = setup();
      t.session.configure(config());
      await ready(t.store);
      const [client] = t.fakes.clients;
      client.emit({ type: 'connection', state: 'connecting' });
      expect(t.store.state.connection).to.equal('reconnecting');
      t.session.setNetworkOnline(false);
      expect(t.store.state.connection).to.equal('offline');
      t.session.setNetworkOnline(true);
      client.emit({ type: 'connection', state: 'connected' });
      expect(t.store.state.connection).to.equal('connected');
      expect(t.fakes.clients).to.have.length(1);
      expect(client.calls).not.to.include('shutdown');
      expect(t.endpoint.requests).to.have.length(1);
    });

    it('L3/L4/M4/P4: an identity change clears the old state, shuts the old client down, creates a fresh one', async () => {
      const t = setup();
      t.session.configure(config());
      await ready(t.store);
      const [alice] = t.fakes.clients;
      alice.emit({ type: 'channel', channel: channel('CHalice', { friendlyName: 'alice-only' }) });
      const seen: ChatState[] = [];
      const unsubscribe = t.store.subscribe((state) => seen.push(state));
      t.session.configure(config({ identity: 'bob' }));
      // The old objects left the state before the old client was shut down.
      expect(alice.isShutDown).to.equal(false);
      expect(allStrings(t.store.state)).not.to.contain('alice-only');
      await waitUntil(() => alice.isShutDown);
      await ready(t.store);
      unsubscribe();
      expect(t.fakes.clients.map((c) => c.identity)).to.deep.equal(['alice', 'bob']);
      expect(t.fakes.live().map((c) => c.identity)).to.deep.equal(['bob']);
      expect(t.store.state.identity).to.equal('bob');
      expect(seen.every((s) => !allStrings(s).includes('alice-only'))).to.equal(true);
      expect(alice.listenerCount).to.equal(0);
      expect(t.notices).to.deep.include({ type: 'identity-change', identity: 'bob', previousIdentity: 'alice' });
      expect(Object.keys(t.tokenStorage.dump())).to.deep.equal(['chat-widget:token:/token|bob']);
    });

    it('L4: A → B → C in quick succession ends with exactly one live client, C', async () => {
      const t = setup();
      t.session.configure(config({ identity: 'a' }));
      t.session.configure(config({ identity: 'b' }));
      t.session.configure(config({ identity: 'c' }));
      await ready(t.store);
      await new Promise((r) => setTimeout(r, 50));
      expect(t.fakes.live().map((c) => c.identity)).to.deep.equal(['c']);
      expect(t.store.state.identity).to.equal('c');
    });

    it('L4: a client still connecting when the identity changes is shut down as well', async () => {
      const t = setup({ onClient: (c) => (c.identity === 'b' ? queueMicrotask(() => c.initialize()) : undefined) });
      t.session.configure(config({ identity: 'a' }));
      await waitUntil(() => t.fakes.clients.length === 1);
      t.session.configure(config({ identity: 'b' }));
      await ready(t.store);
      expect(t.fakes.clients[0].isShutDown).to.equal(true);
      expect(t.fakes.live().map((c) => c.identity)).to.deep.equal(['b']);
    });

    it('L3: logout shuts the client down, clears state and token, creates nothing new', async () => {
      const t = setup();
      t.session.configure(config());
      await ready(t.store);
      await t.session.logout();
      expect(t.fakes.clients[0].isShutDown).to.equal(true);
      expect(t.fakes.clients).to.have.length(1);
      expect(t.store.state.phase).to.equal('logged-out');
      expect(t.store.state.channels).to.deep.equal([]);
      expect(t.tokenStorage.length).to.equal(0);
    });

    it('an unchanged configuration keeps the client', async () => {
      const t = setup();
      t.session.configure(config());
      await ready(t.store);
      t.session.configure(config());
      expect(t.fakes.clients).to.have.length(1);
    });
  });

  describe('token refresh (T3)', () => {
    it('tokenAboutToExpire: a fresh token, never the cached one, goes to updateToken', async () => {
      const t = setup();
      t.session.configure(config());
      await ready(t.store);
      const [client] = t.fakes.clients;
      client.emit({ type: 'token-about-to-expire' });
      await waitUntil(() => client.calls.some((c) => c.startsWith('updateToken')));
      expect(t.endpoint.requests).to.have.length(2);
      expect(client.calls.find((c) => c.startsWith('updateToken'))).not.to.equal(`updateToken ${client.token}`);
      await waitUntil(() => t.notices.some((n) => n.type === 'token-refresh'));
      expect(t.fakes.clients).to.have.length(1);
    });

    it('tokenExpired: waits for the socket to close, then updates; one refresh at a time', async () => {
      const t = setup();
      t.session.configure(config());
      await ready(t.store);
      const [client] = t.fakes.clients;
      client.emit({ type: 'connection', state: 'disconnecting' });
      client.emit({ type: 'token-expired' });
      client.emit({ type: 'token-about-to-expire' });
      expect(t.store.state.connection).to.equal('reconnecting');
      await new Promise((r) => setTimeout(r, 30));
      expect(client.calls.filter((c) => c.startsWith('updateToken'))).to.have.length(0);
      client.emit({ type: 'connection', state: 'disconnected' });
      await waitUntil(() => client.calls.some((c) => c.startsWith('updateToken')));
      client.emit({ type: 'connection', state: 'connected' });
      await new Promise((r) => setTimeout(r, 30));
      expect(client.calls.filter((c) => c.startsWith('updateToken'))).to.have.length(1);
      expect(t.endpoint.requests).to.have.length(2);
      expect(t.store.state.connection).to.equal('connected');
    });

    it('never hands the SDK the token it already has: asks again after a backoff', async () => {
      const t = setup({ repeatFirst: 1 });
      t.session.configure(config());
      await ready(t.store);
      const [client] = t.fakes.clients;
      client.emit({ type: 'token-expired' });
      await waitUntil(() => client.calls.some((c) => c.startsWith('updateToken')));
      expect(t.endpoint.requests).to.have.length(3);
      expect(client.calls.filter((c) => c.startsWith('updateToken'))).to.deep.equal([
        `updateToken ${client.calls.find((c) => c.startsWith('updateToken'))!.slice('updateToken '.length)}`,
      ]);
      expect(client.calls).not.to.include(`updateToken ${client.token}`);
    });

    it('T5: caps the SDK log level below debug, which would print the token', async () => {
      const warnings: string[] = [];
      const options: Readonly<Record<string, unknown>>[] = [];
      const t = setup({ warn: (w) => warnings.push(w), onOptions: (o) => options.push(o) });
      t.session.configure(config({ clientOptions: { logLevel: 'trace', region: 'ie1' } }));
      await ready(t.store);
      expect(options[0]).to.deep.equal({ logLevel: 'info', region: 'ie1' });
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.contain('trace');
    });

    it('retries a failed refresh with backoff and shows it', async () => {
      const t = setup();
      t.session.configure(config());
      await ready(t.store);
      const [client] = t.fakes.clients;
      let failures = 2;
      const original = client.updateToken.bind(client);
      client.updateToken = async (token: string) => {
        if (failures-- > 0) throw new ChatServiceError('timeout', 'no answer');
        return original(token);
      };
      const errors: (string | undefined)[] = [];
      t.store.subscribe((state) => errors.push(state.error?.code));
      client.emit({ type: 'token-about-to-expire' });
      await waitUntil(() => errors.includes('token-refresh-failed'));
      await waitUntil(() => client.calls.some((c) => c.startsWith('updateToken')));
      await waitUntil(() => t.store.state.error === null);
      expect(t.endpoint.requests).to.have.length(4);
    });
  });

  describe('channels (J1-J3)', () => {
    it('keeps each channel once, whichever source delivered it, events before and during paging', async () => {
      let client!: FakeClient;
      const t = setup({ onClient: (c) => (client = c) });
      t.session.configure(config());
      await waitUntil(() => client);
      client.channels = [channel('CH1'), channel('CH2')];
      client.initialize();
      client.emit({ type: 'channel', channel: channel('CH2', { friendlyName: 'from event' }) });
      client.emit({ type: 'channel', channel: channel('CH3') });
      await ready(t.store);
      client.emit({ type: 'channel', channel: channel('CH1') });
      const sids = t.store.state.channels.map((c) => c.sid).sort();
      expect(sids).to.deep.equal(['CH1', 'CH2', 'CH3']);
      client.emit({ type: 'channel-removed', channelSid: 'CH3' });
      expect(t.store.state.channels.map((c) => c.sid).sort()).to.deep.equal(['CH1', 'CH2']);
    });

    it('opens the configured channel, joining it when public', async () => {
      const t = setup({
        onClient: (c) => {
          c.channels = [channel('CHg', { uniqueName: 'general', status: 'notParticipating' })];
          queueMicrotask(() => c.initialize());
        },
      });
      t.session.configure(config({ channel: 'general' }));
      await waitUntil(() => t.store.state.activeChannelSid === 'CHg');
      const [client] = t.fakes.clients;
      expect(client.calls).to.include.members(['findChannel general', 'joinChannel CHg', 'fetchMessages CHg latest']);
    });

    it('opening a channel one is invited to joins it first', async () => {
      const t = setup({
        onClient: (c) => {
          c.channels = [channel('CHi', { status: 'invited' })];
          queueMicrotask(() => c.initialize());
        },
      });
      t.session.configure(config());
      await ready(t.store);
      await t.session.openChannel('CHi');
      expect(t.fakes.clients[0].calls.slice(-2)).to.deep.equal(['joinChannel CHi', 'fetchMessages CHi latest']);
    });

    it('a channel chosen while the client is still connecting is opened once it is ready', async () => {
      let client!: FakeClient;
      const t = setup({ onClient: (c) => (client = c) });
      t.session.configure(config({ channel: 'first' }));
      await waitUntil(() => client);
      client.channels = [channel('CH1', { uniqueName: 'first' }), channel('CH2', { uniqueName: 'second' })];
      t.session.configure(config({ channel: 'second' }));
      client.initialize();
      await waitUntil(() => t.store.state.activeChannelSid === 'CH2');
      expect(t.fakes.clients).to.have.length(1);
      expect(client.calls.filter((c) => c.startsWith('findChannel'))).to.deep.equal(['findChannel second']);
    });

    it('explains a channel that cannot be opened', async () => {
      const t = setup();
      t.session.configure(config({ channel: 'nope' }));
      await waitUntil(() => t.store.state.error);
      expect(t.store.state.error?.code).to.equal('channel-unavailable');
      expect(t.store.state.error?.message).to.contain('nope');
    });
  });

  describe('messages (J4, M2, M3)', () => {
    async function withHistory(count: number) {
      const t = setup({
        onClient: (c) => {
          c.channels = [channel('CH1', { lastMessageIndex: count - 1 })];
          c.history.set(
            'CH1',
            Array.from({ length: count }, (_, i) => message(i)),
          );
          queueMicrotask(() => c.initialize());
        },
      });
      t.session.configure(config());
      await ready(t.store);
      return { ...t, client: t.fakes.clients[0] };
    }

    it('M2: a channel opened before the client is initialized is fetched only after it', async () => {
      let client!: FakeClient;
      const t = setup({ onClient: (c) => (client = c) });
      t.session.configure(config({ channel: 'CH1' }));
      await waitUntil(() => client);
      client.channels = [channel('CH1')];
      client.history.set('CH1', [message(0)]);
      void t.session.openChannel('CH1');
      await new Promise((r) => setTimeout(r, 30));
      expect(client.calls).to.deep.equal([]);
      client.initialize();
      await waitUntil(() => t.store.state.messages.CH1?.items.length === 1);
      expect(client.calls.slice(0, 2)).to.deep.equal(['loadSubscribedChannels', 'findChannel CH1']);
    });

    it('J4: nothing is fetched for channels not opened; opening fetches the latest page; older on request', async () => {
      const t = await withHistory(75);
      expect(t.client.calls.filter((c) => c.startsWith('fetchMessages'))).to.deep.equal([]);
      await t.session.openChannel('CH1');
      let window = t.store.state.messages.CH1;
      expect(window.items.map((m) => m.index)).to.deep.equal(Array.from({ length: 30 }, (_, i) => 45 + i));
      expect(window.hasOlder).to.equal(true);
      await t.session.loadOlder('CH1');
      await t.session.loadOlder('CH1');
      window = t.store.state.messages.CH1;
      expect(window.items).to.have.length(75);
      expect(window.hasOlder).to.equal(false);
      expect(t.client.calls.filter((c) => c.startsWith('fetchMessages'))).to.deep.equal([
        'fetchMessages CH1 latest',
        'fetchMessages CH1 45',
        'fetchMessages CH1 15',
      ]);
    });

    it('J4: messages cut off by a drop load again when the connection is back, or when asked', async () => {
      const t = await withHistory(40);
      const lost = new ChatServiceError('connection-lost', 'The connection dropped before the chat service answered.');
      t.client.failFetch = lost;
      t.client.failFetchTimes = 1;
      await t.session.openChannel('CH1');
      expect(t.store.state.messages.CH1.error).to.equal(lost.message);
      expect(t.store.state.messages.CH1.items).to.deep.equal([]);
      t.client.emit({ type: 'connection', state: 'connecting' });
      t.client.emit({ type: 'connection', state: 'connected' });
      await waitUntil(() => t.store.state.messages.CH1.items.length === 30, 'loaded after the reconnect');
      expect(t.store.state.messages.CH1.error).to.equal(null);

      // An older page cut off the same way: asked for again (the view's Retry button), it loads.
      t.client.failFetchTimes = 1;
      await t.session.loadOlder('CH1');
      expect(t.store.state.messages.CH1.error).to.equal(lost.message);
      await t.session.loadOlder('CH1');
      expect(t.store.state.messages.CH1.items).to.have.length(40);
      expect(t.store.state.messages.CH1.error).to.equal(null);

      // Opening a channel that failed asks again; one that loaded does not.
      t.client.failFetchTimes = 1;
      await t.session.openChannel('CH2');
      expect(t.store.state.messages.CH2.error).to.equal(lost.message);
      await t.session.openChannel('CH2');
      await t.session.openChannel('CH1');
      expect(t.client.calls.filter((c) => c.startsWith('fetchMessages'))).to.deep.equal([
        'fetchMessages CH1 latest',
        'fetchMessages CH1 latest',
        'fetchMessages CH1 10',
        'fetchMessages CH1 10',
        'fetchMessages CH2 latest',
        'fetchMessages CH2 latest',
      ]);
      expect(t.store.state.messages.CH2.error).to.equal(null);
    });

    it('J4: added messages are deduplicated by index; updates and removals apply to the loaded window', async () => {
      const t = await withHistory(5);
      await t.session.openChannel('CH1');
      t.client.emit({ type: 'message-added', channelSid: 'CH1', message: message(5) });
      t.client.emit({ type: 'message-added', channelSid: 'CH1', message: message(5) });
      t.client.emit({ type: 'message-updated', channelSid: 'CH1', message: message(2, { body: 'changed' }) });
      t.client.emit({ type: 'message-removed', channelSid: 'CH1', index: 3 });
      const items = t.store.state.messages.CH1.items;
      expect(items.map((m) => m.index)).to.deep.equal([0, 1, 2, 4, 5]);
      expect(items.find((m) => m.index === 2)?.body).to.equal('changed');
    });

    it('M3: an edit stays pending until messageUpdated brings the new body', async () => {
      const t = await withHistory(3);
      await t.session.openChannel('CH1');
      await t.session.edit('CH1', 1, 'new text');
      let edited = t.store.state.messages.CH1.items[1];
      expect(edited.body).to.equal('message 1');
      expect(edited.pending).to.equal('editing');
      expect(edited.pendingBody).to.equal('new text');
      t.client.emit({ type: 'message-updated', channelSid: 'CH1', message: message(1, { body: 'new text' }) });
      edited = t.store.state.messages.CH1.items[1];
      expect(edited.body).to.equal('new text');
      expect(edited.pending).to.equal(undefined);
    });

    it('M3: a removal stays until messageRemoved; a failed one is restored and explained', async () => {
      const t = await withHistory(3);
      await t.session.openChannel('CH1');
      await t.session.remove('CH1', 0);
      expect(t.store.state.messages.CH1.items[0].pending).to.equal('removing');
      t.client.removeMessage = async () => {
        throw new ChatServiceError('forbidden', 'Forbidden', { status: 403 });
      };
      await t.session.remove('CH1', 1);
      expect(t.store.state.messages.CH1.items[1].pending).to.equal(undefined);
      expect(t.store.state.error?.code).to.equal('remove-failed');
    });

    it('outbox: a message written offline is sent once the connection is back, and shown once', async () => {
      const t = await withHistory(2);
      await t.session.openChannel('CH1');
      t.client.emit({ type: 'connection', state: 'connecting' });
      t.session.send('CH1', '  hello from the tunnel  ');
      expect(t.store.state.outbox.CH1.map((m) => [m.body, m.pending])).to.deep.equal([
        ['hello from the tunnel', 'sending'],
      ]);
      expect(t.client.calls.filter((c) => c.startsWith('sendMessage'))).to.have.length(0);
      t.client.emit({ type: 'connection', state: 'connected' });
      await waitUntil(() => t.client.calls.some((c) => c.startsWith('sendMessage')));
      const sent = t.client.history.get('CH1')!.at(-1)!;
      t.client.emit({ type: 'message-added', channelSid: 'CH1', message: sent });
      expect(t.store.state.outbox.CH1).to.equal(undefined);
      expect(t.store.state.messages.CH1.items.filter((m) => m.body === 'hello from the tunnel')).to.have.length(1);
      await new Promise((r) => setTimeout(r, 30));
      expect(t.client.calls.filter((c) => c.startsWith('sendMessage'))).to.have.length(1);
    });

    it('outbox: a message echoed by the replay after a reconnect is not sent again', async () => {
      const t = await withHistory(0);
      await t.session.openChannel('CH1');
      const clientIds: string[] = [];
      t.client.sendMessage = async (_sid, _body, clientId) => {
        clientIds.push(clientId);
        t.client.emit({ type: 'connection', state: 'connecting' });
        throw new ChatServiceError('timeout', 'lost');
      };
      t.session.send('CH1', 'maybe delivered');
      await waitUntil(() => clientIds.length === 1);
      t.client.emit({ type: 'connection', state: 'connected' });
      t.client.emit({
        type: 'message-added',
        channelSid: 'CH1',
        message: message(0, { body: 'maybe delivered', clientId: clientIds[0], author: 'alice' }),
      });
      await new Promise((r) => setTimeout(r, 40));
      expect(clientIds).to.have.length(1);
      expect(t.store.state.outbox.CH1).to.equal(undefined);
    });

    it('outbox: a send cut off by a drop, rejected before the state changes, waits for the reconnect', async () => {
      const t = await withHistory(0);
      await t.session.openChannel('CH1');
      let attempts = 0;
      const sendMessage = t.client.sendMessage.bind(t.client);
      t.client.sendMessage = async (sid, body, clientId) => {
        if (++attempts === 1) throw new ChatServiceError('connection-lost', 'The connection dropped.');
        return sendMessage(sid, body, clientId);
      };
      t.session.send('CH1', 'on its way');
      await waitUntil(() => attempts === 1);
      await new Promise((r) => setTimeout(r, 20));
      expect(t.store.state.outbox.CH1.map((m) => m.pending)).to.deep.equal(['sending']);
      expect(t.notices.filter((n) => n.type === 'error')).to.deep.equal([]);
      t.client.emit({ type: 'connection', state: 'connecting' });
      t.client.emit({ type: 'connection', state: 'connected' });
      await waitUntil(() => attempts === 2, 'sent again after the reconnect');
    });

    it('outbox: a refused send is marked failed and can be retried', async () => {
      const t = await withHistory(0);
      t.client.failSend = new ChatServiceError('forbidden', 'Forbidden', { status: 403 });
      t.session.send('CH1', 'no');
      await waitUntil(() => t.store.state.outbox.CH1?.[0].pending === 'failed');
      t.client.failSend = null;
      t.session.retrySend('CH1', t.store.state.outbox.CH1[0].clientId!);
      await waitUntil(() => t.client.calls.filter((c) => c.startsWith('sendMessage')).length === 2);
    });

    it('media: a file goes through the outbox as a media message; its URL is asked for once', async () => {
      const t = await withHistory(1);
      await t.session.openChannel('CH1');
      const file = new File([new Uint8Array([137, 80, 78, 71])], 'cat.png', { type: 'image/png' });
      t.session.sendFile('CH1', file);
      expect(t.store.state.outbox.CH1[0].media).to.deep.equal({
        sid: t.store.state.outbox.CH1[0].sid,
        filename: 'cat.png',
        contentType: 'image/png',
        size: 4,
      });
      await waitUntil(() => t.client.calls.includes('sendMedia CH1 cat.png 4'));
      const sent = t.client.history.get('CH1')!.at(-1)!;
      t.client.emit({ type: 'message-added', channelSid: 'CH1', message: sent });
      expect(t.store.state.outbox.CH1).to.equal(undefined);
      await Promise.all([t.session.loadMediaUrl('CH1', 1, 'ME1'), t.session.loadMediaUrl('CH1', 1, 'ME1')]);
      expect(t.store.state.mediaUrls).to.deep.equal({ ME1: 'https://media.example/CH1/1' });
      expect(t.client.calls.filter((c) => c.startsWith('getMediaUrl'))).to.have.length(1);
    });

    it('media: a file over 150 MB is refused with a clear error, nothing is sent', async () => {
      const t = await withHistory(0);
      const big = new File([], 'movie.mp4');
      Object.defineProperty(big, 'size', { value: 151 * 1024 * 1024 });
      t.session.sendFile('CH1', big);
      expect(t.store.state.error?.code).to.equal('file-too-large');
      expect(t.store.state.error?.message).to.contain('movie.mp4').and.contain('150 MB');
      expect(t.store.state.outbox.CH1).to.equal(undefined);
    });

    it('typing events show other people only', async () => {
      const t = await withHistory(0);
      t.client.emit({ type: 'typing', channelSid: 'CH1', identity: 'bob', typing: true });
      t.client.emit({ type: 'typing', channelSid: 'CH1', identity: 'alice', typing: true });
      expect(t.store.state.typing.CH1).to.deep.equal(['bob']);
      t.client.emit({ type: 'typing', channelSid: 'CH1', identity: 'bob', typing: false });
      expect(t.store.state.typing.CH1).to.equal(undefined);
    });
  });

  describe('unread (J5)', () => {
    it('badges come from indices and events; seen advances the horizon once, no polling', async () => {
      const t = setup({
        onClient: (c) => {
          c.channels = [
            channel('CH1', { lastMessageIndex: 4, lastConsumedMessageIndex: 1 }),
            channel('CH2', { lastMessageIndex: 0 }),
          ];
          queueMicrotask(() => c.initialize());
        },
      });
      t.session.configure(config());
      await ready(t.store);
      const [client] = t.fakes.clients;
      expect(t.store.state.unreadTotal).to.equal(3 + 1);
      client.emit({ type: 'message-added', channelSid: 'CH1', message: message(5) });
      expect(t.store.state.unreadTotal).to.equal(4 + 1);
      t.session.markSeen('CH1', 5);
      t.session.markSeen('CH1', 5);
      t.session.markSeen('CH1', 3);
      expect(t.store.state.unreadTotal).to.equal(1);
      await waitUntil(() => client.calls.includes('advanceConsumed CH1 5'));
      await new Promise((r) => setTimeout(r, 20));
      expect(client.calls.filter((c) => c.startsWith('advanceConsumed'))).to.deep.equal(['advanceConsumed CH1 5']);
      expect(client.calls.filter((c) => /count/i.test(c))).to.deep.equal([]);
    });
  });

  describe('work cut off by a drop', () => {
    const lost = () => new ChatServiceError('connection-lost', 'The connection dropped.');
    const reconnect = (client: FakeClient) => {
      client.emit({ type: 'connection', state: 'connecting' });
      client.emit({ type: 'connection', state: 'connected' });
    };

    it('J5: a read horizon cut off is sent again after the reconnect, once', async () => {
      const t = setup({
        onClient: (c) => {
          c.channels = [channel('CH1', { lastMessageIndex: 4, lastConsumedMessageIndex: 1 })];
          queueMicrotask(() => c.initialize());
        },
      });
      t.session.configure(config());
      await ready(t.store);
      const [client] = t.fakes.clients;
      const advance = client.advanceConsumed.bind(client);
      let failures = 1;
      client.advanceConsumed = async (sid, index) => {
        await advance(sid, index);
        if (failures-- > 0) throw lost();
      };
      t.session.markSeen('CH1', 4);
      await waitUntil(() => client.calls.includes('advanceConsumed CH1 4'));
      await new Promise((r) => setTimeout(r, 10)); // the reconnect comes after the failure
      reconnect(client);
      reconnect(client);
      await new Promise((r) => setTimeout(r, 20));
      expect(client.calls.filter((c) => c.startsWith('advanceConsumed'))).to.deep.equal([
        'advanceConsumed CH1 4',
        'advanceConsumed CH1 4',
      ]);
    });

    it('J5: what the visitor has seen stays read when the SDK reports an older horizon, and is sent', async () => {
      const t = setup({
        onClient: (c) => {
          c.channels = [channel('CH1', { lastMessageIndex: 4, lastConsumedMessageIndex: 1 })];
          queueMicrotask(() => c.initialize());
        },
      });
      t.session.configure(config());
      await ready(t.store);
      const [client] = t.fakes.clients;
      t.session.markSeen('CH1', 4);
      await waitUntil(() => client.calls.includes('advanceConsumed CH1 4'));
      await new Promise((r) => setTimeout(r, 10));
      client.emit({ type: 'channel', channel: channel('CH1', { lastMessageIndex: 4, lastConsumedMessageIndex: 1 }) });
      expect(t.store.state.unreadTotal).to.equal(0);
      await waitUntil(() => client.calls.filter((c) => c === 'advanceConsumed CH1 4').length === 2, 'sent again');
      // A horizon the service has moved further is taken as it is.
      client.emit({ type: 'channel', channel: channel('CH1', { lastMessageIndex: 6, lastConsumedMessageIndex: 5 }) });
      expect(t.store.state.channels[0].lastConsumedMessageIndex).to.equal(5);
      expect(t.store.state.unreadTotal).to.equal(1);
    });

    it('the configured channel, cut off while opening, opens after the reconnect with no error shown', async () => {
      const t = setup({
        onClient: (c) => {
          c.channels = [channel('CHg', { uniqueName: 'general', status: 'notParticipating' })];
          const find = c.findChannel.bind(c);
          let failures = 1;
          c.findChannel = async (name) => {
            if (failures-- > 0) throw lost();
            return find(name);
          };
          queueMicrotask(() => c.initialize());
        },
      });
      t.session.configure(config({ channel: 'general' }));
      await ready(t.store);
      const [client] = t.fakes.clients;
      await new Promise((r) => setTimeout(r, 20));
      expect(t.store.state.error).to.equal(null);
      expect(client.calls).to.not.include('joinChannel CHg');
      reconnect(client);
      await waitUntil(() => client.calls.includes('fetchMessages CHg latest'), 'opened after the reconnect');
      expect(client.calls).to.include('joinChannel CHg');
      expect(t.notices.filter((n) => n.type === 'error')).to.deep.equal([]);
    });
  });

  describe('push (P1-P3)', () => {
    it('P1: registers once per identity and token, across restarts', async () => {
      const t = setup();
      t.session.setPushToken('device-1', 'fcm');
      t.session.configure(config());
      await ready(t.store);
      await waitUntil(() => t.fakes.clients[0].calls.includes('setPushRegistration fcm device-1'));
      await t.session.dispose();
      t.session.configure(config());
      await ready(t.store);
      await new Promise((r) => setTimeout(r, 20));
      expect(t.fakes.clients[1].calls.filter((c) => c.startsWith('setPush'))).to.deep.equal([]);
      expect(JSON.parse(t.pushStorage.getItem('chat-widget:push')!)).to.deep.equal({
        identity: 'alice',
        type: 'fcm',
        token: 'device-1',
      });
    });

    it('P2: a new device token registers at once', async () => {
      const t = setup();
      t.session.setPushToken('device-1', 'fcm');
      t.session.configure(config());
      await ready(t.store);
      t.session.setPushToken('device-2', 'fcm');
      await waitUntil(() => t.fakes.clients[0].calls.includes('setPushRegistration fcm device-2'));
    });

    it('P3: an identity change unregisters with the old client before shutting it down', async () => {
      const t = setup();
      t.session.setPushToken('device-1', 'fcm');
      t.session.configure(config());
      await ready(t.store);
      const [alice] = t.fakes.clients;
      await waitUntil(() => alice.calls.includes('setPushRegistration fcm device-1'));
      t.session.configure(config({ identity: 'bob' }));
      await ready(t.store);
      const bob = t.fakes.clients[1];
      await waitUntil(() => bob.calls.includes('setPushRegistration fcm device-1'));
      expect(alice.calls.slice(-2)).to.deep.equal(['removePushRegistration fcm', 'shutdown']);
      expect(JSON.parse(t.pushStorage.getItem('chat-widget:push')!).identity).to.equal('bob');
    });
  });
});
