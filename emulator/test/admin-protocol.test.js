// Admin API, raw twilsock protocol details (mutation-id idempotency, token update rules, Sync
// ACLs), and the bin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { setup, once, until, twilioToken } from './helpers.js';
import { encodeFrame, decodeFrame } from '../lib/frame.js';

let t;
before(async () => {
  t = await setup();
});
after(async () => {
  await t.stop();
});

/** A minimal twilsock client: init, upstream requests, raw frames. */
async function rawClient(token) {
  const ws = new WebSocket(t.emu.twilsockUri);
  ws.binaryType = 'nodebuffer';
  await once(ws, 'open');
  const frames = [];
  const waiters = new Set();
  ws.on('message', (data) => {
    const f = decodeFrame(data);
    const parsed = { header: f.header, body: f.payload ? JSON.parse(f.payload) : null };
    frames.push(parsed);
    for (const w of waiters) w(parsed);
  });
  let n = 0;
  const waitFor = (pred, ms = 5000) => {
    const hit = frames.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(w);
        reject(new Error('raw frame timeout'));
      }, ms);
      const w = (f) => {
        if (pred(f)) {
          clearTimeout(timer);
          waiters.delete(w);
          resolve(f);
        }
      };
      waiters.add(w);
    });
  };
  const call = (header, payload) => {
    const id = `TMraw${++n}`;
    ws.send(encodeFrame({ id, ...header }, payload));
    return waitFor((f) => f.header.method === 'reply' && f.header.id === id);
  };
  const init = await call({ method: 'init', token, continuation_token: null, registrations: null, capabilities: [] });
  const request = (method, path, body, headers = {}) =>
    call(
      {
        method: 'message',
        active_grant: 'ip_messaging',
        payload_type: 'application/json',
        http_request: {
          host: path.startsWith('/v') ? 'cds.us1.twilio.com' : 'aim.us1.twilio.com',
          path,
          method,
          params: {},
          headers,
        },
      },
      body === undefined ? undefined : JSON.stringify(body),
    );
  return { ws, init, call, request, frames, waitFor, close: () => ws.close() };
}

test('X-Twilio-Mutation-Id: a repeated mutation returns the first response and is applied once', async () => {
  const alice = await rawClient(twilioToken('alice'));
  assert.equal(alice.init.header.status.code, 200);
  const svc = `/Client/v1/Services/${t.emu.serviceSid}`;
  const create = () =>
    alice.request(
      'POST',
      `${svc}/Conversations`,
      { type: 'public', unique_name: 'idem', friendly_name: 'Idem' },
      { 'Content-Type': 'application/json; charset=utf-8', 'X-Twilio-Mutation-Id': 'mut-1' },
    );
  const r1 = await create();
  const r2 = await create();
  assert.equal(r1.header.http_status.code, 201);
  assert.equal(r2.header.http_status.code, 201, 'not a 409: the repeat is answered from memory');
  assert.equal(r2.body.sid, r1.body.sid);
  const sid = r1.body.sid;
  await alice.request(
    'POST',
    `${svc}/Conversations/${sid}/Participants`,
    { identity: 'alice' },
    { 'X-Twilio-Mutation-Id': 'mut-2' },
  );
  const send = () =>
    alice.request(
      'POST',
      `${svc}/Conversations/${sid}/Messages`,
      { body: 'once' },
      { 'X-Twilio-Mutation-Id': 'mut-3' },
    );
  const m1 = await send();
  const m2 = await send();
  assert.equal(m1.body.index, 0);
  assert.deepEqual(m2.body, m1.body);
  const ch = (await t.admin('GET', '/admin/channels')).find((c) => c.uniqueName === 'idem');
  assert.equal(ch.messages, 1);
  const log = await t.admin('GET', '/admin/requests?identity=alice&service=chat');
  assert.equal(log.filter((r) => r.replayed).length, 2);
  // a different mutation id is a different mutation
  const m3 = await alice.request(
    'POST',
    `${svc}/Conversations/${sid}/Messages`,
    { body: 'twice' },
    { 'X-Twilio-Mutation-Id': 'mut-4' },
  );
  assert.equal(m3.body.index, 1);
  alice.close();
});

