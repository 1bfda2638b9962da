// (b) subscribed channels paging + events, (c) channel lifecycle, errors and private visibility.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, once, collect, until, Client, twilioToken } from './helpers.js';

let t;
/** Every item of a paginator. */
async function allDescriptors(page) {
  const items = [...page.items];
  while (page.hasNextPage) {
    page = await page.nextPage();
    items.push(...page.items);
  }
  return items;
}
before(async () => {
  t = await setup();
});
after(async () => {
  await t.stop();
});

test('(b) getSubscribedChannels pages through >50 channels; channelAdded/channelJoined arrive too', async () => {
  const names = Array.from({ length: 120 }, (_, i) => `bulk-${String(i).padStart(3, '0')}`);
  await t.admin('POST', '/admin/seed', {
    channels: names.map((uniqueName) => ({ uniqueName, friendlyName: uniqueName, members: ['carol'] })),
  });
  // Listen first, then page (the documented order).
  const c = t.track(new Client(twilioToken('carol'), t.emu.clientOptions));
  const added = collect(c, 'channelAdded');
  const joined = collect(c, 'channelJoined');
  assert.equal(await once(c, 'stateChanged', () => true, 15000), 'initialized');
  let page = await c.getSubscribedChannels();
  const seen = new Set(page.items.map((ch) => ch.sid));
  assert.ok(page.items.length <= 50, 'first page holds at most 50');
  assert.equal(page.hasNextPage, true);
  let pages = 1;
  while (page.hasNextPage) {
    page = await page.nextPage();
    pages++;
    for (const ch of page.items) seen.add(ch.sid);
  }
  assert.equal(seen.size, 120);
  assert.ok(pages >= 3, `${pages} pages`);
  await until(() => joined.items.length === 120, 15000, '120 channelJoined');
  assert.equal(new Set(added.items.map((ch) => ch.sid)).size, 120);
  const statuses = new Set(joined.items.map((ch) => ch.status));
  assert.deepEqual([...statuses], ['joined']);
  const anyChannel = joined.items.find((ch) => ch.uniqueName === 'bulk-007');
  assert.equal(anyChannel.friendlyName, 'bulk-007');
  await t.shutdown(c);
});

test('(c) create public + private, join, invite, decline, add, removeMember, leave, delete', async () => {
  const alice = await t.client('alice');
  const bob = await t.client('bob');

  const pub = await alice.createChannel({ uniqueName: 'lobby', friendlyName: 'Lobby', attributes: { topic: 'hi' } });
  assert.equal(pub.type, 'public');
  assert.equal(pub.uniqueName, 'lobby');
  assert.deepEqual(pub.attributes, { topic: 'hi' });
  assert.equal(pub.createdBy, 'alice');
  const aliceJoined = once(alice, 'channelJoined', (ch) => ch.sid === pub.sid);
  await pub.join();
  await aliceJoined;
  assert.equal(pub.status, 'joined');

  // bob sees it by sid and by unique name, and in the public descriptors
  assert.equal((await bob.getChannelBySid(pub.sid)).sid, pub.sid);
  const bobPub = await bob.getChannelByUniqueName('lobby');
  assert.equal(bobPub.friendlyName, 'Lobby');
  assert.ok(
    (await allDescriptors(await bob.getPublicChannelDescriptors())).some(
      (d) => d.sid === pub.sid && d.uniqueName === 'lobby',
    ),
  );

  const memberJoined = once(pub, 'memberJoined', (m) => m.identity === 'bob');
  const bobJoined = once(bob, 'channelJoined', (ch) => ch.sid === pub.sid);
  await bobPub.join();
  await bobJoined;
  await memberJoined;
  // REST GETs are cached by the SDK for 500 ms (http_cache_interval PT5S), so poll.
  await until(
    async () => (await bob.getUserChannelDescriptors()).items.some((d) => d.sid === pub.sid && d.status === 'joined'),
    5000,
    'user channel descriptor',
  );

  // leave
  const left = once(bob, 'channelLeft', (ch) => ch.sid === pub.sid);
  const memberLeft = once(pub, 'memberLeft', (m) => m.identity === 'bob');
  await bobPub.leave();
  await left;
  await memberLeft;

  // private channel: invite → channelInvited → decline
  const priv = await alice.createChannel({ uniqueName: 'secret', friendlyName: 'Secret', isPrivate: true });
  assert.equal(priv.type, 'private');
  await priv.join();
  await assert.rejects(bob.getChannelBySid(priv.sid), (e) => e.status === 404 || /not found/i.test(e.message));
  assert.ok(
    !(await allDescriptors(await bob.getPublicChannelDescriptors())).some((d) => d.sid === priv.sid),
    'private channel is not public',
  );
  const invited = once(bob, 'channelInvited', (ch) => ch.sid === priv.sid);
  await priv.invite('bob');
  const bobPriv = await invited;
  assert.equal(bobPriv.status, 'invited');
  const declined = once(bob, 'channelRemoved', (ch) => ch.sid === priv.sid);
  await bobPriv.decline();
  await declined;

  // add: alice adds bob directly → bob joined
  const added = once(bob, 'channelJoined', (ch) => ch.sid === priv.sid);
  const bobMember = once(priv, 'memberJoined', (m) => m.identity === 'bob');
  await priv.add('bob');
  const bobPriv2 = await added;
  await bobMember;
  assert.equal(bobPriv2.status, 'joined');
  assert.deepEqual((await priv.getMembers()).map((m) => m.identity).sort(), ['alice', 'bob']);

  // removeMember by identity → bob loses the private channel
  const removed = once(bob, 'channelLeft', (ch) => ch.sid === priv.sid);
  await priv.removeMember('bob');
  await removed;
  await assert.rejects(bob.getChannelBySid(priv.sid));

  // delete: members get channelRemoved, the unique name is free again
  const gone = once(alice, 'channelRemoved', (ch) => ch.sid === priv.sid);
  await priv.delete();
  await gone;
  await assert.rejects(alice.getChannelByUniqueName('secret'), (e) => e.status === 404);
  const again = await alice.createChannel({ uniqueName: 'secret' });
  assert.notEqual(again.sid, priv.sid);
  await t.shutdown(alice);
  await t.shutdown(bob);
});

