// L1-L4, P4, M4: one client per identity, kept through drops, page visibility and moves, and
// released (state first, then the client) when the identity changes or the element goes.
import { expect, waitUntil } from '@open-wc/testing';
import {
  admin,
  closePages,
  connectionDetail,
  connections,
  deepText,
  events,
  channelRows,
  chatServicePath,
  lastSeq,
  requests,
  sdk,
  settled,
  deepQueryAll,
  messageBodies,
  counts,
  openPage,
  openPair,
  quietPeriod,
  resetEmulator,
  setVisibility,
  seed,
  tokenRequests,
  typeAndSend,
  uid,
  waitChannelOpen,
  waitReady,
} from './helpers.js';
import type { Page } from './helpers.js';

const connectionIds = async (identity: string) =>
  (await connectionDetail()).filter((c) => c.identity === identity).map((c) => c.id);

/** What a host page would see as noise: console errors, uncaught errors, unhandled rejections. */
const problems = (page: Page) =>
  page.win.e2eConsole.filter((line) => ['error', 'uncaught', 'unhandledrejection'].includes(line.level));

describe('lifecycle (L1-L4, P4, M4)', function () {
  this.timeout(90_000);
  beforeEach(resetEmulator);
  afterEach(closePages);

  it('L1: a network drop keeps the same client, shows reconnecting then connected, and loses or doubles no message', async () => {
    const { alice, a, b } = await openPair('l1');
    const client = a.widget.client;
    const tokensBefore = (await tokenRequests())[alice];
    const eventsBefore = a.win.e2eEvents.length;

    // The network goes down for alice: sockets destroyed, no close frame, reconnects held 3 s.
    const dropped = await admin<{ dropped: number }>('POST', `/admin/drop?identity=${alice}&holdMs=3000`);
    expect(dropped.dropped).to.equal(1);
    await waitUntil(() => a.widget.state.connection === 'reconnecting', 'alice sees reconnecting', { timeout: 10_000 });
    expect(deepText(a.widget)).to.include('Reconnecting');

    // Meanwhile bob writes, and alice writes too (her message waits in the outbox).
    const sent = ['while you were away 1', 'while you were away 2', 'while you were away 3'];
    for (const text of sent) await typeAndSend(b, text);
    await typeAndSend(a, 'alice, written offline');
    await waitUntil(() => (b.widget.state.outbox[b.widget.state.activeChannelSid!] ?? []).length === 0, 'bob sent', {
      timeout: 10_000,
    });

    await waitUntil(() => a.widget.state.connection === 'connected', 'alice reconnected', { timeout: 30_000 });
    const all = [...sent, 'alice, written offline'];
    await waitUntil(() => all.every((text) => messageBodies(a).includes(text)), 'alice sees the missed messages', {
      timeout: 20_000,
    });
    await waitUntil(() => messageBodies(b).includes('alice, written offline'), 'bob got the offline message', {
      timeout: 20_000,
    });
    // Replays settle: nothing shows up twice, on either side.
    await quietPeriod(1500);
    for (const [who, page] of [
      ['alice', a],
      ['bob', b],
    ] as const) {
      const seen = counts(messageBodies(page));
      for (const text of all) expect(seen[text], `${who}: "${text}"`).to.equal(1);
      const items = page.widget.state.messages[page.widget.state.activeChannelSid!].items;
      expect(new Set(items.map((m) => m.sid)).size, `${who}: unique messages in state`).to.equal(items.length);
    }

    // The same client went through it all; no new token, one live connection.
    expect(a.widget.client === client, 'the same client object').to.equal(true);
    expect((await tokenRequests())[alice]).to.equal(tokensBefore);
    expect((await connections())[alice]).to.equal(1);
    const changes = a.win.e2eEvents
      .slice(eventsBefore)
      .filter((e) => e.type === 'chat-connection-change')
      .map((e) => e.state);
    expect(changes[0]).to.equal('reconnecting');
    expect(changes[changes.length - 1]).to.equal('connected');
    expect(changes).to.not.include('connecting');
    expect(deepText(a.widget)).to.not.include('Reconnecting');

    // And sending works after it.
    await typeAndSend(a, 'back online');
    await waitUntil(() => messageBodies(b).includes('back online'), 'bob gets the next message', { timeout: 10_000 });
  });

  it('L1: a drop while the SDK fetches in the background leaves the host page no error, and loses nothing', async () => {
    const { alice, a, b } = await openPair('l1-bg');
    await settled(alice);
    const client = a.widget.client;
    // The network goes down exactly when alice's SDK fetches a channel she was just added to: a
    // request the SDK starts by itself and awaits nowhere.
    const since = await lastSeq();
    await admin('POST', `/admin/drop?identity=${alice}&onRequest=/v3/Documents/&holdMs=500`);
    const room = await sdk(b).createChannel({ uniqueName: uid('l1-bg-room'), friendlyName: 'Added during a drop' });
    await room.join();
    await room.add(alice);

    const listed = () => a.widget.state.channels.filter((c) => c.sid === room.sid);
    await waitUntil(() => listed().length > 0, 'alice has the new channel', { timeout: 30_000 });
    await waitUntil(() => a.widget.state.connection === 'connected', 'alice reconnected', { timeout: 30_000 });
    const lost = (await requests({ identity: alice, since })).filter((r) => r.status === 'dropped');
    expect(lost.map((r) => r.path)).to.deep.equal([`/v3/Documents/${room.sid}.channel`]);
    expect(a.widget.client === client, 'the same client object').to.equal(true);
    await quietPeriod(500);
    expect(problems(a)).to.deep.equal([]);
    expect(listed()).to.have.length(1);
    expect(listed()[0].friendlyName).to.equal('Added during a drop');
  });

  for (const [moment, onRequest] of [
    ['while the SDK initializes (it gives up: failed)', '/v3/Maps/'],
    ['while the SDK lists the channels (that list stays broken)', '/Client/v1/Services/'],
  ] as const) {
    it(`L1: a drop ${moment} is overcome by one fresh client, same token, no error`, async () => {
      const alice = uid('alice');
      const [room] = await seed([{ uniqueName: uid('l1-start'), members: [alice] }]);
      const since = await lastSeq();
      await admin('POST', `/admin/drop?identity=${alice}&onRequest=${onRequest}`);
      const page = await openPage({ identity: alice });
      await waitReady(page, 40_000);
      await waitUntil(() => page.widget.state.channels.some((c) => c.sid === room.sid), 'her channel is listed');

      const lost = (await requests({ identity: alice, since })).filter((r) => r.status === 'dropped');
      expect(lost, 'one request was lost').to.have.length(1);
      expect(lost[0].path.startsWith(onRequest)).to.equal(true);
      expect((await tokenRequests())[alice], 'the cached token was used again').to.equal(1);
      expect((await connections())[alice], 'one live connection').to.equal(1);
      expect(events(page, 'chat-error')).to.deep.equal([]);
      expect(page.widget.state.error).to.equal(null);
      await quietPeriod(500);
      expect(problems(page)).to.deep.equal([]);
    });
  }

  it('L1: messages cut off by a drop while a channel opens load once the connection is back', async () => {
    const alice = uid('alice');
    const said = ['first', 'second', 'third'].map((word) => `${word} message`);
    const [room] = await seed([
      { uniqueName: uid('l1-open'), members: [alice], messages: said.map((body) => ({ author: alice, body })) },
    ]);
    const page = await openPage({ identity: alice });
    await waitReady(page);
    await waitUntil(() => channelRows(page).includes(room.sid), 'the channel is listed');
    await settled(alice);
    const client = page.widget.client;
    const since = await lastSeq();
    await admin('POST', `/admin/drop?identity=${alice}&onRequest=/v3/Lists/`);

    deepQueryAll<HTMLButtonElement>(page.widget, `button[data-sid="${room.sid}"]`)[0].click();
    await waitUntil(() => said.every((text) => messageBodies(page).includes(text)), 'the messages are shown', {
      timeout: 30_000,
    });
    const lost = (await requests({ identity: alice, since })).filter((r) => r.status === 'dropped');
    expect(lost.map((r) => r.path)).to.have.length(1);
    expect(lost[0].path).to.match(/^\/v3\/Lists\/ES\w+\/Items$/);
    expect(page.widget.client === client, 'the same client object').to.equal(true);
    expect(page.widget.state.messages[room.sid].error).to.equal(null);
    expect(deepQueryAll(page.widget, 'chat-channel-view [part="error"]')).to.deep.equal([]);
    expect(counts(messageBodies(page))).to.deep.equal(Object.fromEntries(said.map((text) => [text, 1])));
    expect(problems(page)).to.deep.equal([]);
  });

  it('L1: a message whose send was cut off by a drop is sent once the connection is back, exactly once', async () => {
    const { alice, a, b } = await openPair('l1-send');
    const channelSid = a.widget.state.activeChannelSid!;
    await settled(alice);
    const client = a.widget.client;
    const service = await chatServicePath(alice);
    const since = await lastSeq();
    await admin('POST', `/admin/drop?identity=${alice}&onRequest=${service}/Conversations/${channelSid}/Messages`);

    await typeAndSend(a, 'cut off on its way');
    await waitUntil(() => messageBodies(b).includes('cut off on its way'), 'bob gets it', { timeout: 30_000 });
    await waitUntil(() => (a.widget.state.outbox[channelSid] ?? []).length === 0, 'alice sees it sent', {
      timeout: 10_000,
    });
    await quietPeriod(1500);
    const lost = (await requests({ identity: alice, since })).filter((r) => r.status === 'dropped');
    expect(lost.map((r) => r.method)).to.deep.equal(['POST']);
    expect(counts(messageBodies(a))['cut off on its way']).to.equal(1);
    expect(counts(messageBodies(b))['cut off on its way']).to.equal(1);
    expect(a.widget.client === client, 'the same client object').to.equal(true);
    expect(events(a, 'chat-error')).to.deep.equal([]);
    expect(problems(a)).to.deep.equal([]);
  });

  it('L1, J5: a read horizon cut off by a drop reaches the service after the reconnect', async () => {
    const { alice, a, b } = await openPair('l1-seen');
    const channelSid = a.widget.state.activeChannelSid!;
    await settled(alice);
    const service = await chatServicePath(alice);
    const since = await lastSeq();
    await admin(
      'POST',
      `/admin/drop?identity=${alice}&onRequest=${service}/Users/${alice}/Conversations/${channelSid}`,
    );

    // Bob writes; alice has the channel open at the bottom, so she reads it at once.
    await typeAndSend(b, 'read while the network blinks');
    await waitUntil(() => messageBodies(a).includes('read while the network blinks'), 'alice sees it', {
      timeout: 15_000,
    });
    await waitUntil(
      async () => (await requests({ identity: alice, since })).some((r) => r.status === 'dropped'),
      'the horizon request was lost',
    );
    await waitUntil(() => a.widget.state.connection === 'connected', 'alice reconnected', { timeout: 30_000 });
    await waitUntil(
      async () =>
        (await requests({ identity: alice, since })).some(
          (r) => r.method === 'POST' && r.path.endsWith(`/Conversations/${channelSid}`) && r.status === 200,
        ),
      'the horizon is sent again',
      { timeout: 15_000 },
    );

    // What the service kept is what a reload shows: nothing unread.
    const again = await a.reload();
    await waitReady(again);
    expect(again.widget.state.unreadTotal).to.equal(0);
    expect(problems(again)).to.deep.equal([]);
  });

  it('L2: hidden/visible and pagehide/pageshow keep the same client, token and connection', async () => {
    const { alice, a, b } = await openPair('l2');
    const client = a.widget.client;
    const tokensBefore = (await tokenRequests())[alice];
    const idsBefore = await connectionIds(alice);
    expect(idsBefore).to.have.length(1);

    setVisibility(a, 'hidden');
    a.win.dispatchEvent(new a.win.PageTransitionEvent('pagehide', { persisted: true }));
    // Longer than any grace period the widget has: a background tab must not lose its client.
    await quietPeriod(2000);
    expect(a.widget.client === client, 'the same client object').to.equal(true);
    expect(await connectionIds(alice)).to.deep.equal(idsBefore);
    await typeAndSend(b, 'while hidden');

    a.win.dispatchEvent(new a.win.PageTransitionEvent('pageshow', { persisted: true }));
    setVisibility(a, 'visible');
    await waitUntil(() => messageBodies(a).includes('while hidden'), 'alice got the message', { timeout: 10_000 });
    await quietPeriod(1000);

    expect(a.widget.client === client, 'the same client object').to.equal(true);
    expect(a.widget.state.connection).to.equal('connected');
    expect((await tokenRequests())[alice]).to.equal(tokensBefore);
    expect(await connectionIds(alice)).to.deep.equal(idsBefore);
    expect(
      a.win.performance.getEntriesByType('resource').filter((e) => e.name.includes('/__e2e/token')),
    ).to.have.length(1);
  });

  it('L3: moving the element keeps its client; removing it for good closes its connection', async () => {
    const alice = uid('alice');
    const a = await openPage({ identity: alice });
    await waitReady(a);
    const client = a.widget.client;
    const idsBefore = await connectionIds(alice);
    const tokensBefore = (await tokenRequests())[alice];

    // A framework re-parents the element: disconnected, then connected again in the same task.
    a.win.document.getElementById('elsewhere')!.append(a.widget);
    await quietPeriod(1500);
    expect(a.widget.client === client, 'the same client object').to.equal(true);
    expect(a.widget.state.phase).to.equal('ready');
    expect(await connectionIds(alice)).to.deep.equal(idsBefore);
    expect((await tokenRequests())[alice]).to.equal(tokensBefore);

    a.widget.remove();
    await waitUntil(async () => !(await connections())[alice], 'the removed widget closed its connection', {
      timeout: 15_000,
    });
    expect(a.widget.client === null, 'no client').to.equal(true);
  });

  it('L4: identities A → B → C in quick succession leave exactly one live client, C’s, and nothing of A or B', async () => {
    const [idA, idB, idC] = [uid('ann'), uid('ben'), uid('cat')];
    const seeded = await seed(
      [idA, idB, idC].map((id) => ({
        uniqueName: `room-of-${id}`,
        members: [id],
        messages: [{ author: id, body: `secret of ${id}` }],
      })),
    );
    const page = await openPage({ identity: idA, channel: `room-of-${idA}` });
    await waitUntil(() => page.widget.client !== null, 'A’s client exists', { timeout: 20_000 });
    const clientA = page.widget.client;

    page.widget.setAttribute('identity', idB);
    await waitUntil(() => page.widget.client !== null && page.widget.client !== clientA, 'B’s client exists', {
      timeout: 20_000,
    });
    const clientB = page.widget.client;
    page.widget.setAttribute('identity', idC);
    page.widget.setAttribute('channel', `room-of-${idC}`);
    await waitReady(page);
    await waitChannelOpen(page);

    expect(page.widget.state.identity).to.equal(idC);
    expect(page.widget.client !== clientA, 'a new client object').to.equal(true);
    expect(page.widget.client !== clientB, 'a new client object').to.equal(true);
    await waitUntil(
      async () => JSON.stringify(await connections()) === JSON.stringify({ [idC]: 1 }),
      'only C is connected',
      { timeout: 15_000 },
    );
    // No late connection of A or B shows up afterwards.
    await quietPeriod(2000);
    expect(await connections()).to.deep.equal({ [idC]: 1 });

    const text = deepText(page.widget);
    const json = JSON.stringify(page.widget.state);
    for (const id of [idA, idB]) {
      expect(text).to.not.include(id);
      expect(json).to.not.include(id);
    }
    expect(problems(page)).to.deep.equal([]);
    for (const channel of seeded.slice(0, 2)) expect(json).to.not.include(channel.sid);
    expect(messageBodies(page)).to.deep.equal([`secret of ${idC}`]);
    expect(events(page, 'chat-identity-change').map((e) => e.identity)).to.deep.equal([idB, idC]);
  });

  it('L4: an identity change right after the client initialized shuts it down without an error', async () => {
    const [idA, idB] = [uid('ann'), uid('ben')];
    await seed([
      { uniqueName: `room-of-${idA}`, members: [idA] },
      { uniqueName: `room-of-${idB}`, members: [idB] },
    ]);
    const page = await openPage({ identity: idA });
    // The SDK fetches the channel list by itself right after it initializes; a shutdown in
    // that window rejects inside the SDK unless the widget lets that fetch finish first.
    await waitUntil(() => page.widget.state.connection === 'connected', 'A connected', { timeout: 20_000 });
    page.widget.setAttribute('identity', idB);
    await waitReady(page);
    await waitUntil(
      async () => JSON.stringify(await connections()) === JSON.stringify({ [idB]: 1 }),
      'only B is connected',
      { timeout: 15_000 },
    );
    await quietPeriod(1500);
    expect(problems(page)).to.deep.equal([]);
  });
  it('P4: after an identity change no channel, message or member of the old client is in the state or on screen', async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    const carol = uid('carol');
    const seeded = await seed([
      {
        uniqueName: `p4-${alice}`,
        friendlyName: `Alice's room ${alice}`,
        members: [alice, bob],
        messages: [
          { author: bob, body: `bob to alice ${alice}` },
          { author: alice, body: `alice to bob ${alice}` },
        ],
      },
      { uniqueName: `p4-${carol}`, friendlyName: `Carol's room ${carol}`, members: [carol] },
    ]);
    const page = await openPage({ identity: alice, channel: `p4-${alice}` });
    await waitReady(page);
    await waitChannelOpen(page);
    await waitUntil(() => messageBodies(page).length === 2, 'alice sees her messages');
    expect(JSON.stringify(page.widget.state)).to.include(seeded[0].sid);

    page.widget.setAttribute('identity', carol);
    page.widget.removeAttribute('channel');
    await waitReady(page);
    await waitUntil(() => channelRows(page).length === 1, 'carol’s channel list');

    const json = JSON.stringify(page.widget.state);
    const text = deepText(page.widget);
    for (const old of [seeded[0].sid, `bob to alice ${alice}`, `alice to bob ${alice}`, `Alice's room`, alice, bob]) {
      expect(json, `state holds "${old}"`).to.not.include(old);
      expect(text, `screen shows "${old}"`).to.not.include(old);
    }
    expect(channelRows(page)).to.deep.equal([seeded[1].sid]);
    expect(page.widget.state.activeChannelSid).to.equal(null);
    expect(Object.keys(page.widget.state.messages)).to.deep.equal([]);
  });

  it('M4: the old client’s objects leave the state before its shutdown, and its connection then closes', async () => {
    const alice = uid('alice');
    const dave = uid('dave');
    const [room] = await seed([
      { uniqueName: `m4-${alice}`, members: [alice], messages: [{ author: alice, body: `note of ${alice}` }] },
    ]);
    const page = await openPage({ identity: alice, channel: `m4-${alice}` });
    await waitReady(page);
    await waitChannelOpen(page);
    const oldClient = page.widget.client as { connectionState: string };

    // Captured synchronously when the widget announces the change, i.e. before the old
    // client's shutdown (which runs after, in the background) could have finished.
    let atChange: { state: string; oldClientState: string } | null = null;
    page.widget.addEventListener('chat-identity-change', () => {
      atChange = { state: JSON.stringify(page.widget.state), oldClientState: oldClient.connectionState };
    });
    page.widget.setAttribute('identity', dave);
    await waitUntil(() => atChange !== null, 'chat-identity-change');
    const captured = atChange!;
    expect(captured.oldClientState, 'old client still up at the change').to.equal('connected');
    expect(captured.state).to.not.include(room.sid);
    expect(captured.state).to.not.include(`note of ${alice}`);
    expect(captured.state).to.not.include(alice);

    await waitUntil(async () => !(await connections())[alice], 'the old client was shut down', { timeout: 15_000 });
    await waitReady(page);
    expect(await connections()).to.deep.equal({ [dave]: 1 });

    // logout() releases the same way and leaves no client.
    await page.widget.logout();
    expect(page.widget.state.phase).to.equal('logged-out');
    expect(page.widget.state.channels).to.deep.equal([]);
    expect(page.widget.client === null, 'no client').to.equal(true);
    await waitUntil(async () => !(await connections())[dave], 'logout closed the connection', { timeout: 15_000 });
  });
});