test('raw protocol: update rules, error replies, Sync ACLs on private channels', async () => {
  const alice = await rawClient(twilioToken('alice'));
  const eve = await rawClient(twilioToken('eve'));
  const svc = `/Client/v1/Services/${t.emu.serviceSid}`;
  // update: same identity OK, another identity 403, bad signature 401/20107
  assert.equal((await alice.call({ method: 'update', token: twilioToken('alice') })).header.status.code, 200);
  const other = await alice.call({ method: 'update', token: twilioToken('bob') });
  assert.equal(other.header.status.code, 403);
  const forged = await alice.call({ method: 'update', token: twilioToken('alice', { secret: 'x' }) });
  assert.deepEqual([forged.header.status.code, forged.header.status.errorCode], [401, 20107]);

  const created = await alice.request('POST', `${svc}/Conversations`, { type: 'private', unique_name: 'vault' });
  const { sid, sync_objects: so } = created.body;
  await alice.request('POST', `${svc}/Conversations/${sid}/Participants`, { identity: 'alice' });
  // eve: the channel is invisible (404); its Sync objects are forbidden (403), also as subscriptions
  assert.equal((await eve.request('GET', `${svc}/Conversations/vault`)).header.http_status.code, 404);
  assert.equal((await eve.request('GET', `/v3/Documents/${sid}.channel`)).header.http_status.code, 403);
  const list = await eve.request('GET', `/v3/Lists/${so.messages}`);
  assert.equal(list.header.http_status.code, 403);
  assert.equal(list.body.code, 54007);
  await eve.request('POST', '/v4/Subscriptions', {
    event_protocol_version: 4,
    action: 'establish',
    correlation_id: 42,
    retried_requests: 0,
    ttl_in_s: -1,
    requests: [
      { object_sid: so.messages, object_type: 'list', last_event_id: 0 },
      { object_sid: so.roster, object_type: 'map', last_event_id: 0 },
    ],
  });
  const failed = await eve.waitFor(
    (f) => f.body?.event_type === 'subscription_failed' && f.body.event.object_sid === so.messages,
  );
  assert.equal(failed.header.message_type, 'twilio.sync.event');
  assert.equal(failed.body.correlation_id, 42);
  assert.equal(failed.body.event.error.status, 403);
  await eve.waitFor((f) => f.body?.event_type === 'subscription_failed' && f.body.event.object_sid === so.roster);
  // alice (a member) may; posting as eve is refused
  assert.equal((await alice.request('GET', `/v3/Lists/${so.messages}`)).header.http_status.code, 200);
  assert.equal(
    (await eve.request('POST', `${svc}/Conversations/${sid}/Messages`, { body: 'x' })).header.http_status.code,
    404,
  );
  // replies always carry a transport status 200 and an http_status
  const missing = await alice.request('GET', `${svc}/Conversations/CH${'0'.repeat(32)}`);
  assert.deepEqual(
    [missing.header.status.code, missing.header.http_status.code, missing.header.http_status.status],
    [200, 404, 'Not Found'],
  );
  alice.close();
  eve.close();
});

