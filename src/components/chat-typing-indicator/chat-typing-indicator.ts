import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { chatStringsContext } from '../../state/contexts.js';
import { defaultStrings } from '../../state/strings.js';
import type { ChatStrings } from '../../state/strings.js';
import { tokenStyles } from '../shared/tokens.styles.js';
import { styles } from './chat-typing-indicator.styles.js';

/**
 * @summary Says who is typing in the open channel, politely announced to screen readers.
 *
 * The live region stays in the DOM while nobody types, so the first "… is typing" is announced.
 *
 * @csspart typing - The line of text.
 *
 * @cssprop --chat-widget-muted - Colour of the text.
 */
@customElement('chat-typing-indicator')
export class ChatTypingIndicatorElement extends LitElement {
  static override styles = [tokenStyles, styles];

  @consume({ context: chatStringsContext, subscribe: true })
  @state()
  private strings: ChatStrings = defaultStrings;

  /** Names of the people typing, without the visitor. */
  @property({ attribute: false }) names: readonly string[] = [];

  override render() {
    return html`<p part="typing" aria-live="polite">${this.names.length ? this.strings.typing(this.names) : ''}</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-typing-indicator': ChatTypingIndicatorElement;
  }
}
