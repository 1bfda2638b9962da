import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/components/chat-channel-list/chat-channel-list.js';
import type { ChatChannelListElement } from '../../../src/components/chat-channel-list/chat-channel-list.js';
import type { ChatChannelSelectEvent } from '../../../src/events/request-events.js';
import type { ChatState } from '../../../src/state/types.js';
import { collect, makeChannel, makeState, setState } from './helpers.js';
import type { TestChatProviderElement } from './helpers.js';

const channels = [
  makeChannel({ sid: 'CH1', friendlyName: 'General', lastMessageIndex: 9, lastConsumedMessageIndex: 6 }),
  makeChannel({ sid: 'CH2', uniqueName: 'support', lastMessageIndex: 0, lastConsumedMessageIndex: 0 }),
  makeChannel({ sid: 'CH3' }),
];

async function mount(state: ChatState): Promise<[ChatChannelListElement, TestChatProviderElement]> {
  const provider = await fixture<TestChatProviderElement>(
    html`<test-chat-provider .state=${state}><chat-channel-list></chat-channel-list></test-chat-provider>`,
  );
  const el = provider.querySelector('chat-channel-list')!;
  await el.updateComplete;
  return [el, provider];
}

function rows(el: ChatChannelListElement): HTMLButtonElement[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('ul[role="list"] > li > button')];
}

describe('chat-channel-list', () => {
  it('says it is loading until the channels are loaded', async () => {
    const [el] = await mount(makeState({ channelsLoaded: false }));
    const status = el.shadowRoot!.querySelector('[role="status"]')!;
    expect(status.textContent).to.equal('Loading conversations…');
    expect(rows(el)).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it('says so when there are no channels', async () => {
    const [el] = await mount(makeState({ channelsLoaded: true }));
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.equal('No conversations yet.');
    await expect(el).to.be.accessible();
  });

  it('lists channels by friendly name, else unique name, else SID', async () => {
    const [el] = await mount(makeState({ channelsLoaded: true, channels }));
    expect(rows(el).map((row) => row.querySelector('.name')!.textContent)).to.deep.equal(['General', 'support', 'CH3']);
    await expect(el).to.be.accessible();
  });

  it('shows an unread badge with an accessible label', async () => {
    const [el] = await mount(makeState({ channelsLoaded: true, channels }));
    const [general, support] = rows(el);
    expect(general.querySelector('[part="badge"]')!.textContent).to.equal('3');
    expect(general.textContent).to.contain('3 unread messages');
    expect(support.querySelector('[part="badge"]')).to.equal(null);
  });

  it('marks the active channel with aria-current', async () => {
    const [el, provider] = await mount(makeState({ channelsLoaded: true, channels, activeChannelSid: 'CH2' }));
    expect(rows(el).map((row) => row.getAttribute('aria-current'))).to.deep.equal(['false', 'true', 'false']);
    await setState(provider, makeState({ channelsLoaded: true, channels, activeChannelSid: 'CH3' }), el);
    expect(rows(el).map((row) => row.getAttribute('aria-current'))).to.deep.equal(['false', 'false', 'true']);
  });

  it('selects a channel on click', async () => {
    const [el] = await mount(makeState({ channelsLoaded: true, channels }));
    const selected = oneEvent(el, 'chat-channel-select') as Promise<ChatChannelSelectEvent>;
    rows(el)[1].click();
    expect((await selected).channelSid).to.equal('CH2');
  });

  it('moves focus with the arrow keys, Home and End, and selects with Enter and Space', async () => {
    const [el] = await mount(makeState({ channelsLoaded: true, channels }));
    const selects = collect<ChatChannelSelectEvent>(el, 'chat-channel-select');
    const focused = () => el.shadowRoot!.activeElement;
    expect(rows(el).map((row) => row.tabIndex)).to.deep.equal([0, -1, -1]);
    rows(el)[0].focus();
    await sendKeys({ press: 'ArrowDown' });
    expect(focused()).to.equal(rows(el)[1]);
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    expect(focused()).to.equal(rows(el)[2]);
    await sendKeys({ press: 'ArrowUp' });
    expect(focused()).to.equal(rows(el)[1]);
    await el.updateComplete;
    expect(rows(el).map((row) => row.tabIndex)).to.deep.equal([-1, 0, -1]);
    await sendKeys({ press: 'End' });
    expect(focused()).to.equal(rows(el)[2]);
    await sendKeys({ press: 'Home' });
    expect(focused()).to.equal(rows(el)[0]);
    await sendKeys({ press: 'Enter' });
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Space' });
    expect(selects.map((event) => event.channelSid)).to.deep.equal(['CH1', 'CH2']);
  });

  it('puts the Tab stop on the active channel', async () => {
    const [el] = await mount(makeState({ channelsLoaded: true, channels, activeChannelSid: 'CH3' }));
    expect(rows(el).map((row) => row.tabIndex)).to.deep.equal([-1, -1, 0]);
  });
});
