// (i) a dropped socket: the SDK reconnects by itself and gets every missed event exactly once,
// from the event history, or through the compacted "interrupted" replay when history is short.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, once, collect, until } from './helpers.js';

const envs = [];
after(async () => {
  await Promise.all(envs.map((e) => e.stop()));
});

/** alice and bob in one channel, both with the messages list open. */
async function pair(t, name) {
  const alice = await t.client('alice');
  const bob = await t.client('bob');
  const ach = await alice.createChannel({ uniqueName: name });
  await ach.join();
  await ach.getMessages();
  const bch = await bob.getChannelBySid(ach.sid);
  await bch.join();
  await bch.getMessages();
  return { alice, bob, ach, bch };
}

/** Drops bob's socket, keeps him away for `holdMs`, runs `whileAway`, and waits for his return. */
async function whileDropped(t, bob, holdMs, whileAway) {
  const states = collect(bob, 'connectionStateChanged');
  const reconnected = once(bob, 'connectionStateChanged', (s) => s === 'connected', 20000);
  await t.settle(bob);
  const res = await t.admin('POST', `/admin/drop?identity=bob&holdMs=${holdMs}`);
  assert.equal(res.dropped, 1);
  await until(async () => !(await t.admin('GET', '/admin/connections')).bob, 5000, 'bob disconnected');
  await whileAway();
  await reconnected;
  states.off();
  assert.ok(states.items.includes('connecting'), `went through connecting: ${states.items}`);
}

for (const [label, historyLimit, count] of [
  ['from the event history', 1000, 8],
  ['via replay_status interrupted (history of 5)', 5, 25],
]) {
  test(`(i) dropped socket: missed messages, edits and removals arrive exactly once — ${label}`, async () => {
    const t = await setup({ historyLimit });
    envs.push(t);
    const { alice, bob, ach, bch } = await pair(t, 'drop-room');
    const first = once(bch, 'messageAdded', (m) => m.body === 'before the drop');
    const early = await ach.sendMessage('before the drop');
    await first; // bob is subscribed now
    const added = collect(bch, 'messageAdded');
    const updated = collect(bch, 'messageUpdated');
    const removed = collect(bch, 'messageRemoved');
    const loaded = (await bch.getMessages()).items; // bob's window: the early message

    const dropSeq = t.emu.emulator.requestSeq;
    await whileDropped(t, bob, 1500, async () => {
      for (let i = 0; i < count; i++) await ach.sendMessage(`offline ${i}`);
      const early1 = (await ach.getMessages(1, early)).items[0];
      await early1.updateBody('edited while bob was away');
    });
    await until(() => added.items.length >= count, 15000, `${count} missed messages (got ${added.items.length})`);
    await until(() => updated.items.length >= 1, 10000, 'missed edit');
    assert.deepEqual(
      added.items.map((m) => m.body),
      Array.from({ length: count }, (_, i) => `offline ${i}`),
    );
    assert.equal(loaded[0].body, 'edited while bob was away');

    // after the replay, live delivery goes on, still exactly once
    const live = once(bch, 'messageAdded', (m) => m.body === 'live again');
    await ach.sendMessage('live again');
    await live;
    const gone = (await ach.getMessages(1, early)).items[0];
    await gone.remove();
    await until(() => removed.items.length === 1, 10000, 'removal');
    const bodies = added.items.map((m) => m.body);
    assert.equal(new Set(added.items.map((m) => m.sid)).size, bodies.length, 'no message twice');
    assert.equal(bodies.length, count + 1);
    const page = await bch.getMessages(100);
    assert.deepEqual(
      page.items.map((m) => m.body),
      [...Array.from({ length: count }, (_, i) => `offline ${i}`), 'live again'],
    );
    const { stats } = t.emu.emulator.sync;
    if (historyLimit < count) assert.ok(stats.interrupted >= 1, 'the compacted replay (interrupted) was used');
    else assert.ok(stats.replayedEvents >= count && stats.interrupted === 0, JSON.stringify(stats));
    const subs = (await t.admin(`GET`, `/admin/requests?identity=bob&service=sync&since=${dropSeq}`)).filter(
      (r) => r.path === '/v4/Subscriptions',
    );
    assert.ok(subs.length >= 1, 'bob re-subscribed after the reconnect');
    await t.shutdown(alice);
    await t.shutdown(bob);
  });
}

test('(i) a drop while a channel event happens: channelUpdated and memberJoined are replayed', async () => {
  const t = await setup();
  envs.push(t);
  const { alice, bob, ach, bch } = await pair(t, 'drop-meta');
  const carol = await t.client('carol');
  const updated = once(
    bob,
    'channelUpdated',
    (e) => e.channel.sid === bch.sid && e.updateReasons.includes('friendlyName'),
    20000,
  );
  const joined = once(bch, 'memberJoined', (m) => m.identity === 'carol', 20000);
  await whileDropped(t, bob, 1200, async () => {
    await ach.updateFriendlyName('Renamed offline');
    await (await carol.getChannelBySid(ach.sid)).join();
  });
  await updated;
  await joined;
  assert.equal(bch.friendlyName, 'Renamed offline');
  await t.shutdown(alice);
  await t.shutdown(bob);
  await t.shutdown(carol);
});
