import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/components/chat-message/chat-message.js';
import type { ChatMessageElement } from '../../../src/components/chat-message/chat-message.js';
import type {
  ChatMediaRequestEvent,
  ChatMessageEditEvent,
  ChatMessageRemoveEvent,
  ChatMessageRetryEvent,
} from '../../../src/events/request-events.js';
import type { ChatMessage } from '../../../src/state/types.js';
import { collect, makeMessage } from './helpers.js';

async function show(message: ChatMessage, own = false): Promise<ChatMessageElement> {
  return fixture<ChatMessageElement>(
    html`<chat-message .message=${message} ?own=${own} channel-sid="CH1"></chat-message>`,
  );
}

function part(el: ChatMessageElement, name: string): HTMLElement | null {
  return el.shadowRoot!.querySelector(`[part~="${name}"]`);
}

function button(el: ChatMessageElement, text: string): HTMLButtonElement | undefined {
  return [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.trim() === text && !b.hidden);
}

/** The visible button labels, in order. */
function buttons(el: ChatMessageElement): string[] {
  return [...el.shadowRoot!.querySelectorAll('button')].filter((b) => !b.hidden).map((b) => b.textContent!.trim());
}

describe('chat-message', () => {
  describe('media', () => {
    const png = { sid: 'ME1', filename: 'cat.png', contentType: 'image/png', size: 2048 };

    it('asks for the URL of its media once, and not while still in the outbox', async () => {
      const el = await fixture<ChatMessageElement>(html`<chat-message channel-sid="CH1"></chat-message>`);
      const requests = collect<ChatMediaRequestEvent>(el, 'chat-media-request');
      el.message = makeMessage(-1, { media: png, body: null });
      await el.updateComplete;
      expect(requests).to.have.length(0);
      el.message = makeMessage(4, { media: png, body: null });
      await el.updateComplete;
      el.message = { ...el.message };
      await el.updateComplete;
      expect(requests.map((r) => [r.channelSid, r.index, r.mediaSid])).to.deep.equal([['CH1', 4, 'ME1']]);
    });

    it('shows an image preview and a download link once the URL is known', async () => {
      const el = await show(makeMessage(4, { media: png, body: null }));
      expect(el.shadowRoot!.querySelector('img')).to.equal(null);
      el.mediaUrl = 'https://media.example/ME1';
      await el.updateComplete;
      const img = part(el, 'image') as HTMLImageElement;
      expect(img.getAttribute('src')).to.equal('https://media.example/ME1');
      expect(img.alt).to.equal('cat.png');
      const link = part(el, 'attachment') as HTMLAnchorElement;
      expect(link.href).to.equal('https://media.example/ME1');
      expect(link.rel).to.equal('noopener noreferrer');
      await expect(el).to.be.accessible();
    });

    it('never previews SVG or other types, and never uses a non-http URL', async () => {
      const svg = await show(makeMessage(5, { media: { ...png, contentType: 'image/svg+xml' }, body: null }));
      svg.mediaUrl = 'https://media.example/ME1';
      await svg.updateComplete;
      expect(part(svg, 'image')).to.equal(null);
      expect(part(svg, 'attachment')!.tagName).to.equal('A');
      const js = await show(makeMessage(6, { media: png, body: null }));
      js.mediaUrl = 'javascript:alert(1)';
      await js.updateComplete;
      expect(part(js, 'image')).to.equal(null);
      expect(part(js, 'attachment')!.tagName).to.equal('P');
    });
  });

  it('shows author, time and text', async () => {
    const message = makeMessage(3, { author: 'bob', body: 'Hi there' });
    const el = await show(message);
    expect(part(el, 'author')!.textContent).to.equal('bob');
    expect(part(el, 'body')!.textContent).to.equal('Hi there');
    const time = part(el, 'time') as HTMLTimeElement;
    expect(time.dateTime).to.equal(new Date(message.dateCreated).toISOString());
    expect(time.textContent!.trim()).to.not.equal('');
    await expect(el).to.be.accessible();
  });

  it('says "You" for own messages', async () => {
    const el = await show(makeMessage(1, { author: 'alice' }), true);
    expect(part(el, 'author')!.textContent).to.equal('You');
    expect(part(el, 'message')!.getAttribute('part')).to.equal('message own');
    await expect(el).to.be.accessible();
  });

  it('renders markup in the text as text', async () => {
    const el = await show(makeMessage(1, { body: '<img src=x onerror="window.__pwned=1"><b>bold</b>' }));
    const body = part(el, 'body')!;
    expect(body.querySelector('img, b')).to.equal(null);
    expect(body.textContent).to.equal('<img src=x onerror="window.__pwned=1"><b>bold</b>');
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('turns http(s) URLs into safe links', async () => {
    const el = await show(makeMessage(1, { body: 'See https://example.com/a?b=1, or http://x.test/(y).' }));
    const links = [...part(el, 'body')!.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal(['https://example.com/a?b=1', 'http://x.test/(y)']);
    for (const link of links) {
      expect(link.target).to.equal('_blank');
      expect(link.rel.split(' ')).to.include.members(['noopener', 'noreferrer', 'nofollow']);
    }
    expect(part(el, 'body')!.textContent).to.equal('See https://example.com/a?b=1, or http://x.test/(y).');
    await expect(el).to.be.accessible();
  });

  it('leaves javascript: and other schemes as plain text', async () => {
    const el = await show(
      makeMessage(1, { body: 'javascript:alert(1) data:text/html,<script>x</script> ftp://files.test' }),
    );
    expect(part(el, 'body')!.querySelector('a')).to.equal(null);
  });

  it('does not let a javascript: URL ride on an https one', async () => {
    const el = await show(makeMessage(1, { body: 'javascript:alert(1)//https://ok.test' }));
    const links = [...part(el, 'body')!.querySelectorAll('a')];
    expect(links.map((a) => a.protocol)).to.deep.equal(['https:']);
    expect(links[0].textContent).to.equal('https://ok.test');
  });

  it('keeps line breaks', async () => {
    const el = await show(makeMessage(1, { body: 'one\ntwo' }));
    const body = part(el, 'body')!;
    expect(getComputedStyle(body).whiteSpace).to.equal('pre-wrap');
    expect(body.getBoundingClientRect().height).to.be.greaterThan(parseFloat(getComputedStyle(body).lineHeight) * 1.5);
  });

  it('shows an attachment chip with file name and size', async () => {
    const el = await show(
      makeMessage(1, {
        body: null,
        media: { sid: 'ME1', filename: 'report.pdf', contentType: 'application/pdf', size: 1_500_000 },
      }),
    );
    const chip = part(el, 'attachment')!;
    expect(chip.textContent).to.contain('report.pdf');
    expect(chip.querySelector('.size')!.textContent).to.match(/1\.5\s*MB/);
    expect(part(el, 'body')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('marks a message edited after it was created', async () => {
    const created = makeMessage(1);
    const plain = await show(created);
    expect(part(plain, 'edited')).to.equal(null);
    const edited = await show({ ...created, dateUpdated: created.dateCreated + 60_000 });
    expect(part(edited, 'edited')!.textContent).to.equal('edited');
  });

  describe('pending', () => {
    for (const [pending, label] of [
      ['sending', 'Sending…'],
      ['removing', 'Deleting…'],
    ] as const) {
      it(`shows ${pending} without actions`, async () => {
        const el = await show(makeMessage(-1, { author: 'alice', pending, sid: 'cid:1', clientId: 'c1' }), true);
        expect(part(el, 'status')!.textContent).to.equal(label);
        expect(buttons(el)).to.deep.equal([]);
        await expect(el).to.be.accessible();
      });
    }

    it('shows the pending body while an edit is saving', async () => {
      const el = await show(
        makeMessage(2, { author: 'alice', body: 'old', pending: 'editing', pendingBody: 'new' }),
        true,
      );
      expect(part(el, 'body')!.textContent).to.equal('new');
      expect(part(el, 'status')!.textContent).to.equal('Saving…');
      expect(buttons(el)).to.deep.equal([]);
      await expect(el).to.be.accessible();
    });

    it('offers Retry on a failed message, with its client id', async () => {
      const el = await show(
        makeMessage(-1, { author: 'alice', pending: 'failed', sid: 'cid:7', clientId: 'client-7' }),
        true,
      );
      expect(part(el, 'status')!.textContent).to.equal('Not sent');
      expect(buttons(el)).to.deep.equal(['Retry']);
      await expect(el).to.be.accessible();
      const retry = oneEvent(el, 'chat-message-retry') as Promise<ChatMessageRetryEvent>;
      button(el, 'Retry')!.click();
      const event = await retry;
      expect(event.clientId).to.equal('client-7');
      expect(event.channelSid).to.equal('CH1');
    });
  });

  describe('own messages', () => {
    it('offers Edit and Delete only on own messages', async () => {
      const theirs = await show(makeMessage(1, { author: 'bob' }));
      expect(buttons(theirs)).to.deep.equal([]);
      const mine = await show(makeMessage(1, { author: 'alice' }), true);
      expect(buttons(mine)).to.deep.equal(['Edit', 'Delete']);
    });

    it('Edit and Delete sit in the header row: an own message is no taller for them', async () => {
      const [mine, theirs] = await Promise.all([show(makeMessage(1), true), show(makeMessage(1), false)]);
      expect(part(mine, 'actions')!.parentElement!.localName).to.equal('header');
      const height = (el: ChatMessageElement) => part(el, 'message')!.getBoundingClientRect().height;
      // The header line may grow by the buttons' borders, never by a row of its own.
      expect(height(mine) - height(theirs)).to.be.below(part(theirs, 'body')!.getBoundingClientRect().height);
    });

    it('edits inline: Enter saves the new text', async () => {
      const el = await show(makeMessage(4, { author: 'alice', body: 'tpyo' }), true);
      button(el, 'Edit')!.click();
      await el.updateComplete;
      const field = part(el, 'edit-input') as HTMLTextAreaElement;
      expect(field.value).to.equal('tpyo');
      expect(el.shadowRoot!.activeElement === field).to.equal(true);
      await expect(el).to.be.accessible();
      field.value = '';
      await sendKeys({ type: 'typo fixed' });
      const edit = oneEvent(el, 'chat-message-edit') as Promise<ChatMessageEditEvent>;
      await sendKeys({ press: 'Enter' });
      const event = await edit;
      expect([event.channelSid, event.index, event.body]).to.deep.equal(['CH1', 4, 'typo fixed']);
      await el.updateComplete;
      expect(part(el, 'edit-input')).to.equal(null);
    });

    it('Escape cancels an edit without an event and gives focus back to Edit', async () => {
      const el = await show(makeMessage(4, { author: 'alice', body: 'keep me' }), true);
      const edits = collect(el, 'chat-message-edit');
      button(el, 'Edit')!.click();
      await el.updateComplete;
      // Keys must go to the field, or they'd land on the test page.
      expect(el.shadowRoot!.activeElement === part(el, 'edit-input')).to.equal(true);
      await sendKeys({ type: ' changed' });
      await sendKeys({ press: 'Escape' });
      await el.updateComplete;
      expect(edits).to.have.length(0);
      expect(part(el, 'edit-input')).to.equal(null);
      expect(part(el, 'body')!.textContent).to.equal('keep me');
      expect(el.shadowRoot!.activeElement === button(el, 'Edit')).to.equal(true);
    });

    it('Delete asks inline, then fires the remove request', async () => {
      const el = await show(makeMessage(5, { author: 'alice' }), true);
      const removes = collect<ChatMessageRemoveEvent>(el, 'chat-message-remove');
      button(el, 'Delete')!.click();
      await el.updateComplete;
      expect(removes).to.have.length(0);
      expect(el.shadowRoot!.textContent).to.contain('Delete this message?');
      await expect(el).to.be.accessible();
      button(el, 'Delete')!.click();
      expect(removes).to.have.length(1);
      expect([removes[0].channelSid, removes[0].index]).to.deep.equal(['CH1', 5]);
      await el.updateComplete;
      expect(el.shadowRoot!.textContent).to.not.contain('Delete this message?');
    });

    it('Cancel on the delete question removes nothing', async () => {
      const el = await show(makeMessage(5, { author: 'alice' }), true);
      const removes = collect(el, 'chat-message-remove');
      button(el, 'Delete')!.click();
      await el.updateComplete;
      button(el, 'Cancel')!.click();
      await el.updateComplete;
      expect(removes).to.have.length(0);
      expect(buttons(el)).to.deep.equal(['Edit', 'Delete']);
      expect(el.shadowRoot!.activeElement === button(el, 'Delete')).to.equal(true);
    });
  });
});