test('admin: seed is fast; connections, requests (since, DELETE), reset, clock, unknown routes, CORS', async () => {
  await t.admin('POST', '/admin/reset');
  const started = Date.now();
  const seeded = await t.admin('POST', '/admin/seed', {
    users: [{ identity: 'alice', friendlyName: 'Alice' }, 'bob'],
    channels: [
      {
        uniqueName: 'big',
        friendlyName: 'Big',
        type: 'public',
        members: ['alice', 'bob'],
        messageCount: 500,
        author: 'bob',
      },
      ...Array.from({ length: 120 }, (_, i) => ({
        uniqueName: `c${i}`,
        type: i % 2 ? 'private' : 'public',
        members: ['alice'],
        messages: [{ author: 'alice', body: `hello ${i}` }],
      })),
    ],
  });
  assert.ok(Date.now() - started < 2000, `seed took ${Date.now() - started} ms`);
  assert.equal(seeded.channels.length, 121);
  assert.equal(seeded.channels[0].messages, 500);

  const alice = await t.client('alice');
  assert.equal(alice.user.friendlyName, 'Alice');
  const big = await alice.getChannelByUniqueName('big');
  assert.equal((await big.getMessages(5)).items.at(-1).body, 'Message 500');
  assert.deepEqual(await t.admin('GET', '/admin/connections'), { alice: 1 });
  const detail = await t.admin('GET', '/admin/connections?detail=1');
  assert.equal(detail[0].identity, 'alice');

  const all = await t.admin('GET', '/admin/requests');
  assert.ok(all.some((r) => r.service === 'chat' && r.method === 'GET' && r.path === '/Client/v1/Configuration'));
  assert.ok(all.every((r) => typeof r.seq === 'number' && r.identity === 'alice' && r.time));
  const last = all.at(-1).seq;
  await alice.getUserDescriptor('bob');
  const since = await t.admin('GET', `/admin/requests?since=${last}`);
  assert.ok(since.length >= 1 && since.every((r) => r.seq > last));

  const clock = await t.admin('POST', '/admin/clock?advanceMs=60000');
  assert.equal(clock.offsetMs, 60000);
  assert.ok(Math.abs(Date.parse(clock.now) - Date.now() - 60000) < 5000);
  assert.equal((await t.admin('POST', '/admin/clock?offsetMs=0')).offsetMs, 0);

  const res = await fetch(`${t.emu.url}/admin/nope`);
  assert.equal(res.status, 404);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  const pre = await fetch(`${t.emu.url}/admin/reset`, { method: 'OPTIONS' });
  assert.equal(pre.status, 204);

  // reset drops connections and state (of a settled client: see `settle`)
  await t.settle(alice);
  const dropped = once(alice, 'connectionStateChanged', (s) => s === 'connecting');
  assert.equal((await t.admin('POST', '/admin/reset')).reset, true);
  await dropped;
  assert.deepEqual(await t.admin('GET', '/admin/channels'), []);
  await t.shutdown(alice);

  // DELETE clears the log; checked with no client left that could add to it meanwhile (the SDK
  // re-subscribes Sync objects on its own, in batches, whenever it likes).
  assert.deepEqual((await t.admin('DELETE', '/admin/requests')).cleared, true);
  assert.deepEqual(await t.admin('GET', '/admin/requests'), []);
});

test('admin: delay holds notifications back, drop without identity drops everyone', async () => {
  await t.admin('POST', '/admin/reset');
  const alice = await t.client('alice');
  const bob = await t.client('bob');
  const ach = await alice.createChannel({ uniqueName: 'slow' });
  await ach.join();
  const bch = await bob.getChannelBySid(ach.sid);
  await bch.join();
  await bch.getMessages();
  assert.deepEqual(await t.admin('POST', '/admin/delay?ms=400'), { delayMs: 400 });
  const got = once(bch, 'messageAdded');
  const sentAt = Date.now();
  await ach.sendMessage('slow');
  await got;
  assert.ok(Date.now() - sentAt >= 380, `arrived after ${Date.now() - sentAt} ms`);
  await t.admin('POST', '/admin/delay?ms=0');

  const both = [
    once(alice, 'connectionStateChanged', (s) => s === 'connecting'),
    once(bob, 'connectionStateChanged', (s) => s === 'connecting'),
  ];
  // Drop at a quiet moment: twilsock rejects requests in flight at a drop with "disconnected",
  // which twilio-sync treats as fatal, and some of those requests are the SDK's own, awaited by no
  // one (an unhandled rejection that says nothing about the emulator).
  await Promise.all([t.settle(alice), t.settle(bob)]);
  assert.equal((await t.admin('POST', '/admin/drop')).dropped, 2);
  await Promise.all(both);
  await Promise.all([alice, bob].map((c) => once(c, 'connectionStateChanged', (s) => s === 'connected', 10000)));
  const live = await t.admin('GET', '/admin/connections');
  assert.equal(live.alice, 1);
  assert.equal(live.bob, 1);
  await t.shutdown(alice);
  await t.shutdown(bob);
});

