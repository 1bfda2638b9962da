// The demo server's /token endpoint and static files, in emulator mode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoServer } from '../../demo/server.js';
import { Client, once } from './helpers.js';

let demo;
before(async () => {
  demo = await startDemoServer({ port: 0, env: {}, log: false });
});
after(async () => {
  await demo.close();
});

test('GET /token mints an emulator token with clientOptions; the SDK connects and sees #general', async () => {
  assert.equal(demo.mode, 'emulator');
  const res = await fetch(`${demo.url}token?identity=carol`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const body = await res.json();
  assert.deepEqual(Object.keys(body).sort(), ['clientOptions', 'identity', 'token']);
  assert.equal(body.identity, 'carol');
  const claims = JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString());
  assert.equal(claims.grants.identity, 'carol');
  assert.equal(claims.exp - claims.iat, 3600);
  assert.match(body.clientOptions.Twilsock.uri, /^ws:\/\/127\.0\.0\.1:\d+\/v3\/wsconnect$/);

  const client = new Client(body.token, body.clientOptions);
  assert.equal(await once(client, 'stateChanged', () => true, 15000), 'initialized');
  const general = await client.getChannelByUniqueName('general');
  assert.equal(general.friendlyName, 'General');
  await general.join();
  const messages = await general.getMessages();
  assert.ok(messages.items.length >= 3);
  assert.deepEqual([...new Set(messages.items.map((m) => m.author))].sort(), ['alice', 'bob']);
  await client.getSubscribedChannels();
  await client.shutdown();
});

test('GET /token refuses a missing or invalid identity with 400 JSON', async () => {
  for (const q of ['', '?identity=', '?identity=%20bad%20', `?identity=${'x'.repeat(200)}`]) {
    const res = await fetch(`${demo.url}token${q}`);
    assert.equal(res.status, 400, q);
    assert.match(res.headers.get('content-type'), /application\/json/);
    assert.ok((await res.json()).error);
  }
});

test('static files: demo/ at the root, dist/cdn under /dist/cdn/, with JS MIME types; no server source, no traversal', async () => {
  const index = await fetch(demo.url);
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type'), /text\/html/);
  const js = await fetch(`${demo.url}demo.js`);
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type'), /text\/javascript/);
  assert.equal((await fetch(`${demo.url}server.js`)).status, 404);
  assert.equal((await fetch(`${demo.url}token.js`)).status, 404);
  assert.equal((await fetch(`${demo.url}..%2Fpackage.json`)).status, 404);
  assert.equal((await fetch(`${demo.url}dist/cdn/..%2F..%2Fpackage.json`)).status, 404);
  const cdn = await fetch(`${demo.url}dist/cdn/chat-widget.js`);
  // dist/ is built by `npm run build`; when it exists it must be served as JavaScript
  if (cdn.status === 200) assert.match(cdn.headers.get('content-type'), /text\/javascript/);
  else assert.equal(cdn.status, 404);
});

test('with Twilio credentials it mints real-shaped tokens and no clientOptions', async () => {
  const real = await startDemoServer({
    port: 0,
    log: false,
    env: {
      TWILIO_ACCOUNT_SID: 'AC' + '1'.repeat(32),
      TWILIO_API_KEY: 'SK' + '2'.repeat(32),
      TWILIO_API_SECRET: 'secret',
      TWILIO_CHAT_SERVICE_SID: 'IS' + '3'.repeat(32),
    },
  });
  try {
    assert.equal(real.mode, 'twilio');
    const body = await (await fetch(`${real.url}token?identity=dana`)).json();
    assert.deepEqual(Object.keys(body).sort(), ['identity', 'token']);
    const claims = JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString());
    assert.equal(claims.iss, 'SK' + '2'.repeat(32));
    assert.equal(claims.grants.chat.service_sid, 'IS' + '3'.repeat(32));
  } finally {
    await real.close();
  }
});
