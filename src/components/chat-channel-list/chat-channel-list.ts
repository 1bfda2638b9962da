import { LitElement, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { consume } from '@lit/context';
import { chatStateContext, chatStringsContext } from '../../state/contexts.js';
import { defaultStrings } from '../../state/strings.js';
import type { ChatStrings } from '../../state/strings.js';
import { unreadCount } from '../../state/types.js';
import type { ChatChannel, ChatState } from '../../state/types.js';
import { ChatChannelSelectEvent } from '../../events/request-events.js';
import { channelName } from '../shared/channel-name.js';
import { tokenStyles } from '../shared/tokens.styles.js';
import { styles } from './chat-channel-list.styles.js';

/**
 * @summary The visitor's channels, each with its unread badge; choosing one opens it.
 *
 * One Tab stop for the whole list (roving tabindex): the arrow keys, Home and End move between
 * channels, Enter or Space opens one.
 *
 * @fires chat-channel-select - A channel was chosen (click, Enter, Space).
 *
 * @csspart list - The list.
 * @csspart channel - A channel's button; also named `active` for the open channel.
 * @csspart name - A channel's name.
 * @csspart badge - A channel's unread count.
 * @csspart status - The loading and empty messages.
 *
 * @cssprop --chat-widget-accent - Badge and active marker colour.
 */
@customElement('chat-channel-list')
export class ChatChannelListElement extends LitElement {
  static override styles = [tokenStyles, styles];

  @consume({ context: chatStateContext, subscribe: true })
  @state()
  private chatState?: ChatState;

  @consume({ context: chatStringsContext, subscribe: true })
  @state()
  private strings: ChatStrings = defaultStrings;

  /** The channel holding the Tab stop; follows focus. */
  @state() private focusSid: string | null = null;

  override render() {
    const s = this.strings;
    const chatState = this.chatState;
    if (!chatState?.channelsLoaded) {
      return html`<p part="status" class="status" role="status">${s.loadingChannels}</p>`;
    }
    const channels = chatState.channels;
    if (!channels.length) {
      return html`<p part="status" class="status" role="status">${s.noChannels}</p>`;
    }
    const tabStop = this.tabStop(channels, chatState.activeChannelSid);
    // role="list" is not redundant: Safari drops the list semantics of a <ul> with list-style: none.
    // eslint-disable-next-line lit-a11y/no-redundant-role
    return html`<ul part="list" role="list" aria-label=${s.channels} @keydown=${this.handleKeyDown}>
      ${repeat(
        channels,
        (channel) => channel.sid,
        (channel) => this.renderChannel(channel, channel.sid === chatState.activeChannelSid, channel.sid === tabStop),
      )}
    </ul>`;
  }

  private renderChannel(channel: ChatChannel, active: boolean, tabStop: boolean) {
    const unread = unreadCount(channel);
    return html`<li>
      <button
        part=${active ? 'channel active' : 'channel'}
        data-sid=${channel.sid}
        tabindex=${tabStop ? 0 : -1}
        aria-current=${active ? 'true' : 'false'}
        @click=${this.handleClick}
        @focus=${this.handleFocus}
      >
        <span part="name" class="name">${channelName(channel)}</span>
        ${
          unread
            ? html`<span part="badge" class="badge" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>
                <span class="visually-hidden">${this.strings.unread(unread)}</span>`
            : ''
        }
      </button>
    </li>`;
  }

  private tabStop(channels: readonly ChatChannel[], activeSid: string | null): string {
    const known = (sid: string | null) => sid !== null && channels.some((channel) => channel.sid === sid);
    if (known(this.focusSid)) return this.focusSid!;
    if (known(activeSid)) return activeSid!;
    return channels[0].sid;
  }

  private buttons(): HTMLButtonElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLButtonElement>('button[data-sid]')];
  }

  private handleClick(event: Event): void {
    const sid = (event.currentTarget as HTMLButtonElement).dataset.sid ?? null;
    this.dispatchEvent(new ChatChannelSelectEvent({ channelSid: sid }));
  }

  private handleFocus(event: FocusEvent): void {
    this.focusSid = (event.currentTarget as HTMLButtonElement).dataset.sid ?? null;
  }

  private handleKeyDown(event: KeyboardEvent): void {
    const buttons = this.buttons();
    const current = buttons.indexOf(event.target as HTMLButtonElement);
    if (current < 0) return;
    const last = buttons.length - 1;
    const next =
      event.key === 'ArrowDown'
        ? Math.min(current + 1, last)
        : event.key === 'ArrowUp'
          ? Math.max(current - 1, 0)
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : null;
    if (next === null) return;
    event.preventDefault();
    buttons[next].focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-channel-list': ChatChannelListElement;
  }
}
