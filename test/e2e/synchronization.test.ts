// M1-M3: nothing is asked of the client or a channel before it has synchronized, and an edit
// shows as pending until the service's own update event brings it.
import { expect, waitUntil } from '@open-wc/testing';
import {
  admin,
  channelRows,
  closePages,
  deepQueryAll,
  lastSeq,
  messageElements,
  openPage,
  requests,
  resetEmulator,
  seed,
  uid,
  waitChannelOpen,
  waitReady,
} from './helpers.js';
import type { Page, UpstreamRequest } from './helpers.js';

interface Sample {
  readonly phase: string;
  readonly loading: boolean;
  readonly rows: number;
  readonly messages: number;
}

/** Samples what the visitor sees on every frame until `done`. */
function sampleEveryFrame(page: Page, done: () => boolean): Promise<Sample[]> {
  const samples: Sample[] = [];
  return new Promise((resolve) => {
    const tick = () => {
      samples.push({
        phase: page.widget.state.phase,
        loading: !!page.widget.shadowRoot?.querySelector('.loading'),
        rows: channelRows(page).length,
        messages: messageElements(page).length,
      });
      if (done()) resolve(samples);
      else requestAnimationFrame(tick);
    };
    tick();
  });
}

const isChannelOrMessageCall = (identity: string) => (r: UpstreamRequest) =>
  r.path.includes(`/Users/${identity}/Conversations`) ||
  /\/Conversations\/[^/]+/.test(r.path) ||
  /^\/v3\/Lists\/[^/]+\/Items$/.test(r.path);

function messageText(message: HTMLElement): { body: string; status: string } {
  const root = message.shadowRoot!;
  return {
    body: root.querySelector('.body')?.textContent?.trim() ?? '',
    status: root.querySelector('[part="status"]')?.textContent?.trim() ?? '',
  };
}

describe('synchronization (M1-M3)', function () {
  this.timeout(90_000);
  beforeEach(resetEmulator);
  afterEach(closePages);

  it('M1: no channel or message request before the client is initialized; the UI shows loading until then', async () => {
    const alice = uid('alice');
    await seed([{ uniqueName: `m1-${alice}`, members: [alice], messageCount: 5, author: alice }]);
    const page = await openPage({ identity: alice });
    const samples = await sampleEveryFrame(
      page,
      () => page.widget.state.phase === 'ready' && channelRows(page).length > 0,
    );
    await waitReady(page);

    const calls = await requests({ identity: alice });
    const init = calls.filter((r) => r.path === '/Client/v1/Configuration' || /^\/v3\/Maps\/[^/]+$/.test(r.path));
    const first = calls.find(isChannelOrMessageCall(alice));
    expect(init.length, 'Configuration and the user/channel maps').to.be.greaterThan(2);
    expect(first, 'the channel list was fetched').to.not.equal(undefined);
    expect(calls[0].path).to.equal('/Client/v1/Configuration');
    // Configuration, then the user's own maps (user info, my channels), then channel requests.
    const initSeqs = init.slice(0, 3).map((r) => r.seq);
    for (const seq of initSeqs) expect(first!.seq).to.be.greaterThan(seq);

    const before = samples.filter((s) => s.phase !== 'ready');
    expect(before.length, 'frames before ready').to.be.greaterThan(0);
    for (const sample of before) {
      expect(sample.rows, 'no channel rows before ready').to.equal(0);
      if (sample.phase === 'authorizing' || sample.phase === 'connecting') expect(sample.loading).to.equal(true);
    }
  });

  it('M2: a channel’s messages are fetched only after the channel has synchronized', async () => {
    const alice = uid('alice');
    const [room] = await seed([{ uniqueName: `m2-${alice}`, members: [alice], messageCount: 40, author: alice }]);
    const page = await openPage({ identity: alice, channel: `m2-${alice}` });
    await waitChannelOpen(page);

    const calls = await requests({ identity: alice });
    const channelDoc = calls.findIndex((r) => r.method === 'GET' && r.path === `/v3/Documents/${room.sid}.channel`);
    const messages = calls.findIndex((r) => /^\/v3\/Lists\/[^/]+\/Items$/.test(r.path));
    expect(channelDoc, 'the channel document was read').to.be.greaterThan(-1);
    expect(messages, 'messages fetched after the channel synchronized').to.be.greaterThan(channelDoc);
    await waitUntil(() => messageElements(page).length === 30, 'the newest page on screen');
  });

  it('M3: an edit and a removal stay pending until messageUpdated / messageRemoved arrive', async () => {
    const alice = uid('alice');
    const channel = `m3-${alice}`;
    await seed([
      {
        uniqueName: channel,
        members: [alice],
        messages: [
          { author: alice, body: 'first draft' },
          { author: alice, body: 'to be deleted' },
        ],
      },
    ]);
    const page = await openPage({ identity: alice, channel });
    await waitReady(page);
    await waitChannelOpen(page);
    await waitUntil(() => messageElements(page).length === 2, 'two messages');
    await admin('POST', '/admin/delay?ms=3000');
    const since = await lastSeq();

    // Alice edits her message through the UI.
    const [target] = messageElements(page);
    target.shadowRoot!.querySelector<HTMLButtonElement>('.edit-button')!.click();
    await waitUntil(() => target.shadowRoot!.querySelector('textarea'), 'the editor');
    target.shadowRoot!.querySelector('textarea')!.value = 'final text';
    deepQueryAll<HTMLButtonElement>(target.shadowRoot!, '.editor button')[0].click();

    await waitUntil(() => messageText(target).status === 'Saving…', 'pending edit shown');
    expect(messageText(target).body).to.equal('final text');
    // The service has accepted the edit (REST reply), but its event is held back: still pending.
    await waitUntil(
      async () =>
        (await requests({ since })).some(
          (r) => r.method === 'POST' && /\/Messages\/IM/.test(r.path) && r.status === 200,
        ),
      'the update request was answered',
    );
    await page.widget.updateComplete;
    expect(messageText(target).status, 'pending after the REST reply').to.equal('Saving…');
    expect(page.widget.state.messages[page.widget.state.activeChannelSid!].items[0]).to.include({ pending: 'editing' });

    await waitUntil(() => messageText(target).status === '', 'messageUpdated arrived', { timeout: 15_000 });
    expect(messageText(target).body).to.equal('final text');

    // The same for a removal: the message stays, marked, until messageRemoved.
    const [, doomed] = messageElements(page);
    doomed.shadowRoot!.querySelector<HTMLButtonElement>('.delete-button')!.click();
    await waitUntil(() => doomed.shadowRoot!.querySelector('.confirm-delete-button'), 'confirm');
    doomed.shadowRoot!.querySelector<HTMLButtonElement>('.confirm-delete-button')!.click();
    await waitUntil(() => messageText(doomed).status === 'Deleting…', 'pending removal shown');
    await waitUntil(
      async () => (await requests({ since })).some((r) => r.method === 'DELETE' && /\/Messages\/IM/.test(r.path)),
      'the delete request was answered',
    );
    expect(messageElements(page)).to.have.length(2);
    await waitUntil(() => messageElements(page).length === 1, 'messageRemoved arrived', { timeout: 15_000 });
  });
});
