import { LitElement, html, nothing } from 'lit';
import type { PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { ContextProvider } from '@lit/context';
import { chatStateContext, chatStringsContext } from './state/contexts.js';
import { ChatStore } from './state/chat-store.js';
import { defaultStrings } from './state/strings.js';
import type { ChatStrings } from './state/strings.js';
import type { ChatState } from './state/types.js';
import { ChatSession } from './session/chat-session.js';
import type { SessionNotice } from './session/chat-session.js';
import { sessionStorageOrNull } from './session/token-source.js';
import type { FetchTokenHook } from './session/token-source.js';
import { localStorageOrNull } from './session/push-registrar.js';
import { loadTwilioChatClientFactory } from './services/load-sdk.js';
import type { ChatClientFactory, PushType } from './services/port.js';
import {
  ChatConnectionChangeEvent,
  ChatErrorEvent,
  ChatIdentityChangeEvent,
  ChatReadyEvent,
  ChatTokenRefreshEvent,
  ChatUnreadChangeEvent,
} from './events/public-events.js';
import {
  ChatChannelSelectEvent,
  ChatFileSendEvent,
  ChatHistoryRequestEvent,
  ChatMediaRequestEvent,
  ChatMessageEditEvent,
  ChatMessageRemoveEvent,
  ChatMessageRetryEvent,
  ChatMessageSendEvent,
  ChatMessagesSeenEvent,
  ChatTypingEvent,
} from './events/request-events.js';
import './components/chat-channel-list/chat-channel-list.js';
import './components/chat-channel-view/chat-channel-view.js';
import './components/chat-connection-status/chat-connection-status.js';
import { styles } from './chat-widget.styles.js';

/** The children's parts, surfaced for `::part()`; names the root uses itself are prefixed. */
const VIEW_PARTS = [
  'header:channel-header',
  'error:channel-error',
  'retry-button:channel-retry-button',
  'status:channel-status',
  ...'back-button title log loading-older message own author time body link attachment image message-status edited actions edit-input typing composer composer-input send-button attach-button'.split(
    ' ',
  ),
].join(', ');
const LIST_PARTS = 'list, channel, active, name, badge:channel-badge, status:channel-list-status';

/** How long a removed element waits before shutting its client down, so a move is not a logout. */
const DISCONNECT_GRACE_MS = 1000;

/** JSON attribute → object; a malformed value is reported, not thrown into the host page. */
const jsonObjectConverter = {
  fromAttribute(value: string | null): Record<string, unknown> {
    if (!value) return {};
    try {
      const parsed: unknown = JSON.parse(value);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // fall through
    }
    console.warn('chat-widget: client-options must be a JSON object; ignored.');
    return {};
  },
};

/**
 * An embeddable chat for Twilio Programmable Chat that follows every one of Twilio's best
 * practices: one SDK client per identity, tokens prefetched, cached per session and refreshed on
 * the SDK's expiry events, channels listened to before they are paged, messages fetched only for
 * opened channels, and push registrations made once and removed on logout.
 *
 * @summary A chat launcher and panel backed by Twilio Programmable Chat.
 *
 * @fires chat-ready - The client is initialized and the channels are loaded. `identity`.
 * @fires chat-error - An error the visitor was told about. `code`, `message`.
 * @fires chat-connection-change - The connection state changed. `state`.
 * @fires chat-unread-change - The total of unread messages changed. `total`.
 * @fires chat-identity-change - The old client is gone; a new identity (or none) takes over. `identity`, `previousIdentity`.
 * @fires chat-token-refresh - A fresh token was handed to the SDK. `expiresAt`.
 *
 * @csspart launcher - The floating button that opens the panel (launcher mode).
 * @csspart badge - The unread count on the launcher.
 * @csspart panel - The chat panel.
 * @csspart header - The panel's header.
 * @csspart error - The error banner.
 * @csspart connection-banner - The connection state banner (reconnecting, offline, denied).
 * @csspart channel - A row of the channel list (also `list`, `active`, `name`, `channel-badge`).
 * @csspart message - A message (also `own`, `author`, `time`, `body`, `link`, `attachment`, `edited`, `actions`).
 * @csspart composer - The message composer (also `composer-input`, `send-button`).
 * @csspart channel-header - The header of an opened channel (also `back-button`, `title`, `log`, `typing`).
 * @csspart channel-error - An error loading a channel's messages, with its `channel-retry-button`.
 *
 * @cssprop [--chat-widget-accent=#2563eb] - Accent colour of buttons and own messages.
 * @cssprop [--chat-widget-bg=Canvas] - Panel background.
 * @cssprop [--chat-widget-fg=CanvasText] - Text colour.
 * @cssprop [--chat-widget-font=system-ui, sans-serif] - Font family.
 * @cssprop [--chat-widget-radius=12px] - Corner radius of the panel.
 * @cssprop [--chat-widget-width=360px] - Width of the panel in launcher mode.
 * @cssprop [--chat-widget-height=560px] - Height of the panel in launcher mode.
 * @cssprop [--chat-widget-z-index=2147483000] - Stacking order of the launcher and panel.
 */
@customElement('chat-widget')
export class ChatWidgetElement extends LitElement {
  static override styles = styles;

  private readonly store = new ChatStore();
  private readonly session: ChatSession;
  private readonly stateProvider = new ContextProvider(this, {
    context: chatStateContext,
    initialValue: this.store.state,
  });
  private readonly stringsProvider = new ContextProvider(this, {
    context: chatStringsContext,
    initialValue: defaultStrings,
  });
  private unsubscribeStore: (() => void) | null = null;
  private disposeTimer: ReturnType<typeof setTimeout> | null = null;
  private started = false;

  @query('.launcher') private launcherButton?: HTMLButtonElement;
  @query('.panel') private panel?: HTMLElement;

  @state() private snapshot: ChatState = this.store.state;

  /** URL of your token endpoint: `GET {token-url}?identity=…` answers a JWT or `{token, clientOptions}`. */
  @property({ attribute: 'token-url' }) tokenUrl: string | null = null;
  /** The user to chat as; without it the identity inside the token is used (guest chats). */
  @property({ reflect: true }) identity: string | null = null;
  /** SID or unique name of a channel to open at once; a public one is joined. */
  @property() channel: string | null = null;
  /** `launcher` (floating button and panel) or `inline` (fills its own box). */
  @property({ reflect: true }) mode: 'launcher' | 'inline' = 'launcher';
  /** Whether the panel is open (launcher mode). */
  @property({ type: Boolean, reflect: true, attribute: 'open' }) isOpen = false;
  /** Options merged into the SDK client's options (JSON in the attribute). */
  @property({ attribute: 'client-options', converter: jsonObjectConverter }) clientOptions: Record<string, unknown> =
    {};
  /** `same-origin` (default) or `include` for a token endpoint on another origin. */
  @property({ attribute: 'token-credentials' }) tokenCredentials: RequestCredentials = 'same-origin';
  /** The SDK's log level: `silent` (default), `error`, `warn`, `info`, `debug`, `trace`. */
  @property({ attribute: 'log-level' }) logLevel: string | null = null;
  /** Your own token hook, for sites with their own auth: `(identity) => Promise<string | {token, clientOptions}>`. */
  @property({ attribute: false }) fetchToken: FetchTokenHook | null = null;
  /** The device's push token (e.g. from Firebase Messaging); registered once per identity and token. */
  @property({ attribute: false }) pushToken: string | null = null;
  /** Push channel of `pushToken`: `fcm` (browsers) or `apn`. */
  @property({ attribute: 'push-type' }) pushType: PushType = 'fcm';
  /** Replaces any of the texts, for translation. */
  @property({ attribute: false }) strings: Partial<ChatStrings> = {};

  constructor(loadClientFactory: () => Promise<ChatClientFactory> = loadTwilioChatClientFactory) {
    super();
    this.session = new ChatSession({
      store: this.store,
      loadClientFactory,
      tokenStorage: sessionStorageOrNull(),
      pushStorage: localStorageOrNull(),
      notify: (notice) => this.handleNotice(notice),
    });
    this.addEventListener(ChatChannelSelectEvent.eventName, (e) =>
      this.handleRequest(e, () => this.session.openChannel(e.channelSid)),
    );
    this.addEventListener(ChatMessageSendEvent.eventName, (e) =>
      this.handleRequest(e, () => this.session.send(e.channelSid, e.body)),
    );
    this.addEventListener(ChatFileSendEvent.eventName, (e) =>
      this.handleRequest(e, () => this.session.sendFile(e.channelSid, e.file)),
    );
    this.addEventListener(ChatMediaRequestEvent.eventName, (e) =>
      this.handleRequest(e, () => this.session.loadMediaUrl(e.channelSid, e.index, e.mediaSid)),
    );
    this.addEventListener(ChatMessageRetryEvent.eventName, (e) =>
      this.handleRequest(e, () => this.session.retrySend(e.channelSid, e.clientId)),
    );
    this.addEventListener(ChatMessageEditEvent.eventName, (e) =>
      this.handleRequest(e, () => this.session.edit(e.channelSid, e.index, e.body)),
    );
    this.addEventListener(ChatMessageRemoveEvent.eventName, (e) =>
      this.handleRequest(e, () => this.session.remove(e.channelSid, e.index)),
    );
    this.addEventListener(ChatTypingEvent.eventName, (e) =>
      this.handleRequest(e, () => this.session.typing(e.channelSid)),
    );
    this.addEventListener(ChatHistoryRequestEvent.eventName, (e) =>
      this.handleRequest(e, () => this.session.loadOlder(e.channelSid)),
    );
    this.addEventListener(ChatMessagesSeenEvent.eventName, (e) =>
      this.handleRequest(e, () => this.session.markSeen(e.channelSid, e.index)),
    );
  }

  /** The live SDK client (twilio-chat `Client`) or null; for advanced use, never keep it. */
  get client(): unknown {
    return this.session.sdkClient;
  }

  /** A read-only snapshot of the widget's state. */
  get state(): ChatState {
    return this.store.state;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.disposeTimer) {
      // Moved by a framework (disconnect + connect): the same client goes on (L3).
      clearTimeout(this.disposeTimer);
      this.disposeTimer = null;
    }
    this.unsubscribeStore ??= this.store.subscribe((next) => this.handleStateChange(next));
    window.addEventListener('online', this.handleNetworkChange);
    window.addEventListener('offline', this.handleNetworkChange);
    this.session.setNetworkOnline(navigator.onLine);
    if (!this.started) {
      // T4: the token fetch starts the moment the element is in the page.
      this.started = true;
      this.configureSession();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('online', this.handleNetworkChange);
    window.removeEventListener('offline', this.handleNetworkChange);
    this.disposeTimer = setTimeout(() => {
      this.disposeTimer = null;
      this.started = false;
      this.unsubscribeStore?.();
      this.unsubscribeStore = null;
      void this.session.dispose();
    }, DISCONNECT_GRACE_MS);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('strings')) this.stringsProvider.setValue({ ...defaultStrings, ...this.strings });
    if (
      this.started &&
      (changed.has('tokenUrl') ||
        changed.has('identity') ||
        changed.has('channel') ||
        changed.has('fetchToken') ||
        changed.has('tokenCredentials'))
    ) {
      this.configureSession();
    }
    if (changed.has('pushToken') || changed.has('pushType')) this.session.setPushToken(this.pushToken, this.pushType);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('isOpen') && changed.get('isOpen') !== undefined) {
      if (this.isOpen) this.panel?.focus();
      else this.launcherButton?.focus();
    }
  }

  /** Opens the panel (launcher mode). */
  open(): void {
    this.isOpen = true;
  }

  /** Closes the panel (launcher mode). */
  close(): void {
    this.isOpen = false;
  }

  /** Logs out: releases every chat object, removes the push registration and the cached token, shuts the client down. */
  logout(): Promise<void> {
    return this.session.logout();
  }

  override render() {
    const strings = this.stringsProvider.value;
    const inline = this.mode === 'inline';
    const unread = this.snapshot.unreadTotal;
    return html`
      ${
        inline
          ? nothing
          : html`<button
              class="launcher"
              part="launcher"
              aria-expanded=${this.isOpen ? 'true' : 'false'}
              aria-controls="panel"
              aria-label=${unread ? `${strings.launcherLabel}, ${strings.unread(unread)}` : strings.launcherLabel}
              @click=${this.handleLauncherClick}
            >
              <svg viewBox="0 0 24 24" aria-hidden="true" width="26" height="26">
                <path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z" />
              </svg>
              ${unread ? html`<span class="badge" part="badge" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>` : nothing}
            </button>`
      }
      <section
        id="panel"
        class="panel"
        part="panel"
        role=${inline ? 'region' : 'dialog'}
        aria-label=${strings.title}
        tabindex="-1"
        ?hidden=${!inline && !this.isOpen}
        @keydown=${this.handlePanelKeydown}
      >
        <header part="header">
          <h2>${strings.title}</h2>
          ${this.snapshot.identity ? html`<span class="identity">${this.snapshot.identity}</span>` : nothing}
          ${
            inline
              ? nothing
              : html`<button class="close" aria-label=${strings.closeLabel} @click=${this.close}>
                  <svg viewBox="0 0 24 24" aria-hidden="true" width="18" height="18">
                    <path fill="currentColor" d="M6 5l13 13-1 1L5 6zM18 5l1 1L6 19l-1-1z" />
                  </svg>
                </button>`
          }
        </header>
        <chat-connection-status
          .status=${this.snapshot.connection}
          exportparts="banner:connection-banner"
        ></chat-connection-status>
        ${this.renderError()} ${this.renderBody()}
      </section>
    `;
  }

  private renderError() {
    const error = this.snapshot.error;
    if (!error) return nothing;
    const fatal = this.snapshot.phase === 'error';
    return html`<div class="error" part="error" role="alert">
      <span>${error.message}</span>
      ${fatal ? html`<button @click=${() => this.session.retry()}>${this.stringsProvider.value.retry}</button>` : nothing}
    </div>`;
  }

  private renderBody() {
    const { phase, activeChannelSid } = this.snapshot;
    const strings = this.stringsProvider.value;
    if (phase === 'authorizing' || phase === 'connecting') {
      return html`<div class="loading" role="status">
        <span class="spinner" aria-hidden="true"></span>${strings.connection.connecting}
      </div>`;
    }
    if (phase === 'logged-out') return html`<p class="loading" role="status">${strings.loggedOut}</p>`;
    if (phase !== 'ready') return nothing;
    if (activeChannelSid) {
      return html`<chat-channel-view
        .channelSid=${activeChannelSid}
        .active=${this.mode === 'inline' || this.isOpen}
        exportparts=${VIEW_PARTS}
      ></chat-channel-view>`;
    }
    return html`<chat-channel-list exportparts=${LIST_PARTS}></chat-channel-list>`;
  }

  private configureSession(): void {
    const clientOptions = { ...this.clientOptions };
    clientOptions.logLevel ??= this.logLevel ?? 'silent';
    this.session.configure({
      tokenUrl: this.tokenUrl,
      identity: this.identity || null,
      credentials: this.tokenCredentials === 'include' ? 'include' : 'same-origin',
      fetchToken: this.fetchToken,
      clientOptions,
      channel: this.channel || null,
    });
  }

  private handleStateChange(next: ChatState): void {
    const previous = this.snapshot;
    this.snapshot = next;
    this.stateProvider.setValue(next);
    if (previous.connection !== next.connection && next.connection !== 'idle') {
      this.dispatchEvent(new ChatConnectionChangeEvent({ state: next.connection }));
    }
    if (previous.unreadTotal !== next.unreadTotal)
      this.dispatchEvent(new ChatUnreadChangeEvent({ total: next.unreadTotal }));
  }

  private handleNotice(notice: SessionNotice): void {
    switch (notice.type) {
      case 'ready':
        this.dispatchEvent(new ChatReadyEvent({ identity: notice.identity }));
        break;
      case 'error':
        this.dispatchEvent(new ChatErrorEvent(notice.error));
        break;
      case 'token-refresh':
        this.dispatchEvent(new ChatTokenRefreshEvent({ expiresAt: notice.expiresAt }));
        break;
      case 'identity-change':
        this.dispatchEvent(
          new ChatIdentityChangeEvent({ identity: notice.identity, previousIdentity: notice.previousIdentity }),
        );
        break;
    }
  }

  /** Requests from the children end here; the host page never sees them. */
  private handleRequest(event: Event, action: () => unknown): void {
    event.stopPropagation();
    void action();
  }

  private readonly handleNetworkChange = (): void => {
    this.session.setNetworkOnline(navigator.onLine);
  };

  private handleLauncherClick(): void {
    this.isOpen = !this.isOpen;
  }

  private handlePanelKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this.mode !== 'inline' && this.isOpen) {
      event.stopPropagation();
      this.close();
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-widget': ChatWidgetElement;
  }
}
