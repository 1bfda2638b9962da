/**
 * Requests from the widget's children to the root ("events up"). They bubble and compose so they
 * cross the children's shadow roots; `<chat-widget>` handles them and stops them there, so the
 * host page never sees them.
 */

export class ChatChannelSelectEvent extends Event {
  static readonly eventName = 'chat-channel-select';
  /** SID of the channel to open, or null to go back to the list. */
  readonly channelSid: string | null;
  constructor({ channelSid }: { channelSid: string | null }) {
    super(ChatChannelSelectEvent.eventName, { bubbles: true, composed: true });
    this.channelSid = channelSid;
  }
}

export class ChatMessageSendEvent extends Event {
  static readonly eventName = 'chat-message-send';
  readonly channelSid: string;
  readonly body: string;
  constructor({ channelSid, body }: { channelSid: string; body: string }) {
    super(ChatMessageSendEvent.eventName, { bubbles: true, composed: true });
    this.channelSid = channelSid;
    this.body = body;
  }
}

/** A file the visitor chose to send (an image or any other). */
export class ChatFileSendEvent extends Event {
  static readonly eventName = 'chat-file-send';
  readonly channelSid: string;
  readonly file: File;
  constructor({ channelSid, file }: { channelSid: string; file: File }) {
    super(ChatFileSendEvent.eventName, { bubbles: true, composed: true });
    this.channelSid = channelSid;
    this.file = file;
  }
}

/** A rendered message shows media whose download URL the widget does not have yet. */
export class ChatMediaRequestEvent extends Event {
  static readonly eventName = 'chat-media-request';
  readonly channelSid: string;
  readonly index: number;
  readonly mediaSid: string;
  constructor({ channelSid, index, mediaSid }: { channelSid: string; index: number; mediaSid: string }) {
    super(ChatMediaRequestEvent.eventName, { bubbles: true, composed: true });
    this.channelSid = channelSid;
    this.index = index;
    this.mediaSid = mediaSid;
  }
}

export class ChatMessageRetryEvent extends Event {
  static readonly eventName = 'chat-message-retry';
  readonly channelSid: string;
  readonly clientId: string;
  constructor({ channelSid, clientId }: { channelSid: string; clientId: string }) {
    super(ChatMessageRetryEvent.eventName, { bubbles: true, composed: true });
    this.channelSid = channelSid;
    this.clientId = clientId;
  }
}

export class ChatMessageEditEvent extends Event {
  static readonly eventName = 'chat-message-edit';
  readonly channelSid: string;
  readonly index: number;
  readonly body: string;
  constructor({ channelSid, index, body }: { channelSid: string; index: number; body: string }) {
    super(ChatMessageEditEvent.eventName, { bubbles: true, composed: true });
    this.channelSid = channelSid;
    this.index = index;
    this.body = body;
  }
}

export class ChatMessageRemoveEvent extends Event {
  static readonly eventName = 'chat-message-remove';
  readonly channelSid: string;
  readonly index: number;
  constructor({ channelSid, index }: { channelSid: string; index: number }) {
    super(ChatMessageRemoveEvent.eventName, { bubbles: true, composed: true });
    this.channelSid = channelSid;
    this.index = index;
  }
}

export class ChatTypingEvent extends Event {
  static readonly eventName = 'chat-typing';
  readonly channelSid: string;
  constructor({ channelSid }: { channelSid: string }) {
    super(ChatTypingEvent.eventName, { bubbles: true, composed: true });
    this.channelSid = channelSid;
  }
}

/** Asks for the previous page of a channel's history (scrolled to the top). */
export class ChatHistoryRequestEvent extends Event {
  static readonly eventName = 'chat-history-request';
  readonly channelSid: string;
  constructor({ channelSid }: { channelSid: string }) {
    super(ChatHistoryRequestEvent.eventName, { bubbles: true, composed: true });
    this.channelSid = channelSid;
  }
}

/** The newest message the visitor has actually seen (J5): panel open, tab visible, at the bottom. */
export class ChatMessagesSeenEvent extends Event {
  static readonly eventName = 'chat-messages-seen';
  readonly channelSid: string;
  readonly index: number;
  constructor({ channelSid, index }: { channelSid: string; index: number }) {
    super(ChatMessagesSeenEvent.eventName, { bubbles: true, composed: true });
    this.channelSid = channelSid;
    this.index = index;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'chat-channel-select': ChatChannelSelectEvent;
    'chat-message-send': ChatMessageSendEvent;
    'chat-message-retry': ChatMessageRetryEvent;
    'chat-file-send': ChatFileSendEvent;
    'chat-media-request': ChatMediaRequestEvent;
    'chat-message-edit': ChatMessageEditEvent;
    'chat-message-remove': ChatMessageRemoveEvent;
    'chat-typing': ChatTypingEvent;
    'chat-history-request': ChatHistoryRequestEvent;
    'chat-messages-seen': ChatMessagesSeenEvent;
  }
}
