// Media over MCS (byte-exact, CORS) and push registrations through ERS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, once, twilioToken } from './helpers.js';

let t;
before(async () => {
  t = await setup();
});
after(async () => {
  await t.stop();
});

test('media: sendMessage with a Buffer and a string, getContentTemporaryUrl, byte-exact download', async () => {
  const alice = await t.client('alice');
  const bob = await t.client('bob');
  const ach = await alice.createChannel({ uniqueName: 'pics' });
  await ach.join();
  const bch = await bob.getChannelBySid(ach.sid);
  await bch.join();
  await bch.getMessages();

  const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 37 + 11) % 256));
  let arrived = once(bch, 'messageAdded');
  await ach.sendMessage({ contentType: 'application/octet-stream', media: bytes });
  const msg = await arrived;
  assert.equal(msg.type, 'media');
  assert.equal(msg.media.contentType, 'application/octet-stream');
  assert.equal(msg.media.filename, null); // twilio-chat 6 sends no filename with SendMediaOptions (only FormData has one)
  assert.equal(msg.media.size, bytes.length);
  const url = await msg.media.getContentTemporaryUrl();
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/mcs\//);
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);

  arrived = once(bch, 'messageAdded');
  await ach.sendMessage({ contentType: 'text/plain', media: 'héllo, wörld' });
  const text = await arrived;
  const res2 = await fetch(await text.media.getContentTemporaryUrl());
  assert.equal(await res2.text(), 'héllo, wörld');
  assert.equal(res2.headers.get('content-type'), 'text/plain');

  // a temporary URL with a forged signature is refused; without a token the API is closed
  assert.equal((await fetch(url.replace(/Signature=[^&]+/, 'Signature=forged'))).status, 403);
  const metaUrl = url.split('/Content')[0];
  assert.equal((await fetch(metaUrl)).status, 401);
  const meta = await fetch(metaUrl, { headers: { 'X-Twilio-Token': twilioToken('bob') } });
  assert.equal(meta.status, 200);
  assert.equal((await meta.json()).size, bytes.length);
  // carol is not in the channel
  assert.equal((await fetch(metaUrl, { headers: { 'X-Twilio-Token': twilioToken('carol') } })).status, 403);
  await t.shutdown(alice);
  await t.shutdown(bob);
});

test('media: CORS preflight and a raw upload as a browser would send it', async () => {
  const base = `${t.emu.url}/mcs/v1/Services/${t.emu.serviceSid}/Media`;
  const pre = await fetch(base, {
    method: 'OPTIONS',
    headers: {
      Origin: 'http://localhost:9999',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'x-twilio-token, content-type',
    },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-origin'), '*');
  assert.match(pre.headers.get('access-control-allow-headers'), /X-Twilio-Token/i);
  assert.match(pre.headers.get('access-control-allow-headers'), /Content-Type/i);
  assert.match(pre.headers.get('access-control-allow-methods'), /POST/);

  const form = new FormData();
  form.append('file', new Blob([new Uint8Array([0, 1, 2, 255])], { type: 'image/png' }), 'dot.png');
  const up = await fetch(`${base}?Category=media`, {
    method: 'POST',
    body: form,
    headers: { 'X-Twilio-Token': twilioToken('alice') },
  });
  assert.equal(up.status, 201);
  assert.equal(up.headers.get('access-control-allow-origin'), '*');
  const desc = await up.json();
  assert.equal(desc.content_type, 'image/png');
  assert.equal(desc.filename, 'dot.png');
  assert.equal(desc.size, 4);
  const down = await fetch(desc.links.content_direct_temporary);
  assert.deepEqual([...new Uint8Array(await down.arrayBuffer())], [0, 1, 2, 255]);
  const bad = await fetch(base, { method: 'POST', body: 'x', headers: { 'X-Twilio-Token': 'nope' } });
  assert.equal(bad.status, 401);
});

test('push registrations: setPushRegistrationId / unsetPushRegistrationId are recorded', async () => {
  await t.admin('POST', '/admin/reset');
  const alice = await t.client('alice');
  await alice.setPushRegistrationId('fcm', 'device-token-1');
  let regs = await t.admin('GET', '/admin/push-registrations');
  assert.deepEqual(
    regs.registrations.map(({ identity, channelType, registrationId }) => ({ identity, channelType, registrationId })),
    [{ identity: 'alice', channelType: 'fcm', registrationId: 'device-token-1' }],
  );
  assert.match(regs.registrations[0].id, /^BN/);
  assert.deepEqual(regs.calls, { register: 1, unregister: 0 });

  // the same token again: the SDK sees no change and sends nothing
  await alice.setPushRegistrationId('fcm', 'device-token-1');
  assert.equal((await t.admin('GET', '/admin/push-registrations')).calls.register, 1);

  // a new token replaces the old registration
  await alice.setPushRegistrationId('fcm', 'device-token-2');
  regs = await t.admin('GET', '/admin/push-registrations');
  assert.deepEqual(
    regs.registrations.map((r) => r.registrationId),
    ['device-token-2'],
  );
  assert.deepEqual(regs.calls, { register: 2, unregister: 1 });

  await alice.unsetPushRegistrationId('fcm');
  regs = await t.admin('GET', '/admin/push-registrations');
  assert.deepEqual(regs.registrations, []);
  assert.equal(regs.calls.unregister, 2);
  const ers = await t.admin('GET', '/admin/requests?service=ers');
  assert.deepEqual(
    ers.map((r) => `${r.method} ${r.path.replace(/BN\w+/, 'BN…')}`),
    [
      'POST /v1/registrations',
      'DELETE /v1/registrations/BN…',
      'POST /v1/registrations',
      'DELETE /v1/registrations/BN…',
    ],
  );
  await t.shutdown(alice);
});
