import { expect, waitUntil } from '@open-wc/testing';
import { nextEvent as oneEvent } from '../helpers/events.js';
import { ChatWidgetElement } from '../../src/chat-widget.js';
import type { ChatClientFactory } from '../../src/services/port.js';
import { channel, fakeFactory } from '../helpers/fake-client.js';
import { makeToken } from '../helpers/jwt.js';

/** A widget on a fake client (through the port) and a fetchToken hook; no network. */
function createWidget(
  attributes: Record<string, string> = {},
  channels = [channel('CH1', { friendlyName: 'General', lastMessageIndex: 2 })],
) {
  const fakes = fakeFactory((client) => {
    client.channels = channels;
    queueMicrotask(() => client.initialize());
  });
  const tokenRequests: (string | null)[] = [];
  const widget = new ChatWidgetElement(() => Promise.resolve(fakes.factory as ChatClientFactory));
  widget.fetchToken = async (identity) => {
    tokenRequests.push(identity);
    return makeToken({ identity: identity ?? 'guest' });
  };
  for (const [name, value] of Object.entries({ identity: 'alice', ...attributes })) widget.setAttribute(name, value);
  return { widget, fakes, tokenRequests };
}

const mounted: Element[] = [];
function mount<T extends Element>(element: T, parent: Element = document.body): T {
  parent.append(element);
  mounted.push(element);
  return element;
}

