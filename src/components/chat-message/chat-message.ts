import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { chatStringsContext } from '../../state/contexts.js';
import { defaultStrings } from '../../state/strings.js';
import type { ChatStrings } from '../../state/strings.js';
import type { ChatMedia, ChatMessage } from '../../state/types.js';
import {
  ChatMediaRequestEvent,
  ChatMessageEditEvent,
  ChatMessageRemoveEvent,
  ChatMessageRetryEvent,
} from '../../events/request-events.js';
import { linkify } from '../shared/linkify.js';
import { tokenStyles } from '../shared/tokens.styles.js';
import { styles } from './chat-message.styles.js';

const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
// The service stamps dateUpdated on creation too, sometimes a few ms apart.
const EDIT_TOLERANCE_MS = 1000;

/**
 * @summary One message: author, time, text with safe links, attachment, pending state, and the
 * Edit / Delete actions on the visitor's own messages.
 *
 * The text comes from other people and is hostile: it only ever reaches the DOM through Lit text
 * bindings, and only `http:`/`https:` URLs become links.
 *
 * @fires chat-media-request - The message has media whose download URL is not known yet.
 * @fires chat-message-retry - The Retry button of a message that failed to send.
 * @fires chat-message-edit - An edit saved with Enter or the Save button.
 * @fires chat-message-remove - Delete, confirmed.
 *
 * @csspart message - The bubble; also named `own` for the visitor's messages.
 * @csspart author - The author's name.
 * @csspart time - The time it was sent.
 * @csspart body - The text.
 * @csspart link - A link in the text.
 * @csspart attachment - The attachment chip (a download link once its URL is known).
 * @csspart image - The preview of an image attachment.
 * @csspart status - Sending / saving / deleting / not sent.
 * @csspart edited - The "edited" mark.
 * @csspart actions - The row of Edit / Delete / Retry buttons.
 * @csspart edit-input - The textarea of an edit.
 *
 * @cssprop --chat-widget-own-bg - Background of the visitor's messages.
 * @cssprop --chat-widget-own-fg - Text colour of the visitor's messages.
 * @cssprop --chat-widget-surface - Background of other people's messages.
 */
@customElement('chat-message')
export class ChatMessageElement extends LitElement {
  static override styles = [tokenStyles, styles];

  @query('textarea') private editField?: HTMLTextAreaElement;

  @consume({ context: chatStringsContext, subscribe: true })
  @state()
  private strings: ChatStrings = defaultStrings;

  @state() private mode: 'view' | 'edit' | 'confirm-delete' = 'view';

  /** The message to show. */
  @property({ attribute: false }) message: ChatMessage | null = null;

  /** The visitor wrote it: shown as "You", with Edit and Delete. */
  @property({ type: Boolean, reflect: true }) own = false;

  /** The channel the message belongs to, carried in the events. */
  @property({ attribute: 'channel-sid' }) channelSid = '';

  /** A temporary URL of the message's media, once the widget has it. */
  @property({ attribute: false }) mediaUrl: string | null = null;

