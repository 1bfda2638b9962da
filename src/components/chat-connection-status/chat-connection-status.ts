import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { chatStringsContext } from '../../state/contexts.js';
import { defaultStrings } from '../../state/strings.js';
import type { ChatStrings } from '../../state/strings.js';
import type { ConnectionStatus } from '../../state/types.js';
import { tokenStyles } from '../shared/tokens.styles.js';
import { styles } from './chat-connection-status.styles.js';

const quiet: ReadonlySet<ConnectionStatus> = new Set(['idle', 'connected']);
const errors: ReadonlySet<ConnectionStatus> = new Set(['denied']);

/**
 * @summary A banner that tells the visitor the link to the chat service is not (yet) up.
 *
 * The `role="status"` region is always present so a screen reader announces a change; the banner
 * inside it only exists while there is something to say, so a connected widget shows no box.
 *
 * @csspart banner - The banner box, present unless the status is `connected` or `idle`.
 *
 * @cssprop --chat-widget-warning-bg - Banner background for connecting, reconnecting, offline.
 * @cssprop --chat-widget-warning-fg - Banner text for connecting, reconnecting, offline.
 * @cssprop --chat-widget-error-bg - Banner background when access is denied.
 * @cssprop --chat-widget-error-fg - Banner text when access is denied.
 */
@customElement('chat-connection-status')
export class ChatConnectionStatusElement extends LitElement {
  static override styles = [tokenStyles, styles];

  @consume({ context: chatStringsContext, subscribe: true })
  @state()
  private strings: ChatStrings = defaultStrings;

  /** The connection status to show; reflected so the host can style by it. */
  @property({ reflect: true }) status: ConnectionStatus = 'idle';

  override render() {
    const text = quiet.has(this.status) ? '' : (this.strings.connection[this.status] ?? this.status);
    const tone = errors.has(this.status) ? 'error' : 'warning';
    return html`<div role="status">${text ? html`<p part="banner" class="banner ${tone}">${text}</p>` : nothing}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-connection-status': ChatConnectionStatusElement;
  }
}
