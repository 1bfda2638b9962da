import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/components/chat-connection-status/chat-connection-status.js';
import type { ChatConnectionStatusElement } from '../../../src/components/chat-connection-status/chat-connection-status.js';
import { defaultStrings } from '../../../src/state/strings.js';
import type { ConnectionStatus } from '../../../src/state/types.js';
import './helpers.js';

function banner(el: ChatConnectionStatusElement): HTMLElement | null {
  return el.shadowRoot!.querySelector('[part="banner"]');
}

describe('chat-connection-status', () => {
  for (const status of ['connected', 'idle'] as ConnectionStatus[]) {
    it(`shows no box when ${status}`, async () => {
      const el = await fixture<ChatConnectionStatusElement>(
        html`<chat-connection-status .status=${status}></chat-connection-status>`,
      );
      expect(banner(el)).to.equal(null);
      expect(el.getBoundingClientRect().height).to.equal(0);
      await expect(el).to.be.accessible();
    });
  }

  for (const [status, tone] of [
    ['connecting', 'warning'],
    ['reconnecting', 'warning'],
    ['offline', 'warning'],
    ['denied', 'error'],
  ] as [ConnectionStatus, string][]) {
    it(`shows a ${tone} banner when ${status}`, async () => {
      const el = await fixture<ChatConnectionStatusElement>(
        html`<chat-connection-status .status=${status}></chat-connection-status>`,
      );
      const box = banner(el)!;
      expect(box.textContent).to.equal(defaultStrings.connection[status]);
      expect(box.classList.contains(tone)).to.equal(true);
      expect(box.closest('[role="status"]')).to.not.equal(null);
      expect(el.getBoundingClientRect().height).to.be.greaterThan(0);
      await expect(el).to.be.accessible();
    });
  }

  it('looks different for a warning and an error', async () => {
    const warning = await fixture<ChatConnectionStatusElement>(
      html`<chat-connection-status status="offline"></chat-connection-status>`,
    );
    const error = await fixture<ChatConnectionStatusElement>(
      html`<chat-connection-status status="denied"></chat-connection-status>`,
    );
    expect(getComputedStyle(banner(warning)!).backgroundColor).to.not.equal(
      getComputedStyle(banner(error)!).backgroundColor,
    );
  });

  it('keeps the live region in place when the banner comes and goes', async () => {
    const el = await fixture<ChatConnectionStatusElement>(
      html`<chat-connection-status status="connected"></chat-connection-status>`,
    );
    const region = el.shadowRoot!.querySelector('[role="status"]');
    el.status = 'reconnecting';
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="status"]')).to.equal(region);
    expect(region!.textContent!.trim()).to.equal(defaultStrings.connection.reconnecting);
  });

  it('uses the strings from context', async () => {
    const provider = await fixture(
      html`<test-chat-provider
        .strings=${{ ...defaultStrings, connection: { ...defaultStrings.connection, offline: 'Hors ligne' } }}
        ><chat-connection-status status="offline"></chat-connection-status
      ></test-chat-provider>`,
    );
    const el = provider.querySelector('chat-connection-status')!;
    await el.updateComplete;
    expect(banner(el)!.textContent).to.equal('Hors ligne');
  });
});
