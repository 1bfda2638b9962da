import { LitElement, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { chatStringsContext } from '../../state/contexts.js';
import { defaultStrings } from '../../state/strings.js';
import type { ChatStrings } from '../../state/strings.js';
import { ChatFileSendEvent, ChatMessageSendEvent, ChatTypingEvent } from '../../events/request-events.js';
import { tokenStyles } from '../shared/tokens.styles.js';
import { styles } from './chat-composer.styles.js';

/** The SDK throttles typing notifications too; this only spares it the calls. */
const TYPING_INTERVAL_MS = 2000;

/**
 * @summary The message field: Enter sends, Shift+Enter starts a new line.
 *
 * The field is uncontrolled on purpose: nothing Lit renders ever overwrites what the visitor
 * typed, and a draft is kept per channel while they switch between channels.
 *
 * @fires chat-file-send - A file chosen with the attach button.
 * @fires chat-message-send - Enter or the Send button with a non-empty (trimmed) text.
 * @fires chat-typing - On input, at most once every two seconds.
 *
 * @csspart form - The row holding the field and the button.
 * @csspart input - The textarea.
 * @csspart send-button - The Send button.
 * @csspart attach-button - The button that picks a file to send.
 *
 * @cssprop --chat-widget-composer-max-height - How tall the field grows before it scrolls.
 * @cssprop --chat-widget-accent - Send button colour.
 */
@customElement('chat-composer')
export class ChatComposerElement extends LitElement {
  static override styles = [tokenStyles, styles];

  private drafts = new Map<string, string>();
  private lastTypingAt = 0;

  @query('textarea') private textarea!: HTMLTextAreaElement;

  @consume({ context: chatStringsContext, subscribe: true })
  @state()
  private strings: ChatStrings = defaultStrings;

  /** The channel messages are sent to. */
  @property({ attribute: 'channel-sid' }) channelSid: string | null = null;

  /** Blocks sending; the text already typed stays. */
  @property({ type: Boolean, reflect: true }) disabled = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('channelSid') && this.textarea) {
      const previous = changed.get('channelSid');
      if (previous) this.drafts.set(previous, this.textarea.value);
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // Only when leaving a channel: text typed before any channel was set stays where it is.
    if (changed.has('channelSid') && changed.get('channelSid')) {
      this.textarea.value = (this.channelSid && this.drafts.get(this.channelSid)) || '';
      if (this.channelSid) this.drafts.delete(this.channelSid);
      this.lastTypingAt = 0;
      this.resize();
    }
  }

  /** Moves focus to the field. */
  override focus(options?: FocusOptions): void {
    this.textarea?.focus(options);
  }

  override render() {
    return html`<form part="form" @submit=${this.handleSubmit}>
      <label part="attach-button" class="attach" title=${this.strings.attach} ?data-disabled=${this.disabled}>
        <input type="file" aria-label=${this.strings.attach} ?disabled=${this.disabled} @change=${this.handleFile} />
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
          <path
            fill="currentColor"
            d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10z"
          />
        </svg>
      </label>
      <textarea
        part="input"
        rows="1"
        aria-label=${this.strings.composerLabel}
        placeholder=${this.strings.composerPlaceholder}
        enterkeyhint="send"
        ?disabled=${this.disabled}
        @keydown=${this.handleKeyDown}
        @input=${this.handleInput}
      ></textarea>
      <button part="send-button" type="submit" ?disabled=${this.disabled}>${this.strings.send}</button>
    </form>`;
  }

  private send(): void {
    const body = this.textarea.value.trim();
    if (this.disabled || !body || !this.channelSid) return;
    this.dispatchEvent(new ChatMessageSendEvent({ channelSid: this.channelSid, body }));
    this.textarea.value = '';
    this.lastTypingAt = 0;
    this.resize();
    this.textarea.focus();
  }

  private handleFile(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file || this.disabled || !this.channelSid) return;
    this.dispatchEvent(new ChatFileSendEvent({ channelSid: this.channelSid, file }));
  }

  private resize(): void {
    // Measure from the minimum so the field also shrinks; max-height in CSS caps the growth.
    const field = this.textarea;
    field.style.height = 'auto';
    if (field.value) field.style.height = `${field.scrollHeight + field.offsetHeight - field.clientHeight}px`;
  }

  private handleSubmit(event: SubmitEvent): void {
    event.preventDefault();
    this.send();
  }

  private handleKeyDown(event: KeyboardEvent): void {
    // keyCode 229: Safari reports the Enter that ends an IME composition with isComposing false.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    this.send();
  }

  private handleInput(): void {
    this.resize();
    const now = Date.now();
    if (!this.channelSid || !this.textarea.value || now - this.lastTypingAt < TYPING_INTERVAL_MS) return;
    this.lastTypingAt = now;
    this.dispatchEvent(new ChatTypingEvent({ channelSid: this.channelSid }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-composer': ChatComposerElement;
  }
}
