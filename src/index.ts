/**
 * The public entry: importing it defines `<chat-widget>` and its parts. twilio-chat is not in
 * here: the widget loads it with import() when it connects.
 */
export { ChatWidgetElement } from './chat-widget.js';
export { ChatChannelListElement } from './components/chat-channel-list/chat-channel-list.js';
export { ChatChannelViewElement } from './components/chat-channel-view/chat-channel-view.js';
export { ChatComposerElement } from './components/chat-composer/chat-composer.js';
export { ChatConnectionStatusElement } from './components/chat-connection-status/chat-connection-status.js';
export { ChatMessageElement } from './components/chat-message/chat-message.js';
export { ChatTypingIndicatorElement } from './components/chat-typing-indicator/chat-typing-indicator.js';
export * from './events/public-events.js';
export type { ChatState, ChatChannel, ChatMessage, ChatMedia, ConnectionStatus, ChatErrorInfo } from './state/types.js';
export type { ChatStrings } from './state/strings.js';
export { defaultStrings } from './state/strings.js';
export type { FetchTokenHook } from './session/token-source.js';
export type { PushType } from './services/port.js';
