import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/components/chat-composer/chat-composer.js';
import type { ChatComposerElement } from '../../../src/components/chat-composer/chat-composer.js';
import type { ChatFileSendEvent, ChatMessageSendEvent, ChatTypingEvent } from '../../../src/events/request-events.js';
import { collect } from './helpers.js';

function field(el: ChatComposerElement): HTMLTextAreaElement {
  return el.shadowRoot!.querySelector('textarea')!;
}

async function composer(channelSid = 'CH1'): Promise<ChatComposerElement> {
  return fixture<ChatComposerElement>(html`<chat-composer .channelSid=${channelSid}></chat-composer>`);
}

async function typeInto(el: ChatComposerElement, text: string): Promise<void> {
  field(el).focus();
  await sendKeys({ type: text });
}

async function shiftEnter(): Promise<void> {
  await sendKeys({ down: 'Shift' });
  await sendKeys({ press: 'Enter' });
  await sendKeys({ up: 'Shift' });
}

describe('chat-composer', () => {
  it('sends a chosen file with the attach button, and not when disabled', async () => {
    const el = await composer();
    const input = el.shadowRoot!.querySelector<HTMLInputElement>('input[type=file]')!;
    expect(input.getAttribute('aria-label')).to.equal('Attach a file');
    const sent = collect<ChatFileSendEvent>(el, 'chat-file-send');
    const transfer = new DataTransfer();
    transfer.items.add(new File(['hello'], 'note.txt', { type: 'text/plain' }));
    input.files = transfer.files;
    input.dispatchEvent(new Event('change'));
    expect(sent.map((e) => [e.channelSid, e.file.name])).to.deep.equal([['CH1', 'note.txt']]);
    expect(input.value).to.equal('');
    el.disabled = true;
    await el.updateComplete;
    expect(input.disabled).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('has a labelled field and a Send button', async () => {
    const el = await composer();
    expect(field(el).getAttribute('aria-label')).to.equal('Message');
    expect(el.shadowRoot!.querySelector('button')!.textContent).to.equal('Send');
    await expect(el).to.be.accessible();
  });

  it('sends the trimmed text with Enter, clears the field and keeps focus', async () => {
    const el = await composer();
    await typeInto(el, '  hello there  ');
    const sent = oneEvent(el, 'chat-message-send') as Promise<ChatMessageSendEvent>;
    await sendKeys({ press: 'Enter' });
    const event = await sent;
    expect(event.channelSid).to.equal('CH1');
    expect(event.body).to.equal('hello there');
    expect(event.bubbles && event.composed).to.equal(true);
    expect(field(el).value).to.equal('');
    expect(el.shadowRoot!.activeElement).to.equal(field(el));
  });

  it('inserts a new line with Shift+Enter instead of sending', async () => {
    const el = await composer();
    const sends = collect(el, 'chat-message-send');
    await typeInto(el, 'line one');
    await shiftEnter();
    await sendKeys({ type: 'line two' });
    expect(sends).to.have.length(0);
    expect(field(el).value).to.equal('line one\nline two');
    await sendKeys({ press: 'Enter' });
    expect(sends).to.have.length(1);
    expect((sends[0] as ChatMessageSendEvent).body).to.equal('line one\nline two');
  });

  it('does not send the Enter that confirms an IME composition', async () => {
    const el = await composer();
    const sends = collect(el, 'chat-message-send');
    field(el).value = 'にほんご';
    const composing = new KeyboardEvent('keydown', {
      key: 'Enter',
      isComposing: true,
      bubbles: true,
      cancelable: true,
    });
    field(el).dispatchEvent(composing);
    const safari = new KeyboardEvent('keydown', { key: 'Enter', keyCode: 229, bubbles: true, cancelable: true });
    field(el).dispatchEvent(safari);
    expect(sends).to.have.length(0);
    expect(composing.defaultPrevented).to.equal(false);
    expect(field(el).value).to.equal('にほんご');
    field(el).dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    expect(sends).to.have.length(1);
  });

  it('sends nothing for blank text', async () => {
    const el = await composer();
    const sends = collect(el, 'chat-message-send');
    await typeInto(el, '   ');
    await sendKeys({ press: 'Enter' });
    el.shadowRoot!.querySelector('button')!.click();
    expect(sends).to.have.length(0);
  });

  it('sends with the Send button', async () => {
    const el = await composer();
    await typeInto(el, 'by click');
    const sent = oneEvent(el, 'chat-message-send') as Promise<ChatMessageSendEvent>;
    el.shadowRoot!.querySelector('button')!.click();
    expect((await sent).body).to.equal('by click');
    expect(field(el).value).to.equal('');
  });

  it('keeps the text when disabled, and does not send it', async () => {
    const el = await composer();
    const sends = collect(el, 'chat-message-send');
    await typeInto(el, 'draft');
    el.disabled = true;
    await el.updateComplete;
    el.shadowRoot!.querySelector('button')!.click();
    field(el).dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    expect(sends).to.have.length(0);
    expect(field(el).value).to.equal('draft');
    await expect(el).to.be.accessible();
    el.disabled = false;
    await el.updateComplete;
    expect(field(el).value).to.equal('draft');
  });

  it('keeps a draft per channel', async () => {
    const el = await composer('CH1');
    await typeInto(el, 'for one');
    el.channelSid = 'CH2';
    await el.updateComplete;
    expect(field(el).value).to.equal('');
    await typeInto(el, 'for two');
    el.channelSid = 'CH1';
    await el.updateComplete;
    expect(field(el).value).to.equal('for one');
    el.channelSid = 'CH2';
    await el.updateComplete;
    expect(field(el).value).to.equal('for two');
  });

  it('fires chat-typing on input, at most once per two seconds', async () => {
    const el = await composer();
    const typing = collect<ChatTypingEvent>(el, 'chat-typing');
    await typeInto(el, 'abc');
    expect(typing).to.have.length(1);
    expect(typing[0].channelSid).to.equal('CH1');
  });

  it('grows with the text up to a maximum', async () => {
    const el = await composer();
    const start = field(el).offsetHeight;
    await typeInto(el, 'a');
    for (let i = 0; i < 3; i++) await shiftEnter();
    const grown = field(el).offsetHeight;
    expect(grown).to.be.greaterThan(start);
    for (let i = 0; i < 30; i++) await shiftEnter();
    const capped = field(el).offsetHeight;
    expect(capped).to.be.lessThan(start * 10);
    expect(capped).to.equal(parseFloat(getComputedStyle(field(el)).maxHeight));
  });
});