test('admin: an armed drop loses the next matching request with its connection', async () => {
  await t.admin('POST', '/admin/reset');
  const bad = await fetch(`${t.emu.url}/admin/drop?onRequest=v3`, { method: 'POST' });
  assert.equal(bad.status, 400);
  const alice = await t.client('alice');
  const ch = await alice.createChannel({ uniqueName: 'armed' });
  await ch.join();
  await t.settle(alice);
  // Armed for someone else, or disarmed by a reset: nothing happens to alice.
  await t.admin('POST', '/admin/drop?identity=bob&onRequest=any');
  assert.deepEqual(await t.admin('POST', '/admin/drop?identity=alice&onRequest=/v3/Lists/'), { armed: 2, holdMs: 0 });
  const seq = (await t.admin('DELETE', '/admin/requests')).seq;
  const away = once(alice, 'connectionStateChanged', (s) => s === 'connecting');
  const back = once(alice, 'connectionStateChanged', (s) => s === 'connected', 10000);
  await assert.rejects(ch.getMessages(), /disconnected/);
  await away;
  await back;
  const mine = await t.admin('GET', `/admin/requests?since=${seq}&identity=alice`);
  assert.equal(mine.filter((r) => r.status === 'dropped').length, 1);
  assert.match(mine.find((r) => r.status === 'dropped').path, /^\/v3\/Lists\/ES\w+\/Items$/);
  // Used up: the same request now goes through.
  assert.deepEqual((await ch.getMessages()).items, []);
  await t.shutdown(alice);
  // A reset disarms bob's drop: he connects, fetches his channels and stays.
  await t.admin('POST', '/admin/reset');
  const bob = await t.client('bob');
  await t.settle(bob);
  assert.equal((await t.admin('GET', '/admin/connections')).bob, 1);
  assert.equal((await t.admin('GET', '/admin/requests?identity=bob')).filter((r) => r.status === 'dropped').length, 0);
  await t.shutdown(bob);
});

test('admin: token endpoint mints tokens the emulator accepts', async () => {
  const r = await t.admin('GET', '/admin/token?identity=zed&ttl=600');
  assert.equal(r.identity, 'zed');
  assert.deepEqual(r.clientOptions, t.emu.clientOptions);
  const zed = await t.client('zed', { token: r.token });
  assert.equal(zed.user.identity, 'zed');
  await t.shutdown(zed);
});

test('bin: chat-emulator prints its URL, twilsock URI and clientOptions', async () => {
  const bin = fileURLToPath(new URL('../bin/chat-emulator.js', import.meta.url));
  const child = spawn(process.execPath, [bin, '--port', '0', '--secret', 's3cret'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CHAT_EMULATOR_DEBUG: '' },
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  await until(() => out.includes('clientOptions:'), 10000, 'bin output');
  const url = /URL:\s+(\S+)/.exec(out)[1];
  const options = JSON.parse(/clientOptions: (.*)/.exec(out)[1]);
  assert.match(options.Twilsock.uri, /^ws:\/\/127\.0\.0\.1:\d+\/v3\/wsconnect$/);
  const info = await (await fetch(url)).json();
  assert.equal(info.twilsockUri, options.Twilsock.uri);
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
});