  private requestedMedia: string | null = null;

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // An edit or delete can't continue once the message is pending, gone or no longer ours.
    if (this.mode !== 'view' && !this.canChange()) this.mode = 'view';
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const media = this.message?.media;
    // Accepted by the service (index ≥ 0) and not asked for yet: ask the root for a URL, once.
    if (media && !this.mediaUrl && this.message!.index >= 0 && this.requestedMedia !== media.sid) {
      this.requestedMedia = media.sid;
      this.dispatchEvent(
        new ChatMediaRequestEvent({ channelSid: this.channelSid, index: this.message!.index, mediaSid: media.sid }),
      );
    }
    // Filled once, not bound: a message update arriving mid-edit must not overwrite the draft.
    if (changed.has('mode') && this.mode === 'edit' && this.editField) {
      const field = this.editField;
      field.value = this.message?.body ?? '';
      field.focus();
      field.setSelectionRange(field.value.length, field.value.length);
    }
  }

  override render() {
    const message = this.message;
    if (!message) return nothing;
    const s = this.strings;
    const created = new Date(message.dateCreated);
    const edited = message.dateUpdated !== null && message.dateUpdated > message.dateCreated + EDIT_TOLERANCE_MS;
    const body =
      message.pending === 'editing' && message.pendingBody !== undefined ? message.pendingBody : message.body;
    return html`<article part=${this.own ? 'message own' : 'message'} class=${message.pending ?? ''}>
      <header>
        <span part="author" class="author">${this.own ? s.you : (message.author ?? '')}</span>
        <time part="time" datetime=${created.toISOString()} title=${dateTimeFormat.format(created)}
          >${formatTime(created)}</time
        >
        ${edited && !message.pending ? html`<span part="edited" class="edited">${s.edited}</span>` : nothing}
        ${this.renderActions()}
      </header>
      ${this.mode === 'edit' ? this.renderEditor() : this.renderBody(body)}
      ${message.media ? this.renderMedia(message.media) : nothing} ${this.renderStatus()}
    </article>`;
  }

  private renderBody(body: string | null) {
    if (!body) return nothing;
    const content = linkify(body).map((segment) =>
      segment.href
        ? html`<a part="link" href=${segment.href} target="_blank" rel="noopener noreferrer nofollow"
            >${segment.text}</a
          >`
        : segment.text,
    );
    // One line, no whitespace inside: the body is white-space: pre-wrap.
    return html`<p part="body" class="body">${content}</p>`;
  }

  private renderMedia(media: ChatMedia) {
    const name = media.filename || this.strings.attachment;
    const url = this.mediaUrl && /^https?:/i.test(this.mediaUrl) ? this.mediaUrl : null;
    const chip = html`<span class="clip" aria-hidden="true">📎</span>
      <span class="visually-hidden">${url ? this.strings.download : this.strings.attachment}:</span>
      <span class="filename">${name}</span>
      <span class="size">${formatSize(media.size)}</span>`;
    // SVG is left to the download link: as an <img> it is safe, but its type is the sender's word.
    const image = url && /^image\/(png|jpe?g|gif|webp|avif)$/i.test(media.contentType);
    return html`${image ? html`<img part="image" class="image" src=${url} alt=${name} loading="lazy" />` : nothing}
    ${
      url
        ? html`<a
            part="attachment"
            class="attachment"
            href=${url}
            download=${name}
            target="_blank"
            rel="noopener noreferrer"
            >${chip}</a
          >`
        : html`<p part="attachment" class="attachment">${chip}</p>`
    }`;
  }

  private renderEditor() {
    return html`<div class="editor">
      <textarea part="edit-input" aria-label=${this.strings.edit} @keydown=${this.handleEditKeyDown}></textarea>
      <div part="actions" class="actions">
        <button @click=${this.save}>${this.strings.save}</button>
        <button @click=${this.cancel}>${this.strings.cancel}</button>
      </div>
    </div>`;
  }

  private renderStatus() {
    const message = this.message!;
    const s = this.strings;
    if (message.pending) {
      const label = { sending: s.sending, editing: s.editing, removing: s.removing, failed: s.failed }[message.pending];
      return html`<div part="actions" class="actions">
        <span part="status" class="status">${label}</span>
        ${
          message.pending === 'failed' && message.clientId
            ? html`<button class="retry-button" @click=${this.handleRetryClick}>${s.retry}</button>`
            : nothing
        }
      </div>`;
    }
    if (this.mode === 'confirm-delete') {
      return html`<div part="actions" class="actions confirm" role="group" aria-label=${s.confirmDelete}>
        <span class="status">${s.confirmDelete}</span>
        <button class="confirm-delete-button danger" @click=${this.handleConfirmDeleteClick}>${s.delete}</button>
        <button class="cancel-delete-button" @click=${this.cancel}>${s.cancel}</button>
      </div>`;
    }
    return nothing;
  }

  /** Edit and Delete sit in the header row, shown on hover or focus: no row of their own. */
  private renderActions() {
    if (this.mode !== 'view' || !this.canChange()) return nothing;
    const s = this.strings;
    return html`<span part="actions" class="actions hover">
      <button class="edit-button" ?hidden=${!this.message!.body} @click=${this.handleEditClick}>${s.edit}</button>
      <button class="delete-button" @click=${this.handleDeleteClick}>${s.delete}</button>
    </span>`;
  }

  private canChange(): boolean {
    const message = this.message;
    return !!message && this.own && !message.pending && message.index >= 0;
  }

  private save(): void {
    const message = this.message;
    const body = this.editField?.value.trim() ?? '';
    // An emptied edit is not a delete: Delete is its own, confirmed, action.
    if (!body) return;
    if (message && body !== message.body) {
      this.dispatchEvent(new ChatMessageEditEvent({ channelSid: this.channelSid, index: message.index, body }));
    }
    this.mode = 'view';
  }

  private async cancel(): Promise<void> {
    // Focus goes back to the button that started it, not to the top of the page.
    const origin = this.mode === 'edit' ? '.edit-button' : '.delete-button';
    this.mode = 'view';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>(origin)?.focus();
  }

  private handleEditClick(): void {
    this.mode = 'edit';
  }

  private async handleDeleteClick(): Promise<void> {
    this.mode = 'confirm-delete';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('.cancel-delete-button')?.focus();
  }

  private handleConfirmDeleteClick(): void {
    const message = this.message;
    this.mode = 'view';
    if (message) this.dispatchEvent(new ChatMessageRemoveEvent({ channelSid: this.channelSid, index: message.index }));
  }

  private handleRetryClick(): void {
    const clientId = this.message?.clientId;
    if (clientId) this.dispatchEvent(new ChatMessageRetryEvent({ channelSid: this.channelSid, clientId }));
  }

  private handleEditKeyDown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      // Escape here ends the edit, not the panel around it.
      event.stopPropagation();
      void this.cancel();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      this.save();
    }
  }
}

function formatTime(date: Date): string {
  const now = new Date();
  return date.toDateString() === now.toDateString() ? timeFormat.format(date) : dateTimeFormat.format(date);
}

function formatSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return new Intl.NumberFormat(undefined, {
    style: 'unit',
    unit: units[unit],
    unitDisplay: 'short',
    maximumFractionDigits: unit ? 1 : 0,
  }).format(value);
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-message': ChatMessageElement;
  }
}
