// (d) delivery order with concurrent senders, (e) paging, (f) typing, (g) read horizon,
// message edit/remove, member and user updates.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, once, collect, until } from './helpers.js';

let t;
before(async () => {
  t = await setup();
});
after(async () => {
  await t.stop();
});

/** Creates a channel with `owner`, joins every client, and waits until each has its streams open. */
async function room(uniqueName, owner, others = []) {
  const ch = await owner.createChannel({ uniqueName, friendlyName: uniqueName });
  await ch.join();
  await ch.getMessages(); // opens the messages list: nothing sent afterwards can be missed
  const views = [ch];
  for (const c of others) {
    const mine = await c.getChannelBySid(ch.sid);
    await mine.join();
    await mine.getMessages();
    views.push(mine);
  }
  return views;
}

test('(d) sendMessage → messageAdded at every member, in the same order, with concurrent senders', async () => {
  const names = ['u1', 'u2', 'u3', 'u4'];
  const clients = await Promise.all(names.map((n) => t.client(n)));
  const views = await room('busy', clients[0], clients.slice(1));
  const received = views.map((v) => collect(v, 'messageAdded'));
  const perSender = 15;
  await Promise.all(
    views.map(async (v, i) => {
      for (let k = 0; k < perSender; k++) await v.sendMessage(`${names[i]}-${k}`, { k });
    }),
  );
  const total = perSender * names.length;
  await until(() => received.every((r) => r.items.length >= total), 15000, 'all messages everywhere');
  const orders = received.map((r) => r.items.map((m) => `${m.index}:${m.body}`));
  for (const o of orders) assert.deepEqual(o, orders[0], 'same order everywhere');
  const indices = received[0].items.map((m) => m.index);
  assert.deepEqual(
    indices,
    [...indices].sort((a, b) => a - b),
    'in index order',
  );
  assert.equal(new Set(indices).size, total, 'no duplicates');
  for (const n of names) {
    const mine = received[0].items.filter((m) => m.author === n).map((m) => m.body);
    assert.deepEqual(
      mine,
      Array.from({ length: perSender }, (_, k) => `${n}-${k}`),
      `per-sender order of ${n}`,
    );
  }
  assert.deepEqual(received[1].items[0].attributes, { k: 0 });
  await Promise.all(clients.map((c) => t.shutdown(c)));
});

test('(e) getMessages pages backwards and forwards, also across deleted messages', async () => {
  const alice = await t.client('alice');
  const bob = await t.client('bob');
  const seeded = await t.admin('POST', '/admin/seed', {
    channels: [{ uniqueName: 'history', members: ['alice', 'bob'], messageCount: 500, author: 'alice' }],
  });
  assert.equal(seeded.channels[0].messages, 500);
  const ch = await until(
    async () => (await alice.getSubscribedChannels()).items.find((c) => c.uniqueName === 'history'),
    10000,
    'history channel',
  );
  // delete every 7th message among the last 100 (as the author)
  const doomed = [];
  let p = await ch.getMessages(100);
  for (const m of p.items) if (m.index % 7 === 0) doomed.push(m);
  for (const m of doomed) await m.remove();
  const expected = Array.from({ length: 500 }, (_, i) => i).filter((i) => !(i >= 400 && i % 7 === 0));

  // backwards from the newest, page size 30
  const back = [];
  const bobCh = await bob.getChannelBySid(ch.sid);
  p = await bobCh.getMessages(30);
  back.unshift(...p.items.map((m) => m.index));
  assert.equal(p.hasNextPage, false, 'newest page has no next page');
  while (p.hasPrevPage) {
    p = await p.prevPage();
    back.unshift(...p.items.map((m) => m.index));
  }
  assert.deepEqual(back, expected);

  // forwards from index 0
  const fwd = [];
  p = await bobCh.getMessages(45, 0, 'forward');
  fwd.push(...p.items.map((m) => m.index));
  assert.equal(p.hasPrevPage, false);
  while (p.hasNextPage) {
    p = await p.nextPage();
    fwd.push(...p.items.map((m) => m.index));
  }
  assert.deepEqual(fwd, expected);

  // an anchor that was deleted
  p = await bobCh.getMessages(5, 406, 'backwards');
  assert.deepEqual(
    p.items.map((m) => m.index),
    [401, 402, 403, 404, 405],
  );
  p = await bobCh.getMessages(3, 413, 'forward');
  assert.deepEqual(
    p.items.map((m) => m.index),
    [414, 415, 416],
  );
  assert.equal(await bobCh.getMessagesCount().then((n) => n), 500 - doomed.length);
  await t.shutdown(alice);
  await t.shutdown(bob);
});

test('message updateBody / updateAttributes / remove → messageUpdated / messageRemoved; only the author may', async () => {
  const alice = await t.client('alice');
  const bob = await t.client('bob');
  const [ach, bch] = await room('edits', alice, [bob]);
  const arrived = once(bch, 'messageAdded');
  await ach.sendMessage('first draft');
  const bobMsg = await arrived;
  const aliceMsg = (await ach.getMessages()).items.find((m) => m.sid === bobMsg.sid);

  let upd = once(bch, 'messageUpdated', (e) => e.message.sid === bobMsg.sid && e.updateReasons.includes('body'));
  await aliceMsg.updateBody('final text');
  const e1 = await upd;
  assert.equal(e1.message.body, 'final text');
  assert.equal(bobMsg.lastUpdatedBy, 'alice');

  upd = once(bch, 'messageUpdated', (e) => e.updateReasons.includes('attributes'));
  await aliceMsg.updateAttributes({ edited: true });
  await upd;
  assert.deepEqual(bobMsg.attributes, { edited: true });

  await assert.rejects(bobMsg.updateBody('hijack'), (e) => e.status === 403);
  await assert.rejects(bobMsg.remove(), (e) => e.status === 403);

  const removed = once(bch, 'messageRemoved', (m) => m.sid === bobMsg.sid);
  await aliceMsg.remove();
  await removed;
  assert.equal((await bch.getMessages()).items.length, 0);
  await t.shutdown(alice);
  await t.shutdown(bob);
});

