import { aTimeout, expect, fixture, html, nextFrame, oneEvent, waitUntil } from '@open-wc/testing';
import '../../../src/components/chat-channel-view/chat-channel-view.js';
import type { ChatChannelViewElement } from '../../../src/components/chat-channel-view/chat-channel-view.js';
import type {
  ChatChannelSelectEvent,
  ChatHistoryRequestEvent,
  ChatMessagesSeenEvent,
} from '../../../src/events/request-events.js';
import type { ChannelMessages, ChatMessage, ChatState } from '../../../src/state/types.js';
import { collect, makeChannel, makeHistory, makeMessage, makeState, range, setState } from './helpers.js';
import type { TestChatProviderElement } from './helpers.js';

const channel = makeChannel({ sid: 'CH1', friendlyName: 'General', lastMessageIndex: 59 });

function stateWith(history: ChannelMessages | undefined, patch: Partial<ChatState> = {}): ChatState {
  return makeState({
    channelsLoaded: true,
    channels: [channel],
    activeChannelSid: 'CH1',
    messages: history ? { CH1: history } : {},
    ...patch,
  });
}

async function mount(state: ChatState, active = true): Promise<[ChatChannelViewElement, TestChatProviderElement]> {
  const provider = await fixture<TestChatProviderElement>(
    html`<test-chat-provider .state=${state}>
      <chat-channel-view style="height: 320px" channel-sid="CH1" ?active=${active}></chat-channel-view>
    </test-chat-provider>`,
  );
  const el = provider.querySelector('chat-channel-view')!;
  await el.updateComplete;
  return [el, provider];
}

function log(el: ChatChannelViewElement): HTMLElement {
  return el.shadowRoot!.querySelector('[role="log"]')!;
}

function distanceFromBottom(el: ChatChannelViewElement): number {
  const list = log(el);
  return list.scrollHeight - list.scrollTop - list.clientHeight;
}

function rendered(el: ChatChannelViewElement): string[] {
  return [...el.shadowRoot!.querySelectorAll('chat-message')].map((m) => m.message!.sid);
}

/** Scrolls the history as a person would and waits for the scroll event to be handled. */
async function scrollLogTo(el: ChatChannelViewElement, top: number): Promise<void> {
  const list = log(el);
  const scrolled = oneEvent(list, 'scroll');
  list.scrollTop = top;
  await scrolled;
  await el.updateComplete;
}

function messageTop(el: ChatChannelViewElement, sid: string): number {
  const message = [...el.shadowRoot!.querySelectorAll('chat-message')].find((m) => m.message!.sid === sid)!;
  return message.getBoundingClientRect().top - log(el).getBoundingClientRect().top;
}

