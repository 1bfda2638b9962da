// T1-T5: token lifetime checks, refresh on the SDK's expiry events, prefetch and session cache,
// and the token kept out of every place it must not be.
import { expect, waitUntil } from '@open-wc/testing';
import {
  admin,
  closePages,
  connectionDetail,
  connections,
  deepText,
  emulatorLog,
  events,
  messageBodies,
  openPage,
  openPair,
  quietPeriod,
  requests,
  resetEmulator,
  tokenRequests,
  typeAndSend,
  uid,
  waitReady,
} from './helpers.js';
import type { Page } from './helpers.js';

const tokenKey = (identity: string) => `chat-widget:token:/__e2e/token|${identity}`;

function cachedToken(page: Page, identity: string): string | null {
  const raw = page.win.sessionStorage.getItem(tokenKey(identity));
  return raw ? (JSON.parse(raw) as { token: string }).token : null;
}

const resourceEntries = (page: Page) =>
  page.win.performance.getEntriesByType('resource') as PerformanceResourceTiming[];

async function connectionOf(identity: string) {
  const live = (await connectionDetail()).filter((c) => c.identity === identity);
  expect(live, `live connections of ${identity}`).to.have.length(1);
  return live[0];
}

describe('tokens (T1-T5)', function () {
  this.timeout(90_000);
  beforeEach(resetEmulator);
  afterEach(closePages);

  it('T1: a token with a TTL over 24 hours works, with a console warning', async () => {
    const alice = uid('alice');
    const page = await openPage({ identity: alice, ttl: String(25 * 3600) });
    await waitReady(page);
    expect(await connections()).to.deep.equal({ [alice]: 1 });
    const warnings = page.win.e2eConsole.filter((line) => line.level === 'warn').map((line) => line.text);
    expect(
      warnings.some((text) => /TTL of 25 hours/.test(text) && /24 hours/.test(text)),
      warnings.join('\n'),
    ).to.equal(true);
    expect(events(page, 'chat-error')).to.deep.equal([]);
  });

  it('T2: a token with a 2-minute TTL is refused with a clear error, and no connection is ever opened', async () => {
    const alice = uid('alice');
    const log = await emulatorLog();
    const page = await openPage({ identity: alice, ttl: '120' });
    await waitUntil(() => events(page, 'chat-error').length > 0, 'chat-error', { timeout: 20_000 });
    const [error] = events(page, 'chat-error');
    expect(error.code).to.equal('token-ttl-too-short');
    expect(error.message).to.include('2 minutes');
    await waitUntil(() => deepText(page.widget).includes('TTL of 2 minutes'), 'the visitor reads the error');
    expect(page.widget.state.phase).to.equal('error');

    // Give a socket every chance to appear: none may.
    await quietPeriod(1500);
    expect(page.widget.client === null, 'no client').to.equal(true);
    expect(await connections()).to.deep.equal({});
    expect(await requests({ identity: alice })).to.deep.equal([]);
    const lines = (await emulatorLog(log.next)).lines;
    expect(lines.filter((line) => /init refused|connected/.test(line))).to.deep.equal([]);
    // A refused token is not kept for the next page load.
    expect(cachedToken(page, alice)).to.equal(null);
  });

  it('T3: tokenAboutToExpire fetches a fresh token and updates the running client without reconnecting', async () => {
    const alice = uid('alice');
    const page = await openPage({ identity: alice });
    await waitReady(page);
    const client = page.widget.client;
    const before = await connectionOf(alice);
    const tokensBefore = (await tokenRequests())[alice];
    const cachedBefore = cachedToken(page, alice);

    // 57.5 minutes later on the service's clock: 2.5 minutes left, the SDK is warned at once.
    await admin('POST', `/admin/clock?advanceMs=${(60 - 2.5) * 60_000}`);
    await waitUntil(() => events(page, 'chat-token-refresh').length === 1, 'chat-token-refresh', { timeout: 20_000 });

    expect((await tokenRequests())[alice], 'one fresh token fetch, not the cache').to.equal(tokensBefore + 1);
    const after = await connectionOf(alice);
    expect(after.id, 'same connection').to.equal(before.id);
    expect(Date.parse(after.tokenExpires)).to.be.greaterThan(Date.parse(before.tokenExpires) + 30 * 60_000);
    expect(page.widget.client === client, 'the same client object').to.equal(true);
    expect(page.widget.state.connection).to.equal('connected');
    expect(cachedToken(page, alice)).to.not.equal(cachedBefore);
    expect(
      events(page, 'chat-connection-change').map((e) => e.state),
      'no reconnect shown',
    ).to.deep.equal(['connecting', 'connected']);
  });

  it('T3: tokenExpired fetches a fresh token and the same client recovers and can still send', async () => {
    const { alice, bob, a, b } = await openPair('t3');
    const client = a.widget.client;
    const tokensBefore = (await tokenRequests())[alice];

    // Ten minutes on (50 are left, no warning yet), so that a fresh token differs from the first
    // one: tokens minted in the same second are identical, and the SDK ignores an identical one.
    await admin('POST', '/admin/clock?advanceMs=600000');
    const expired = await admin<{ affected: number }>('POST', `/admin/expire?identity=${alice}&phase=close`);
    expect(expired.affected).to.equal(1);
    await waitUntil(() => events(a, 'chat-token-refresh').length === 1, 'chat-token-refresh', { timeout: 30_000 });
    await waitUntil(() => a.widget.state.connection === 'connected', 'connected again', { timeout: 30_000 });
    await waitUntil(async () => (await connectionDetail()).some((c) => c.identity === alice && !c.expired), 'live', {
      timeout: 15_000,
    });

    expect((await tokenRequests())[alice]).to.equal(tokensBefore + 1);
    expect(a.widget.client === client, 'the same client object').to.equal(true);
    expect(events(a, 'chat-error').filter((e) => e.code !== 'token-refresh-failed')).to.deep.equal([]);
    await typeAndSend(a, 'still here after expiry');
    await waitUntil(() => messageBodies(b).includes('still here after expiry'), 'bob receives it', { timeout: 15_000 });
    expect(await connections()).to.deep.equal({ [alice]: 1, [bob]: 1 });
  });

  it('T4: the token fetch starts before the SDK chunk has loaded, and a reload reuses the cached token', async () => {
    const alice = uid('alice');
    const page = await openPage({ identity: alice });
    await waitReady(page);
    const entries = resourceEntries(page);
    const token = entries.filter((e) => e.name.includes('/__e2e/token'));
    const chunk = entries.filter((e) => /\/twilio-chat-client-[^/]+\.js$/.test(e.name));
    expect(token, 'one token request').to.have.length(1);
    expect(chunk, 'one SDK chunk').to.have.length(1);
    expect(token[0].startTime, 'token requested before the SDK chunk finished').to.be.lessThan(chunk[0].responseEnd);
    expect(cachedToken(page, alice)).to.be.a('string');
    expect((await tokenRequests())[alice]).to.equal(1);

    const reloaded = await page.reload();
    await waitReady(reloaded);
    expect((await tokenRequests())[alice], 'no second token request').to.equal(1);
    expect(resourceEntries(reloaded).filter((e) => e.name.includes('/__e2e/token'))).to.deep.equal([]);
    expect(await connections()).to.deep.equal({ [alice]: 1 });
  });

  it('T5: the token is never in localStorage, a URL or the console, and leaves sessionStorage on logout and identity change', async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    // The SDK's own logging at `info`, to catch it too. (At `debug`/`trace` twilio-chat itself
    // prints the twilsock init frame, token included: a level for local debugging only.)
    const page = await openPage({ identity: alice, 'log-level': 'info' });
    await waitReady(page);
    const token = cachedToken(page, alice)!;
    expect(token).to.match(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const signature = token.split('.')[2];
    const leaks = (text: string) => text.includes(token) || text.includes(signature);

    const storage = page.win.localStorage;
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i)!;
      expect(leaks(`${key}=${storage.getItem(key)}`), `localStorage ${key}`).to.equal(false);
    }
    for (const entry of resourceEntries(page)) expect(leaks(entry.name), entry.name).to.equal(false);
    expect(leaks(page.win.location.href)).to.equal(false);
    expect(page.win.e2eConsole.filter((line) => leaks(line.text))).to.deep.equal([]);

    page.widget.setAttribute('identity', bob);
    await page.widget.updateComplete;
    expect(page.win.sessionStorage.getItem(tokenKey(alice)) === null, 'cleared at the identity change').to.equal(true);
    await waitReady(page);
    const bobToken = cachedToken(page, bob)!;
    expect(bobToken).to.be.a('string');

    await page.widget.logout();
    expect(page.win.sessionStorage.getItem(tokenKey(bob)) === null, 'cleared at logout').to.equal(true);
    const ours = Object.keys(page.win.sessionStorage).filter((key) => key.includes(alice) || key.includes(bob));
    expect(ours).to.deep.equal([]);
    // Nor is either token anywhere else in sessionStorage (the SDK's own cache included).
    const session = page.win.sessionStorage;
    for (let i = 0; i < session.length; i++) {
      const value = session.getItem(session.key(i)!) ?? '';
      expect(leaks(value) || value.includes(bobToken.split('.')[2]), `sessionStorage ${session.key(i)}`).to.equal(
        false,
      );
    }
  });

  it('T5: a token for another identity than the identity attribute is refused', async () => {
    const alice = uid('alice');
    const mallory = uid('mallory');
    const page = await openPage({ identity: alice, as: mallory });
    await waitUntil(() => events(page, 'chat-error').length > 0, 'chat-error', { timeout: 20_000 });
    expect(events(page, 'chat-error')[0]).to.include({ code: 'token-identity-mismatch' });
    await waitUntil(() => deepText(page.widget).includes(mallory), 'the visitor reads the error');
    await quietPeriod(1000);
    expect(page.widget.client === null, 'no client').to.equal(true);
    expect(await connections()).to.deep.equal({});
    expect(await requests()).to.deep.equal([]);
  });
});
