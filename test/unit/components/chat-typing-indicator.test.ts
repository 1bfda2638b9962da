import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/components/chat-typing-indicator/chat-typing-indicator.js';
import type { ChatTypingIndicatorElement } from '../../../src/components/chat-typing-indicator/chat-typing-indicator.js';

function region(el: ChatTypingIndicatorElement): HTMLElement {
  return el.shadowRoot!.querySelector('[aria-live="polite"]')!;
}

describe('chat-typing-indicator', () => {
  it('is empty when nobody types, with the live region already there', async () => {
    const el = await fixture<ChatTypingIndicatorElement>(html`<chat-typing-indicator></chat-typing-indicator>`);
    expect(region(el).textContent).to.equal('');
    await expect(el).to.be.accessible();
  });

  it('names one or two people, counts more', async () => {
    const el = await fixture<ChatTypingIndicatorElement>(
      html`<chat-typing-indicator .names=${['Bob']}></chat-typing-indicator>`,
    );
    const live = region(el);
    expect(live.textContent).to.equal('Bob is typing…');
    el.names = ['Bob', 'Carol'];
    await el.updateComplete;
    expect(live.textContent).to.equal('Bob and Carol are typing…');
    el.names = ['Bob', 'Carol', 'Dan'];
    await el.updateComplete;
    expect(live.textContent).to.equal('3 people are typing…');
    expect(region(el)).to.equal(live);
    await expect(el).to.be.accessible();
  });
});
