import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { consume } from '@lit/context';
import { chatStateContext, chatStringsContext } from '../../state/contexts.js';
import { defaultStrings } from '../../state/strings.js';
import type { ChatStrings } from '../../state/strings.js';
import type { ChannelMessages, ChatMessage, ChatState } from '../../state/types.js';
import { ChatChannelSelectEvent, ChatHistoryRequestEvent, ChatMessagesSeenEvent } from '../../events/request-events.js';
import { channelName } from '../shared/channel-name.js';
import { tokenStyles } from '../shared/tokens.styles.js';
import '../chat-composer/chat-composer.js';
import '../chat-message/chat-message.js';
import '../chat-typing-indicator/chat-typing-indicator.js';
import { styles } from './chat-channel-view.styles.js';

/** How close to an edge (px) counts as being there: sub-pixel scroll positions never add up. */
const EDGE = 32;

const messageParts =
  'message, own, author, time, body, link, attachment, image, status: message-status, edited, actions, edit-input';
const composerParts = 'form: composer, input: composer-input, send-button, attach-button';

interface ScrollSnapshot {
  readonly height: number;
  readonly top: number;
  readonly firstKey: string | null;
  readonly lastKey: string | null;
  readonly outboxLength: number;
}

/**
 * @summary One open channel: header, the message history, who is typing, and the composer.
 *
 * The history starts at the bottom and stays there as messages arrive, unless the visitor scrolled
 * up to read; scrolling to the top asks for the previous page, and a prepended page keeps the
 * visible messages where they were. Messages count as seen only when the panel is open, the tab
 * is visible and the history is scrolled to the bottom.
 *
 * @fires chat-channel-select - The Back button, with `channelSid: null`.
 * @fires chat-history-request - Scrolled to the top while older messages exist.
 * @fires chat-messages-seen - The newest loaded message was seen.
 *
 * @csspart header - The header row.
 * @csspart back-button - The Back button.
 * @csspart title - The channel name.
 * @csspart log - The scrolling message history.
 * @csspart status - The loading and empty messages.
 * @csspart error - An error loading the history.
 * @csspart retry-button - The Retry button in that error.
 * @csspart loading-older - The "loading older messages" line at the top of the history.
 * @csspart message - Re-exported from each `chat-message`, with `own`, `author`, `time`, `body`,
 * `link`, `attachment`, `message-status`, `edited`, `actions`, `edit-input`.
 * @csspart typing - Re-exported from `chat-typing-indicator`.
 * @csspart composer - Re-exported from `chat-composer` (its form), with `composer-input`, `send-button`.
 *
 * @cssprop --chat-widget-bg - Background of the panel.
 * @cssprop --chat-widget-border - Separator lines.
 */
@customElement('chat-channel-view')
export class ChatChannelViewElement extends LitElement {
  static override styles = [tokenStyles, styles];

  private readonly resizeObserver = new ResizeObserver(() => this.handleResize());
  private observedLog: HTMLElement | null = null;
  /** The visitor is at the bottom: new messages keep the history scrolled there. */
  private pinned = true;
  private snapshot: ScrollSnapshot | null = null;
  private rendered: Omit<ScrollSnapshot, 'height' | 'top'> | null = null;
  private seenIndex = -1;
  /** The items a history request was made for; no second request until they change. */
  private requestedFor: readonly ChatMessage[] | null = null;
  private settled: Promise<void> = Promise.resolve();

  @query('.log') private log?: HTMLElement;

  @consume({ context: chatStateContext, subscribe: true })
  @state()
  private chatState?: ChatState;

  @consume({ context: chatStringsContext, subscribe: true })
  @state()
  private strings: ChatStrings = defaultStrings;

  /** The channel to show. */
  @property({ attribute: 'channel-sid' }) channelSid: string | null = null;