test('(c) updateAttributes / updateFriendlyName / updateUniqueName → channelUpdated everywhere', async () => {
  const alice = await t.client('alice');
  const bob = await t.client('bob');
  const ch = await alice.createChannel({ uniqueName: 'rename-me', friendlyName: 'Before' });
  await ch.join();
  const bobCh = await bob.getChannelBySid(ch.sid);
  await bobCh.join();
  await once(bob, 'channelJoined', (c) => c.sid === ch.sid).catch(() => {});

  let upd = once(bob, 'channelUpdated', (e) => e.channel.sid === ch.sid && e.updateReasons.includes('friendlyName'));
  const own = once(ch, 'updated', (e) => e.updateReasons.includes('friendlyName'));
  await ch.updateFriendlyName('After');
  await upd;
  await own;
  assert.equal(bobCh.friendlyName, 'After');

  upd = once(bob, 'channelUpdated', (e) => e.channel.sid === ch.sid && e.updateReasons.includes('attributes'));
  await ch.updateAttributes({ color: 'blue', n: 2 });
  await upd;
  assert.deepEqual(bobCh.attributes, { color: 'blue', n: 2 });

  upd = once(bob, 'channelUpdated', (e) => e.channel.sid === ch.sid && e.updateReasons.includes('uniqueName'));
  await ch.updateUniqueName('renamed');
  await upd;
  assert.equal(bobCh.uniqueName, 'renamed');
  assert.equal((await alice.getChannelByUniqueName('renamed')).sid, ch.sid);
  await assert.rejects(alice.getChannelByUniqueName('rename-me'), (e) => e.status === 404);
  await t.shutdown(alice);
  await t.shutdown(bob);
});

test('errors: 404 unknown channel, 409 unique name taken, 403 non-member post and private join', async () => {
  const alice = await t.client('alice');
  const dave = await t.client('dave');
  await assert.rejects(
    alice.getChannelByUniqueName('does-not-exist'),
    (e) => e.status === 404 && e.message === 'Not Found',
  );
  await assert.rejects(alice.getChannelBySid('CH' + '9'.repeat(32)), (e) => e.status === 404);
  await alice.createChannel({ uniqueName: 'taken' });
  await assert.rejects(alice.createChannel({ uniqueName: 'taken' }), (e) => e.status === 409 && e.body?.code === 50307);

  // a public channel dave has not joined: he may see it but not post or read messages
  const ch = await alice.createChannel({ uniqueName: 'members-only-posting' });
  await ch.join();
  const daveCh = await dave.getChannelBySid(ch.sid);
  await assert.rejects(
    daveCh.sendMessage('intruder'),
    (e) => e.status === 403 || /forbidden|403/i.test(String(e.message)),
  );

  // private: dave can neither see nor join it
  const priv = await alice.createChannel({ uniqueName: 'priv-403', isPrivate: true });
  await priv.join();
  await assert.rejects(dave.getChannelByUniqueName('priv-403'), (e) => e.status === 404);
  const raw = await t.admin('GET', '/admin/channels');
  assert.ok(raw.find((c) => c.uniqueName === 'priv-403').members.includes('alice'));
  await t.shutdown(alice);
  await t.shutdown(dave);
});