test('(f) typing() → typingStarted / typingEnded at the other members', async () => {
  const alice = await t.client('alice');
  const bob = await t.client('bob');
  const [ach, bch] = await room('typing', alice, [bob]);
  await bch.getMembers();
  const started = once(bch, 'typingStarted', (m) => m.identity === 'alice');
  const clientStarted = once(bob, 'typingStarted', (m) => m.identity === 'alice');
  await ach.typing();
  const member = await started;
  await clientStarted;
  assert.equal(member.isTyping, true);
  // a message from the typist ends typing at once
  const ended = once(bch, 'typingEnded', (m) => m.identity === 'alice');
  await ach.sendMessage('done typing');
  await ended;
  assert.equal(member.isTyping, false);
  await t.shutdown(alice);
  await t.shutdown(bob);
});

test('(g) read horizon: update / advance / all / none, unconsumed count and member index', async () => {
  const alice = await t.client('alice');
  const bob = await t.client('bob');
  const [ach, bch] = await room('reads', alice, [bob]);
  for (let i = 0; i < 5; i++) await ach.sendMessage(`m${i}`);
  assert.equal(await bch.getUnconsumedMessagesCount(), null, 'null before any horizon');

  let memberUpdate = once(
    ach,
    'memberUpdated',
    (e) => e.member.identity === 'bob' && e.updateReasons.includes('lastConsumedMessageIndex'),
  );
  assert.equal(await bch.updateLastConsumedMessageIndex(1), 3);
  await memberUpdate;
  assert.equal((await ach.getMemberByIdentity('bob')).lastConsumedMessageIndex, 1);
  await until(() => bch.lastConsumedMessageIndex === 1, 5000, 'channel horizon');

  assert.equal(await bch.advanceLastConsumedMessageIndex(3), 1);
  await until(() => bch.lastConsumedMessageIndex === 3, 5000, 'channel horizon 3');
  // advancing backwards keeps the horizon (the SDK compares with the horizon it has received)
  assert.equal(await bch.advanceLastConsumedMessageIndex(0), 1);
  await until(async () => (await bch.getUnconsumedMessagesCount()) === 1, 5000, 'unconsumed 1');

  memberUpdate = once(
    ach,
    'memberUpdated',
    (e) => e.member.identity === 'bob' && e.member.lastConsumedMessageIndex === 4,
  );
  assert.equal(await bch.setAllMessagesConsumed(), 0);
  await memberUpdate;
  await until(async () => (await bch.getUnconsumedMessagesCount()) === 0, 5000, 'unconsumed 0');

  const channelUpdated = once(
    bob,
    'channelUpdated',
    (e) => e.channel.sid === bch.sid && e.updateReasons.includes('lastConsumedMessageIndex'),
  );
  assert.equal(await bch.setNoMessagesConsumed(), null);
  await channelUpdated;
  assert.equal(bch.lastConsumedMessageIndex, null);
  await until(async () => (await bch.getUnconsumedMessagesCount()) === null, 5000, 'unconsumed null');
  await t.shutdown(alice);
  await t.shutdown(bob);
});

test('member attributes → memberUpdated; user friendlyName / attributes → userUpdated', async () => {
  const alice = await t.client('alice');
  const bob = await t.client('bob');
  const [ach, bch] = await room('people', alice, [bob]);
  const me = await bch.getMemberByIdentity('bob');
  const seen = once(ach, 'memberUpdated', (e) => e.member.identity === 'bob' && e.updateReasons.includes('attributes'));
  await me.updateAttributes({ role: 'moderator' });
  const ev = await seen;
  assert.deepEqual(ev.member.attributes, { role: 'moderator' });

  const bobAsSeenByAlice = await alice.getUser('bob');
  const userUpd = once(bobAsSeenByAlice, 'updated', (e) => e.updateReasons.includes('friendlyName'));
  const selfUpd = once(
    bob,
    'userUpdated',
    (e) => e.user.identity === 'bob' && e.updateReasons.includes('friendlyName'),
  );
  await bob.user.updateFriendlyName('Bob B.');
  await userUpd;
  await selfUpd;
  assert.equal(bobAsSeenByAlice.friendlyName, 'Bob B.');

  const attrUpd = once(bobAsSeenByAlice, 'updated', (e) => e.updateReasons.includes('attributes'));
  await bob.user.updateAttributes({ avatar: 'b.png' });
  await attrUpd;
  assert.deepEqual(bobAsSeenByAlice.attributes, { avatar: 'b.png' });
  // getUser fetched bob's descriptor less than 500 ms ago: the SDK's REST cache answers, so poll
  const desc = await until(
    async () => {
      const d = await alice.getUserDescriptor('bob');
      return d.friendlyName === 'Bob B.' && d;
    },
    5000,
    'fresh user descriptor',
  );
  assert.equal(desc.online, true);
  assert.deepEqual(desc.attributes, { avatar: 'b.png' });
  // a member may not change another member's attributes
  const aliceSeesBob = await ach.getMemberByIdentity('bob');
  await assert.rejects(aliceSeesBob.updateAttributes({ role: 'nobody' }), (e) => e.status === 403);
  await t.shutdown(alice);
  await t.shutdown(bob);
});
