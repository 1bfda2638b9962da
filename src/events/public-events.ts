/**
 * The events `<chat-widget>` fires for the host page. All bubble and cross shadow roots.
 */
import type { ConnectionStatus } from '../state/types.js';

const init: EventInit = { bubbles: true, composed: true };

/** The client is initialized and the channel list is loaded. */
export class ChatReadyEvent extends Event {
  static readonly eventName = 'chat-ready';
  readonly identity: string;
  constructor({ identity }: { identity: string }) {
    super(ChatReadyEvent.eventName, init);
    this.identity = identity;
  }
}

/** Something went wrong that the visitor was told about. */
export class ChatErrorEvent extends Event {
  static readonly eventName = 'chat-error';
  /** Stable code, e.g. `token-ttl-too-short`, `token-identity-mismatch`, `denied`. */
  readonly code: string;
  /** Human-readable message. */
  readonly message: string;
  constructor({ code, message }: { code: string; message: string }) {
    super(ChatErrorEvent.eventName, init);
    this.code = code;
    this.message = message;
  }
}

export class ChatConnectionChangeEvent extends Event {
  static readonly eventName = 'chat-connection-change';
  readonly state: ConnectionStatus;
  constructor({ state }: { state: ConnectionStatus }) {
    super(ChatConnectionChangeEvent.eventName, init);
    this.state = state;
  }
}

export class ChatUnreadChangeEvent extends Event {
  static readonly eventName = 'chat-unread-change';
  /** Unread messages over all joined channels. */
  readonly total: number;
  constructor({ total }: { total: number }) {
    super(ChatUnreadChangeEvent.eventName, init);
    this.total = total;
  }
}

/** A client for a new identity is being created (the old one is gone). */
export class ChatIdentityChangeEvent extends Event {
  static readonly eventName = 'chat-identity-change';
  readonly identity: string | null;
  readonly previousIdentity: string | null;
  constructor({ identity, previousIdentity }: { identity: string | null; previousIdentity: string | null }) {
    super(ChatIdentityChangeEvent.eventName, init);
    this.identity = identity;
    this.previousIdentity = previousIdentity;
  }
}

/** A fresh token was fetched and handed to the SDK. */
export class ChatTokenRefreshEvent extends Event {
  static readonly eventName = 'chat-token-refresh';
  /** Expiry of the new token, ms since epoch. */
  readonly expiresAt: number;
  constructor({ expiresAt }: { expiresAt: number }) {
    super(ChatTokenRefreshEvent.eventName, init);
    this.expiresAt = expiresAt;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'chat-ready': ChatReadyEvent;
    'chat-error': ChatErrorEvent;
    'chat-connection-change': ChatConnectionChangeEvent;
    'chat-unread-change': ChatUnreadChangeEvent;
    'chat-identity-change': ChatIdentityChangeEvent;
    'chat-token-refresh': ChatTokenRefreshEvent;
  }
}