  /** The panel is open and showing this view; messages can only be seen while it is. */
  @property({ type: Boolean, reflect: true }) active = false;

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.handleVisibilityChange);
    if (this.observedLog) this.resizeObserver.observe(this.observedLog);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.handleVisibilityChange);
    this.resizeObserver.disconnect();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('channelSid')) {
      this.pinned = true;
      this.seenIndex = -1;
      this.requestedFor = null;
      this.snapshot = null;
      this.rendered = null;
    } else if (this.log) {
      this.snapshot = { height: this.log.scrollHeight, top: this.log.scrollTop, ...this.rendered! };
    }
    if (this.history()?.loadingOlder) this.requestedFor = null;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const log = this.log ?? null;
    if (log !== this.observedLog) {
      if (this.observedLog) this.resizeObserver.unobserve(this.observedLog);
      if (log) this.resizeObserver.observe(log);
      this.observedLog = log;
    }
    this.settled = this.settle(this.snapshot);
  }

  protected override async getUpdateComplete(): Promise<boolean> {
    const result = await super.getUpdateComplete();
    await this.settled;
    return result;
  }

  override render() {
    const s = this.strings;
    const sid = this.channelSid;
    const chatState = this.chatState;
    if (!sid || !chatState) return html`<p part="status" class="note" role="status">${s.selectChannel}</p>`;
    const channel = chatState.channels.find((c) => c.sid === sid);
    const name = channel ? channelName(channel) : sid;
    const history = this.history();
    const outbox = chatState.outbox[sid] ?? [];
    const messages = [...(history?.items ?? []), ...outbox];
    const loading = !history || history.loading;
    const typing = (chatState.typing[sid] ?? []).filter((who) => who !== chatState.identity);
    const disabled =
      chatState.connection === 'denied' || chatState.phase === 'error' || chatState.phase === 'logged-out';
    const note = messages.length || history?.error ? '' : loading ? s.loadingMessages : s.noMessages;
    this.rendered = {
      firstKey: messages[0]?.sid ?? null,
      lastKey: messages[messages.length - 1]?.sid ?? null,
      outboxLength: outbox.length,
    };
    return html`<header part="header">
        <button part="back-button" class="back" aria-label=${s.back} title=${s.back} @click=${this.handleBackClick}>
          <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
            <path d="M10 3 5 8l5 5" fill="none" stroke="currentColor" stroke-width="2" />
          </svg>
        </button>
        <h2 part="title">${name}</h2>
      </header>
      ${
        history?.error
          ? html`<p part="error" class="note error" role="alert">
              ${history.error}
              <button part="retry-button" class="retry" @click=${this.handleRetryClick}>${s.retry}</button>
            </p>`
          : nothing
      }
      <p part="status" class="note" role="status">${note}</p>
      <div
        part="log"
        class="log"
        role="log"
        aria-label=${name}
        aria-busy=${loading || !!history?.loadingOlder ? 'true' : 'false'}
        tabindex="0"
        @scroll=${this.handleScroll}
      >
        ${history?.loadingOlder ? html`<p part="loading-older" class="note older">${s.loadingOlder}</p>` : nothing}
        ${repeat(
          messages,
          (message) => message.sid,
          (message) =>
            html`<chat-message
              exportparts=${messageParts}
              .message=${message}
              .channelSid=${sid}
              .mediaUrl=${message.media ? (chatState.mediaUrls[message.media.sid] ?? null) : null}
              ?own=${message.index < 0 || (message.author !== null && message.author === chatState.identity)}
            ></chat-message>`,
        )}
      </div>
      <chat-typing-indicator exportparts="typing" .names=${typing}></chat-typing-indicator>
      <chat-composer exportparts=${composerParts} .channelSid=${sid} ?disabled=${disabled}></chat-composer>`;
  }

  /** Moves focus to the composer. */
  override focus(options?: FocusOptions): void {
    this.renderRoot.querySelector('chat-composer')?.focus(options);
  }

  private history(): ChannelMessages | undefined {
    return this.channelSid ? this.chatState?.messages[this.channelSid] : undefined;
  }

  /** Runs once the messages have rendered (they update after this element), then fixes the scroll. */
  private async settle(before: ScrollSnapshot | null): Promise<void> {
    const log = this.log;
    if (!log) return;
    await Promise.all([...log.querySelectorAll('chat-message')].map((message) => message.updateComplete));
    if (log !== this.log) return;
    const now = this.rendered;
    const prepended =
      !!before?.firstKey &&
      now?.firstKey !== before.firstKey &&
      now?.lastKey === before.lastKey &&
      [...log.querySelectorAll('chat-message')].some((message) => message.message?.sid === before.firstKey);
    if (before && now && now.outboxLength > before.outboxLength) {
      // The visitor just sent something: show it, wherever they were reading.
      this.pinned = true;
    }
    if (this.pinned) {
      log.scrollTop = log.scrollHeight;
    } else if (prepended && before) {
      log.scrollTop = before.top + (log.scrollHeight - before.height);
    }
    this.requestHistoryIfAtTop();
    this.markSeen();
  }

  private atBottom(log: HTMLElement): boolean {
    return log.scrollHeight - log.scrollTop - log.clientHeight <= EDGE;
  }

  private requestHistoryIfAtTop(): void {
    const log = this.log;
    const history = this.history();
    const sid = this.channelSid;
    if (!log || !sid || !history || log.clientHeight === 0 || log.scrollTop > EDGE) return;
    if (!history.hasOlder || history.loading || history.loadingOlder || this.requestedFor === history.items) return;
    this.requestedFor = history.items;
    this.dispatchEvent(new ChatHistoryRequestEvent({ channelSid: sid }));
  }

  private markSeen(): void {
    const log = this.log;
    const sid = this.channelSid;
    if (!this.active || !log || !sid || document.visibilityState !== 'visible') return;
    if (log.clientHeight === 0 || !this.atBottom(log)) return;
    const items = this.history()?.items ?? [];
    const newest = items.length ? items[items.length - 1].index : -1;
    if (newest < 0 || newest <= this.seenIndex) return;
    this.seenIndex = newest;
    const horizon = this.chatState?.channels.find((c) => c.sid === sid)?.lastConsumedMessageIndex ?? null;
    if (horizon !== null && horizon >= newest) return;
    this.dispatchEvent(new ChatMessagesSeenEvent({ channelSid: sid, index: newest }));
  }

  private handleScroll(): void {
    const log = this.log;
    if (!log) return;
    this.pinned = this.atBottom(log);
    this.requestHistoryIfAtTop();
    this.markSeen();
  }

  private handleResize(): void {
    // The panel opened or changed size: keep a pinned history at the bottom.
    const log = this.log;
    if (log && this.pinned) log.scrollTop = log.scrollHeight;
    this.requestHistoryIfAtTop();
    this.markSeen();
  }

  private handleVisibilityChange = (): void => {
    this.markSeen();
  };

  /** Loads what failed again: the latest messages, or the older page when some are loaded. */
  private handleRetryClick(): void {
    const sid = this.channelSid;
    if (!sid) return;
    this.dispatchEvent(
      this.history()?.items.length
        ? new ChatHistoryRequestEvent({ channelSid: sid })
        : new ChatChannelSelectEvent({ channelSid: sid }),
    );
  }

  private handleBackClick(): void {
    this.dispatchEvent(new ChatChannelSelectEvent({ channelSid: null }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-channel-view': ChatChannelViewElement;
  }
}
