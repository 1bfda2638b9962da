// J1-J5: channels listened to before they are paged and kept once each; messages fetched per
// opened channel, page by page; unread counts from the channel's own indices.
import { expect, waitUntil } from '@open-wc/testing';
import {
  channelRows,
  closePages,
  deepQueryAll,
  deepText,
  events,
  lastSeq,
  messageBodies,
  openPage,
  quietPeriod,
  requests,
  resetEmulator,
  setVisibility,
  sdk,
  seed,
  typeAndSend,
  uid,
  waitChannelOpen,
  waitReady,
} from './helpers.js';
import type { Page, UpstreamRequest } from './helpers.js';

const isChannelPage = (identity: string) => (r: UpstreamRequest) =>
  r.method === 'GET' && r.path.endsWith(`/Users/${identity}/Conversations`);
const isMessagePage = (r: UpstreamRequest) => r.method === 'GET' && /^\/v3\/Lists\/[^/]+\/Items$/.test(r.path);

function scrollHistoryToTop(page: Page): void {
  const [log] = deepQueryAll<HTMLElement>(page.widget, '[part="log"]');
  log.scrollTop = 0;
  log.dispatchEvent(new page.win.Event('scroll'));
}

describe('channels and messages (J1-J5)', function () {
  this.timeout(90_000);
  beforeEach(resetEmulator);
  afterEach(closePages);

  it('J1-J3: 120 subscribed channels, and channels added while the first page loads, are each listed exactly once', async () => {
    const alice = uid('alice');
    const first = await seed(
      Array.from({ length: 120 }, (_, i) => ({
        uniqueName: `j1-${alice}-${i}`,
        friendlyName: `Room ${i}`,
        members: [alice],
      })),
    );
    const page = await openPage({ identity: alice });
    // The moment the widget asks for its first page of channels, five more arrive.
    await waitUntil(
      async () => (await requests({ identity: alice })).some(isChannelPage(alice)),
      'first channel page',
      {
        timeout: 20_000,
        interval: 5,
      },
    );
    const readyAtAdd = events(page, 'chat-ready').length;
    const added = await seed(
      Array.from({ length: 5 }, (_, i) => ({
        uniqueName: `j1-${alice}-late-${i}`,
        friendlyName: `Late ${i}`,
        members: [alice],
      })),
    );
    const all = [...first, ...added].map((c) => c.sid);

    await waitReady(page);
    await waitUntil(() => channelRows(page).length >= all.length, 'every channel on screen', { timeout: 20_000 });
    await quietPeriod(1000);

    const sids = page.widget.state.channels.map((c) => c.sid);
    expect(sids, 'state: each channel once').to.have.length(all.length);
    expect(new Set(sids)).to.deep.equal(new Set(all));
    const rows = channelRows(page);
    expect(rows, 'screen: each channel once').to.have.length(all.length);
    expect(new Set(rows)).to.deep.equal(new Set(all));

    // The late channels arrived while the widget was still loading, and it paged (50 a page).
    expect(readyAtAdd, 'added before chat-ready').to.equal(0);
    expect((await requests({ identity: alice })).filter(isChannelPage(alice)).length, 'pages').to.be.greaterThan(2);
  });

  it('J4: opening a channel fetches only its newest page; scrolling up loads older pages; edits and removals update the loaded window', async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    const channel = `j4-${alice}`;
    await seed([{ uniqueName: channel, members: [alice, bob], messageCount: 500, author: bob }]);
    const other = await openPage({ identity: bob });
    await waitReady(other);
    const since = await lastSeq();

    const page = await openPage({ identity: alice, channel });
    await waitReady(page);
    const sid = await waitChannelOpen(page);
    await waitUntil(() => messageBodies(page).length === 30, 'the newest page on screen');
    let bodies = messageBodies(page);
    expect(bodies[0]).to.equal('Message 471');
    expect(bodies[29]).to.equal('Message 500');
    const pageRequests = async () => (await requests({ identity: alice, since })).filter(isMessagePage);
    expect(await pageRequests(), 'one page fetched on open').to.have.length(1);

    scrollHistoryToTop(page);
    await waitUntil(() => messageBodies(page).length === 60, 'an older page after scrolling up', { timeout: 15_000 });
    scrollHistoryToTop(page);
    await waitUntil(() => messageBodies(page).length === 90, 'another older page', { timeout: 15_000 });
    bodies = messageBodies(page);
    expect(bodies[0]).to.equal('Message 411');
    expect(new Set(bodies).size).to.equal(90);
    expect(await pageRequests(), 'three pages in all').to.have.length(3);

    // Bob edits and removes loaded messages, and edits one that alice never loaded.
    const bobChannel = await sdk(other).getChannelBySid(sid);
    const at = async (index: number) => (await bobChannel.getMessages(1, index)).items[0];
    await (await at(489)).updateBody('Message 490, edited by bob');
    await (await at(479)).remove();
    await (await at(9)).updateBody('Message 10, edited by bob');

    await waitUntil(
      () => messageBodies(page).includes('Message 490, edited by bob') && !messageBodies(page).includes('Message 480'),
      'the edit and the removal on screen',
      { timeout: 15_000 },
    );
    await quietPeriod(1000);
    bodies = messageBodies(page);
    expect(bodies).to.have.length(89);
    expect(bodies).to.not.include('Message 490');
    expect(bodies).to.not.include('Message 10, edited by bob');
    const items = page.widget.state.messages[sid].items;
    expect(items.map((m) => m.index)).to.not.include(9);
    expect(items.map((m) => m.index)).to.not.include(479);
    expect(await pageRequests(), 'no refetch for updates').to.have.length(3);
  });

  it('J5: unread badges follow the other person’s messages without polling, and the read horizon moves only when seen', async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    const channel = `j5-${alice}`;
    const [room] = await seed([{ uniqueName: channel, friendlyName: 'J5 room', members: [alice, bob] }]);
    const a = await openPage({ identity: alice, mode: 'launcher', open: true });
    const b = await openPage({ identity: bob, channel });
    await Promise.all([waitReady(a), waitReady(b), waitChannelOpen(b)]);
    const since = await lastSeq();

    for (const text of ['one', 'two', 'three']) await typeAndSend(b, text);
    const badge = () => deepQueryAll(a.widget, '[part="badge"]').map((el) => el.textContent?.trim());
    await waitUntil(() => a.widget.state.unreadTotal === 3, 'three unread', { timeout: 15_000 });
    await waitUntil(() => badge().length === 2 && badge().every((text) => text === '3'), 'launcher and row badges');
    expect(events(a, 'chat-unread-change').map((e) => e.total)).to.deep.equal([1, 2, 3]);
    expect(deepText(a.widget)).to.include('3 unread messages');

    const horizonCalls = async () =>
      (await requests({ identity: alice, since })).filter((r) =>
        r.path.endsWith(`/Users/${alice}/Conversations/${room.sid}`),
      );
    // Not seen yet: no horizon moved, and nothing polled the unconsumed count.
    expect(await horizonCalls()).to.deep.equal([]);

    // Alice opens the conversation: seen, badge gone, one horizon update.
    deepQueryAll<HTMLButtonElement>(a.widget, `button[data-sid="${room.sid}"]`)[0].click();
    await waitUntil(() => a.widget.state.unreadTotal === 0, 'read', { timeout: 15_000 });
    await waitUntil(async () => (await horizonCalls()).length === 1, 'horizon advanced', { timeout: 10_000 });
    expect((await horizonCalls()).map((r) => r.method)).to.deep.equal(['POST']);

    // The tab goes to the background: a new message is not seen, so the horizon stays.
    setVisibility(a, 'hidden');
    await typeAndSend(b, 'four');
    await waitUntil(() => messageBodies(a).includes('four'), 'arrived', { timeout: 10_000 });
    await quietPeriod(1000);
    expect(a.widget.state.unreadTotal).to.equal(1);
    expect(await horizonCalls()).to.have.length(1);
    setVisibility(a, 'visible');
    await waitUntil(() => a.widget.state.unreadTotal === 0, 'seen on return', { timeout: 10_000 });
    await waitUntil(async () => (await horizonCalls()).length === 2, 'horizon advanced again', { timeout: 10_000 });

    // In all of this, GET …/Users/<alice>/Conversations/<CH> (getUnconsumedMessagesCount) never ran.
    await quietPeriod(1000);
    expect((await horizonCalls()).filter((r) => r.method === 'GET')).to.deep.equal([]);
    expect(
      (await requests({ identity: alice, since })).filter((r) => r.method === 'GET' && r.service === 'chat'),
      'no chat REST reads at all while chatting',
    ).to.deep.equal([]);
  });
});
