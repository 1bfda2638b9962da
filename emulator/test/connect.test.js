// (a) connect / refuse, (h) token update and expiry, (j) shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, once, until, Client, twilioToken, SECRET, SERVICE_SID } from './helpers.js';
import { mintToken } from '../index.js';

let t;
before(async () => {
  t = await setup();
});
after(async () => {
  await t.stop();
});

/** Starts a client with `token` and resolves with what a refused connection reports. */
async function refused(token) {
  const c = t.track(new Client(token, t.emu.clientOptions));
  const denied = once(c, 'connectionStateChanged', (s) => s === 'denied');
  const error = once(c, 'connectionError');
  const failed = once(c, 'stateChanged', (s) => s === 'failed');
  let tokenExpired = false;
  c.on('tokenExpired', () => {
    tokenExpired = true;
  });
  const [err] = await Promise.all([error, denied, failed]);
  const state = c.connectionState;
  await t.shutdown(c);
  return { err, tokenExpired, state };
}

test('(a) Client.create connects and initializes; the constructor reports connected → initialized', async () => {
  const created = t.track(await Client.create(twilioToken('alice'), t.emu.clientOptions));
  assert.equal(created.connectionState, 'connected');
  assert.equal(created.user.identity, 'alice');
  await t.shutdown(created);

  const c = t.track(new Client(twilioToken('bob'), t.emu.clientOptions));
  const states = [];
  c.on('connectionStateChanged', (s) => states.push(s));
  assert.equal(await once(c, 'stateChanged'), 'initialized');
  assert.equal(c.connectionState, 'connected');
  assert.ok(states.includes('connected'), states.join());
  assert.equal(c.user.identity, 'bob');
  await t.shutdown(c);
});

test('(a) a token with a bad signature is denied (20107)', async () => {
  const { err, state } = await refused(twilioToken('mallory', { secret: 'not-the-secret' }));
  assert.equal(err.terminal, true);
  assert.equal(err.httpStatusCode, 401);
  assert.equal(err.errorCode, 20107);
  assert.equal(state, 'denied');
});

test('(a) a malformed token is denied (20101)', async () => {
  const { err } = await refused('this.is-not-a-jwt');
  assert.equal(err.errorCode, 20101);
});

test('(a) an expired token is denied with 20104 and tokenExpired', async () => {
  const old = mintToken({
    identity: 'alice',
    secret: SECRET,
    serviceSid: SERVICE_SID,
    ttl: 3600,
    nowSeconds: Math.floor(Date.now() / 1000) - 7200,
  });
  const { err, tokenExpired } = await refused(old);
  assert.equal(err.errorCode, 20104);
  assert.equal(tokenExpired, true);
});

test('a token with a TTL under 3 minutes is refused, naming the TTL', async () => {
  const { err } = await refused(twilioToken('alice', { ttl: 120 }));
  assert.equal(err.httpStatusCode, 401);
  assert.equal(err.errorCode, 20101);
  assert.match(err.message, /TTL of 120s/);
});

test('(h) updateToken while connected; token_about_to_expire and close at expiry; recovery with updateToken', async () => {
  const alice = await t.client('alice', { token: twilioToken('alice', { ttl: 600 }) });
  const before = (await t.admin('GET', '/admin/connections?detail=1')).find((c) => c.identity === 'alice');
  await alice.updateToken(twilioToken('alice', { ttl: 900 }));
  const afterUpdate = (await t.admin('GET', '/admin/connections?detail=1')).find((c) => c.identity === 'alice');
  assert.ok(
    Date.parse(afterUpdate.tokenExpires) - Date.parse(before.tokenExpires) >= 299000,
    'expiry moved by the new token',
  );

  // 13 minutes later, 2 minutes are left: the warning comes at once
  const warned = once(alice, 'tokenAboutToExpire');
  await t.admin('POST', '/admin/clock?advanceMs=780000');
  await warned;
  // … and 3 minutes later the token has expired: close 410 → tokenExpired
  const expired = once(alice, 'tokenExpired');
  await t.settle(alice);
  await t.admin('POST', '/admin/clock?advanceMs=180000');
  await expired;
  // The SDK waits 3 s in waitSocketClosed; updateToken inside that window never settles, so wait for it.
  await until(() => alice.connectionState === 'disconnected', 8000, 'disconnected');
  await t.admin('POST', '/admin/clock?offsetMs=0');
  const back = once(alice, 'connectionStateChanged', (s) => s === 'connected');
  await alice.updateToken(twilioToken('alice'));
  await back;

  // Sync was re-subscribed: a message from bob reaches alice
  const bob = await t.client('bob');
  const ch = await bob.createChannel({ uniqueName: 'after-expiry' });
  await ch.join();
  const joined = once(alice, 'channelJoined', (c) => c.sid === ch.sid);
  await ch.add('alice');
  const aliceCh = await joined;
  await aliceCh.getMessages();
  const got = once(aliceCh, 'messageAdded');
  await ch.sendMessage('welcome back');
  assert.equal((await got).body, 'welcome back');
  await t.shutdown(alice);
  await t.shutdown(bob);
  await t.admin('POST', '/admin/clock?offsetMs=0');
});

test('(h) /admin/expire: warn then close on demand', async () => {
  const alice = await t.client('alice');
  // Requests the SDK still has queued when the expiry closes the socket are rejected with
  // "Unable to connect", awaited by no one: expire a settled client.
  await t.settle(alice);
  const warned = once(alice, 'tokenAboutToExpire');
  assert.deepEqual(await t.admin('POST', '/admin/expire?identity=alice&phase=warn'), { affected: 1, phase: 'warn' });
  await warned;
  const expired = once(alice, 'tokenExpired');
  await t.admin('POST', '/admin/expire?identity=alice&phase=close');
  await expired;
  await until(() => alice.connectionState === 'disconnected', 8000, 'disconnected');
  const back = once(alice, 'connectionStateChanged', (s) => s === 'connected');
  await alice.updateToken(twilioToken('alice'));
  await back;
  await t.shutdown(alice);
});

test('(j) shutdown closes the connection', async () => {
  const alice = await t.client('alice');
  const bob = await t.client('bob');
  assert.deepEqual(await t.admin('GET', '/admin/connections'), { alice: 1, bob: 1 });
  await t.shutdown(alice);
  await until(async () => (await t.admin('GET', '/admin/connections')).alice === undefined, 5000, 'alice gone');
  // The client learns its socket closed a moment after the emulator does.
  await until(() => alice.connectionState === 'disconnected', 5000, 'alice disconnected');
  await t.shutdown(bob);
  await until(async () => Object.keys(await t.admin('GET', '/admin/connections')).length === 0, 5000, 'no connections');
});
