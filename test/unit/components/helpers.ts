import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ContextProvider } from '@lit/context';
import { chatStateContext, chatStringsContext } from '../../../src/state/contexts.js';
import { defaultStrings } from '../../../src/state/strings.js';
import type { ChatStrings } from '../../../src/state/strings.js';
import { initialChatState } from '../../../src/state/types.js';
import type { ChannelMessages, ChatChannel, ChatMessage, ChatState } from '../../../src/state/types.js';
import { channel, message } from '../../helpers/data.js';

/** Test-only stand-in for `<chat-widget>`: provides both contexts to whatever is slotted. */
@customElement('test-chat-provider')
export class TestChatProviderElement extends LitElement {
  private stateProvider = new ContextProvider(this, { context: chatStateContext, initialValue: initialChatState });
  private stringsProvider = new ContextProvider(this, { context: chatStringsContext, initialValue: defaultStrings });

  @property({ attribute: false }) state: ChatState = initialChatState;
  @property({ attribute: false }) strings: ChatStrings = defaultStrings;

  protected override willUpdate(): void {
    this.stateProvider.setValue(this.state);
    this.stringsProvider.setValue(this.strings);
  }

  override render() {
    return html`<slot></slot>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'test-chat-provider': TestChatProviderElement;
  }
}

export function makeState(patch: Partial<ChatState> = {}): ChatState {
  return { ...initialChatState, phase: 'ready', connection: 'connected', identity: 'alice', ...patch };
}

export function makeChannel(patch: Partial<ChatChannel> & { sid: string }): ChatChannel {
  return channel(patch.sid, { friendlyName: null, type: 'private', ...patch });
}

const base = Date.UTC(2024, 0, 15, 9, 30);

export function makeMessage(index: number, patch: Partial<ChatMessage> = {}): ChatMessage {
  const time = base + index * 60_000;
  return message(index, { body: `Message ${index}`, dateCreated: time, dateUpdated: time, ...patch });
}

export function makeHistory(items: readonly ChatMessage[], patch: Partial<ChannelMessages> = {}): ChannelMessages {
  return { items, hasOlder: false, loading: false, loadingOlder: false, error: null, ...patch };
}

/** Messages `from`..`to` inclusive. */
export function range(from: number, to: number, patch: Partial<ChatMessage> = {}): ChatMessage[] {
  return Array.from({ length: to - from + 1 }, (_, i) => makeMessage(from + i, patch));
}

/** Sets the provider's state and waits until `el` (and its children) re-rendered. */
export async function setState(provider: TestChatProviderElement, state: ChatState, el: LitElement): Promise<void> {
  provider.state = state;
  await provider.updateComplete;
  await el.updateComplete;
}

/** Collects every event of `type` fired on `target`. */
export function collect<T extends Event>(target: EventTarget, type: string): T[] {
  const events: T[] = [];
  target.addEventListener(type, (event) => events.push(event as T));
  return events;
}