describe('chat-channel-view', () => {
  describe('states', () => {
    it('says it is loading, with the log busy', async () => {
      const [el] = await mount(stateWith(makeHistory([], { loading: true })));
      expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.equal('Loading messages…');
      expect(log(el).getAttribute('aria-busy')).to.equal('true');
      await expect(el).to.be.accessible();
    });

    it('says so when the channel has no messages', async () => {
      const [el] = await mount(stateWith(makeHistory([])));
      expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.equal('No messages yet. Say hello!');
      expect(log(el).getAttribute('aria-busy')).to.equal('false');
      await expect(el).to.be.accessible();
    });

    it('shows the history then the outbox, the outbox as own messages', async () => {
      const outbox: ChatMessage[] = [
        makeMessage(-1, { sid: 'cid:a', author: 'alice', clientId: 'a', pending: 'sending', body: 'on its way' }),
        makeMessage(-1, { sid: 'cid:b', author: 'alice', clientId: 'b', pending: 'failed', body: 'lost' }),
      ];
      const items = [makeMessage(0), makeMessage(1, { author: 'alice' })];
      const [el] = await mount(stateWith(makeHistory(items), { outbox: { CH1: outbox } }));
      expect(rendered(el)).to.deep.equal(['IM0', 'IM1', 'cid:a', 'cid:b']);
      const own = [...el.shadowRoot!.querySelectorAll('chat-message')].map((m) => m.own);
      expect(own).to.deep.equal([false, true, true, true]);
      expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.equal('');
      expect(log(el).getAttribute('aria-label')).to.equal('General');
      expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('General');
      await expect(el).to.be.accessible();
    });

    it('shows a loading error with a Retry button that opens the channel again, and no "no messages"', async () => {
      const [el] = await mount(stateWith(makeHistory([], { error: 'Could not load messages.' })));
      const alert = el.shadowRoot!.querySelector('[role="alert"]')!;
      expect(alert.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Could not load messages. Retry');
      expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.equal('');
      await expect(el).to.be.accessible();
      const selected = oneEvent(el, 'chat-channel-select') as Promise<ChatChannelSelectEvent>;
      alert.querySelector<HTMLButtonElement>('[part="retry-button"]')!.click();
      expect((await selected).channelSid).to.equal('CH1');
    });

    it('Retry after older messages failed asks for the older page again', async () => {
      const [el] = await mount(stateWith(makeHistory(range(30, 59), { hasOlder: true, error: 'Dropped.' })));
      const requested = oneEvent(el, 'chat-history-request') as Promise<ChatHistoryRequestEvent>;
      el.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry-button"]')!.click();
      expect((await requested).channelSid).to.equal('CH1');
    });

    it('shows who is typing, without the visitor', async () => {
      const [el] = await mount(stateWith(makeHistory([]), { typing: { CH1: ['alice', 'bob'] } }));
      const indicator = el.shadowRoot!.querySelector('chat-typing-indicator')!;
      await indicator.updateComplete;
      expect(indicator.shadowRoot!.textContent).to.contain('bob is typing…');
    });

    it('the Back button asks to go back to the list', async () => {
      const [el] = await mount(stateWith(makeHistory([])));
      const back = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="back-button"]')!;
      expect(back.getAttribute('aria-label')).to.equal('Back to conversations');
      const selected = oneEvent(el, 'chat-channel-select') as Promise<ChatChannelSelectEvent>;
      back.click();
      expect((await selected).channelSid).to.equal(null);
    });
  });

  describe('scrolling', () => {
    it('starts at the bottom', async () => {
      const [el] = await mount(stateWith(makeHistory(range(0, 39))));
      expect(log(el).scrollHeight).to.be.greaterThan(log(el).clientHeight * 2);
      expect(distanceFromBottom(el)).to.be.lessThan(2);
    });

    it('stays at the bottom when messages arrive there', async () => {
      const [el, provider] = await mount(stateWith(makeHistory(range(0, 39))));
      await setState(provider, stateWith(makeHistory(range(0, 42))), el);
      expect(rendered(el)).to.have.length(43);
      expect(distanceFromBottom(el)).to.be.lessThan(2);
    });

    it('does not move while the visitor reads older messages', async () => {
      const [el, provider] = await mount(stateWith(makeHistory(range(0, 39))));
      await scrollLogTo(el, 400);
      const before = messageTop(el, 'IM10');
      await setState(provider, stateWith(makeHistory(range(0, 42))), el);
      expect(log(el).scrollTop).to.equal(400);
      expect(messageTop(el, 'IM10')).to.equal(before);
    });

    it('jumps to the bottom when the visitor sends', async () => {
      const [el, provider] = await mount(stateWith(makeHistory(range(0, 39))));
      await scrollLogTo(el, 400);
      const mine = makeMessage(-1, { sid: 'cid:x', author: 'alice', clientId: 'x', pending: 'sending' });
      await setState(provider, stateWith(makeHistory(range(0, 39)), { outbox: { CH1: [mine] } }), el);
      expect(distanceFromBottom(el)).to.be.lessThan(2);
    });

    it('asks for older messages at the top, once, only when there are some', async () => {
      const [el, provider] = await mount(stateWith(makeHistory(range(20, 59), { hasOlder: true })));
      const requests = collect<ChatHistoryRequestEvent>(el, 'chat-history-request');
      expect(requests).to.have.length(0);
      await scrollLogTo(el, 0);
      expect(requests.map((event) => event.channelSid)).to.deep.equal(['CH1']);
      await scrollLogTo(el, 1);
      expect(requests).to.have.length(1);
      await setState(provider, stateWith(makeHistory(range(20, 59), { hasOlder: true, loadingOlder: true })), el);
      expect(el.shadowRoot!.querySelector('[part="loading-older"]')!.textContent).to.equal('Loading older messages…');
      expect(log(el).getAttribute('aria-busy')).to.equal('true');
      await expect(el).to.be.accessible();
      await scrollLogTo(el, 2);
      expect(requests).to.have.length(1);
    });

    it('does not ask for older messages when there are none', async () => {
      const [el] = await mount(stateWith(makeHistory(range(0, 39), { hasOlder: false })));
      const requests = collect(el, 'chat-history-request');
      await scrollLogTo(el, 0);
      await aTimeout(50);
      expect(requests).to.have.length(0);
    });

    it('keeps the visible message in place when older ones are prepended', async () => {
      const [el, provider] = await mount(stateWith(makeHistory(range(20, 59), { hasOlder: true })));
      const requested = oneEvent(el, 'chat-history-request');
      await scrollLogTo(el, 0);
      await requested;
      await setState(provider, stateWith(makeHistory(range(20, 59), { hasOlder: true, loadingOlder: true })), el);
      const before = messageTop(el, 'IM20');
      await setState(provider, stateWith(makeHistory(range(0, 59), { hasOlder: false })), el);
      expect(rendered(el)[0]).to.equal('IM0');
      expect(Math.abs(messageTop(el, 'IM20') - before)).to.be.lessThan(2);
      expect(log(el).scrollTop).to.be.greaterThan(100);
    });

    it('asks for more when the first page does not fill the view', async () => {
      const [el] = await mount(stateWith(makeHistory([], { loading: true, hasOlder: true })));
      const requested = oneEvent(el, 'chat-history-request') as Promise<ChatHistoryRequestEvent>;
      el.closest('test-chat-provider')!.state = stateWith(makeHistory(range(58, 59), { hasOlder: true }));
      expect((await requested).channelSid).to.equal('CH1');
    });
  });

  describe('read state', () => {
    let hidden = false;
    before(() => {
      // Headless Chromium is always visible; the property is shadowed on the instance.
      Object.defineProperty(document, 'visibilityState', {
        configurable: true,
        get: () => (hidden ? 'hidden' : 'visible'),
      });
    });
    after(() => {
      delete (document as { visibilityState?: unknown }).visibilityState;
    });
    afterEach(() => {
      hidden = false;
    });

    it('reports the newest message seen when open, visible and at the bottom', async () => {
      const provider = await fixture<TestChatProviderElement>(
        html`<test-chat-provider .state=${stateWith(makeHistory(range(0, 39)))}></test-chat-provider>`,
      );
      const seen = oneEvent(provider, 'chat-messages-seen') as Promise<ChatMessagesSeenEvent>;
      const el = document.createElement('chat-channel-view');
      el.style.height = '320px';
      el.channelSid = 'CH1';
      el.active = true;
      provider.append(el);
      const event = await seen;
      expect([event.channelSid, event.index]).to.deep.equal(['CH1', 39]);
    });

    it('reports nothing while the panel is closed, and reports when it opens', async () => {
      const [el] = await mount(stateWith(makeHistory(range(0, 39))), false);
      const seen = collect<ChatMessagesSeenEvent>(el, 'chat-messages-seen');
      await nextFrame();
      expect(seen).to.have.length(0);
      el.active = true;
      await el.updateComplete;
      expect(seen.map((event) => event.index)).to.deep.equal([39]);
    });

    it('reports nothing while the tab is hidden, and reports when it shows', async () => {
      hidden = true;
      const [el] = await mount(stateWith(makeHistory(range(0, 39))));
      const seen = collect<ChatMessagesSeenEvent>(el, 'chat-messages-seen');
      await nextFrame();
      expect(seen).to.have.length(0);
      hidden = false;
      document.dispatchEvent(new Event('visibilitychange'));
      expect(seen.map((event) => event.index)).to.deep.equal([39]);
    });

    it('reports nothing while scrolled up, and reports on reaching the bottom', async () => {
      const [el, provider] = await mount(stateWith(makeHistory(range(0, 39))));
      const seen = collect<ChatMessagesSeenEvent>(el, 'chat-messages-seen');
      await scrollLogTo(el, 0);
      await setState(provider, stateWith(makeHistory(range(0, 41))), el);
      expect(seen).to.have.length(0);
      await scrollLogTo(el, log(el).scrollHeight);
      expect(seen.map((event) => event.index)).to.deep.equal([41]);
    });

    it('reports each index once, and new messages as they arrive at the bottom', async () => {
      const [el, provider] = await mount(stateWith(makeHistory(range(0, 39))));
      const seen = collect<ChatMessagesSeenEvent>(el, 'chat-messages-seen');
      await scrollLogTo(el, log(el).scrollTop - 5);
      document.dispatchEvent(new Event('visibilitychange'));
      await setState(provider, stateWith(makeHistory(range(0, 39)), { typing: { CH1: ['bob'] } }), el);
      expect(seen).to.have.length(0);
      await setState(provider, stateWith(makeHistory(range(0, 40))), el);
      await waitUntil(() => seen.length === 1);
      expect(seen[0].index).to.equal(40);
    });

    it('reports nothing the channel already has as read', async () => {
      const read = makeChannel({
        sid: 'CH1',
        friendlyName: 'General',
        lastMessageIndex: 39,
        lastConsumedMessageIndex: 39,
      });
      const [el] = await mount(stateWith(makeHistory(range(0, 39)), { channels: [read] }), false);
      const seen = collect(el, 'chat-messages-seen');
      el.active = true;
      await el.updateComplete;
      expect(seen).to.have.length(0);
    });
  });
});