describe('<chat-widget>', () => {
  afterEach(async () => {
    for (const element of mounted.splice(0)) {
      if (element instanceof ChatWidgetElement) await element.logout();
      element.remove();
    }
    sessionStorage.clear();
    localStorage.removeItem('chat-widget:push');
  });

  it('fires chat-ready and shows the channel list with its unread badge', async () => {
    const { widget } = createWidget();
    const ready = oneEvent(widget, 'chat-ready');
    mount(widget);
    const event = await ready;
    expect(event.identity).to.equal('alice');
    await widget.updateComplete;
    expect(widget.state.unreadTotal).to.equal(3);
    const launcher = widget.shadowRoot!.querySelector('.launcher')!;
    expect(launcher.getAttribute('aria-label')).to.contain('3 unread messages');
    expect(widget.shadowRoot!.querySelector('.badge')!.textContent).to.equal('3');
  });

  it('is accessible closed, open, and inline', async () => {
    const { widget } = createWidget();
    mount(widget);
    await oneEvent(widget, 'chat-ready');
    await expect(widget).to.be.accessible();
    widget.open();
    await widget.updateComplete;
    expect(widget.hasAttribute('open')).to.equal(true);
    await expect(widget).to.be.accessible();
    const inline = createWidget({ mode: 'inline', identity: 'bob' }).widget;
    mount(inline);
    await oneEvent(inline, 'chat-ready');
    await expect(inline).to.be.accessible();
  });

  it('opens with the launcher, closes with Escape and returns focus to the launcher', async () => {
    const { widget } = createWidget();
    mount(widget);
    await widget.updateComplete;
    const launcher = widget.shadowRoot!.querySelector<HTMLButtonElement>('.launcher')!;
    const panel = widget.shadowRoot!.querySelector<HTMLElement>('.panel')!;
    expect(panel.hidden).to.equal(true);
    launcher.click();
    await widget.updateComplete;
    expect(panel.hidden).to.equal(false);
    expect(launcher.getAttribute('aria-expanded')).to.equal('true');
    panel.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await widget.updateComplete;
    expect(panel.hidden).to.equal(true);
    expect(widget.shadowRoot!.activeElement).to.equal(launcher);
  });

  it('L3: a move to another parent keeps the client; removal shuts it down after a grace period', async () => {
    const { widget, fakes } = createWidget();
    mount(widget);
    await oneEvent(widget, 'chat-ready');
    const other = mount(document.createElement('div'));
    other.append(widget);
    await new Promise((r) => setTimeout(r, 1200));
    expect(fakes.clients).to.have.length(1);
    expect(fakes.clients[0].isShutDown).to.equal(false);
    widget.remove();
    await waitUntil(() => fakes.clients[0].isShutDown, 'shut down after removal', { timeout: 3000 });
    expect(fakes.clients).to.have.length(1);
  });

  it('L3: logout() shuts the client down, says so, and tells the host page', async () => {
    const { widget, fakes } = createWidget({ mode: 'inline' });
    mount(widget);
    await oneEvent(widget, 'chat-ready');
    const change = oneEvent(widget, 'chat-identity-change');
    await widget.logout();
    expect((await change).identity).to.equal(null);
    await widget.updateComplete;
    expect(fakes.clients[0].isShutDown).to.equal(true);
    expect(widget.client).to.equal(null);
    expect(widget.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain('You are signed out.');
    await expect(widget).to.be.accessible();
  });

  it('L2: page hidden/visible and pagehide/pageshow keep the client and fetch no token', async () => {
    const { widget, fakes, tokenRequests } = createWidget();
    mount(widget);
    await oneEvent(widget, 'chat-ready');
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new Event('offline'));
    window.dispatchEvent(new Event('online'));
    await new Promise((r) => setTimeout(r, 100));
    expect(fakes.clients).to.have.length(1);
    expect(fakes.clients[0].isShutDown).to.equal(false);
    expect(tokenRequests).to.deep.equal(['alice']);
  });

  it('L4: identity A → B → C leaves one live client, C, and nothing of A or B on screen', async () => {
    const { widget, fakes } = createWidget({}, []);
    mount(widget);
    await oneEvent(widget, 'chat-ready');
    const changes: (string | null)[] = [];
    widget.addEventListener('chat-identity-change', (e) => changes.push(e.identity));
    widget.identity = 'bob';
    await widget.updateComplete;
    widget.identity = 'carol';
    await oneEvent(widget, 'chat-ready');
    await widget.updateComplete;
    await waitUntil(() => fakes.live().length === 1);
    expect(fakes.live().map((c) => c.identity)).to.deep.equal(['carol']);
    expect(changes).to.deep.equal(['bob', 'carol']);
    const text = widget.shadowRoot!.textContent ?? '';
    expect(text).to.contain('carol');
    expect(text).not.to.contain('alice');
    expect(text).not.to.contain('bob');
  });

  it('T2: refuses a short-lived token with a clear error and creates no client', async () => {
    const { widget, fakes } = createWidget({ mode: 'inline' });
    widget.fetchToken = async () => makeToken({ identity: 'alice', ttl: 120 });
    const error = oneEvent(widget, 'chat-error');
    mount(widget);
    const event = await error;
    expect(event.code).to.equal('token-ttl-too-short');
    expect(event.message).to.contain('2 minutes');
    await widget.updateComplete;
    expect(widget.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('2 minutes');
    expect(fakes.clients).to.have.length(0);
    await expect(widget).to.be.accessible();
  });

  it('fires chat-connection-change and shows the banner while reconnecting', async () => {
    const { widget, fakes } = createWidget({ mode: 'inline' });
    mount(widget);
    await oneEvent(widget, 'chat-ready');
    const change = oneEvent(widget, 'chat-connection-change');
    fakes.clients[0].emit({ type: 'connection', state: 'connecting' });
    expect((await change).state).to.equal('reconnecting');
    expect(widget.state.connection).to.equal('reconnecting');
  });

  it('request events from the children do not reach the host page', async () => {
    const { widget } = createWidget({ mode: 'inline' });
    mount(widget);
    await oneEvent(widget, 'chat-ready');
    await widget.updateComplete;
    const leaked: string[] = [];
    const listener = (e: Event) => leaked.push(e.type);
    document.addEventListener('chat-channel-select', listener);
    const list = widget.shadowRoot!.querySelector('chat-channel-list')!;
    await (list as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    const row = list.shadowRoot!.querySelector('button')!;
    row.click();
    await waitUntil(() => widget.state.activeChannelSid === 'CH1');
    document.removeEventListener('chat-channel-select', listener);
    expect(leaked).to.deep.equal([]);
  });

  it('reads client-options as JSON and reports a malformed value without throwing', async () => {
    const { widget } = createWidget({ 'client-options': '{"region":"ie1"}' });
    expect(widget.clientOptions).to.deep.equal({ region: 'ie1' });
    const warnings: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
    try {
      widget.setAttribute('client-options', '{not json');
    } finally {
      console.warn = warn;
    }
    expect(widget.clientOptions).to.deep.equal({});
    expect(warnings).to.deep.equal(['chat-widget: client-options must be a JSON object; ignored.']);
  });
});
