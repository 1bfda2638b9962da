// Shared helpers of the e2e suite: embedding pages in iframes, reading what a visitor and a host
// page see, and asking the emulator (admin API) and the token endpoint what crossed the wire.
import { waitUntil } from '@open-wc/testing';
import type { ChatWidgetElement } from '../../src/chat-widget.js';

/** The widget as a host page sees it (the instance lives in the iframe's realm). */
export type Widget = ChatWidgetElement;

export interface ConsoleLine {
  readonly level: string;
  readonly text: string;
}

export interface RecordedEvent {
  readonly type: string;
  readonly time: number;
  readonly identity?: string | null;
  readonly previousIdentity?: string | null;
  readonly code?: string;
  readonly message?: string;
  readonly state?: string;
  readonly total?: number;
  readonly expiresAt?: number;
}

export type FrameWindow = Window &
  typeof globalThis & {
    e2eConsole: ConsoleLine[];
    e2eEvents: RecordedEvent[];
  };

/** One embedding page in an iframe. */
export interface Page {
  readonly iframe: HTMLIFrameElement;
  readonly win: FrameWindow;
  readonly widget: Widget;
  /** Reloads the page (same URL) and waits for its new widget. */
  reload(): Promise<Page>;
}

export interface UpstreamRequest {
  readonly seq: number;
  readonly time: string;
  readonly identity: string;
  readonly method: string;
  readonly path: string;
  readonly params: Record<string, string>;
  readonly service: 'chat' | 'sync' | 'ers' | 'other';
  readonly status?: number | 'dropped';
}

export interface ConnectionDetail {
  readonly id: string;
  readonly identity: string;
  readonly connectedAt: string;
  /** ISO time the connection's token expires, on the emulator's clock. */
  readonly tokenExpires: string;
  readonly expired: boolean;
}

export interface PushRegistrations {
  readonly registrations: { identity: string; id: string; channelType: string; registrationId: string }[];
  readonly calls: { register: number; unregister: number };
}

// --- the SDK as far as the tests drive "the other person" through it ------------------------

export interface SdkMessage {
  readonly index: number;
  readonly body: string;
  updateBody(body: string): Promise<unknown>;
  remove(): Promise<unknown>;
}
export interface SdkChannel {
  readonly sid: string;
  sendMessage(body: string): Promise<unknown>;
  getMessages(pageSize?: number, anchor?: number, direction?: string): Promise<{ items: SdkMessage[] }>;
}
export interface SdkClient {
  readonly connectionState: string;
  createChannel(options: {
    uniqueName?: string;
    friendlyName?: string;
  }): Promise<SdkChannel & { join(): Promise<unknown>; add(identity: string): Promise<unknown> }>;
  getChannelBySid(sid: string): Promise<SdkChannel>;
  getChannelByUniqueName(name: string): Promise<SdkChannel>;
}

// --- servers ---------------------------------------------------------------------------------

let emulatorUrl: Promise<string> | null = null;

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { cache: 'no-store', ...init });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url} → ${response.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** Calls the emulator's admin API (CORS), e.g. `admin('POST', '/admin/drop?identity=a')`. */
export async function admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  emulatorUrl ??= getJson<{ url: string }>('/__e2e/emulator').then((r) => r.url);
  const base = await emulatorUrl;
  return getJson<T>(`${base}${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
  });
}

export const resetEmulator = () => admin('POST', '/admin/reset');

export interface SeedChannel {
  uniqueName: string;
  friendlyName?: string;
  type?: 'public' | 'private';
  members?: string[];
  messages?: { author: string; body: string }[];
  messageCount?: number;
  author?: string;
}

export async function seed(channels: SeedChannel[]): Promise<{ sid: string; uniqueName: string }[]> {
  const result = await admin<{ channels: { sid: string; uniqueName: string }[] }>('POST', '/admin/seed', { channels });
  return result.channels;
}

/** Live, initialized connections per identity. */
export const connections = () => admin<Record<string, number>>('GET', '/admin/connections');
export const connectionDetail = () => admin<ConnectionDetail[]>('GET', '/admin/connections?detail=1');
export const pushRegistrations = () => admin<PushRegistrations>('GET', '/admin/push-registrations');

/** Upstream (chat, Sync, ERS) requests in arrival order, optionally of one identity or after `since`. */
export function requests({ identity, since }: { identity?: string; since?: number } = {}): Promise<UpstreamRequest[]> {
  const query = new URLSearchParams();
  if (identity) query.set('identity', identity);
  if (since !== undefined) query.set('since', String(since));
  return admin<UpstreamRequest[]>('GET', `/admin/requests?${query}`);
}

/** Waits until `identity`'s client has made no upstream request for `quietMs`: its SDK is idle. */
export async function settled(identity: string, quietMs = 300): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const mine = await requests({ identity });
    const idle = Date.now() - (mine.length ? Date.parse(mine[mine.length - 1].time) : 0);
    if (idle >= quietMs) return;
    await quietPeriod(quietMs - idle);
  }
  throw new Error(`${identity} never settled`);
}

/** The chat REST prefix `identity`'s SDK uses, `/Client/v1/Services/IS…`, read off its requests. */
export async function chatServicePath(identity: string): Promise<string> {
  const chat = (await requests({ identity })).find((r) => r.path.startsWith('/Client/v1/Services/'));
  if (!chat) throw new Error(`${identity} made no chat request yet`);
  return chat.path.split('/').slice(0, 5).join('/');
}

/** The seq of the newest upstream request so far (0 when none). */
export async function lastSeq(): Promise<number> {
  const all = await requests();
  return all.length ? all[all.length - 1].seq : 0;
}

/** How often the page's token endpoint was asked for each identity. */
export const tokenRequests = () => getJson<Record<string, number>>('/__e2e/token-requests');

/** Log lines of the emulator since `since` (an index from a previous call). */
export const emulatorLog = (since = 0) =>
  getJson<{ lines: string[]; next: number }>(`/__e2e/emulator-log?since=${since}`);

// --- pages -----------------------------------------------------------------------------------

const frames = new Set<HTMLIFrameElement>();
let counter = 0;

/** An identity no other test uses. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}${counter}`;
}

function waitForLoad(iframe: HTMLIFrameElement): Promise<void> {
  return new Promise((resolve) => iframe.addEventListener('load', () => resolve(), { once: true }));
}

async function attach(iframe: HTMLIFrameElement): Promise<Page> {
  const win = iframe.contentWindow as FrameWindow;
  await waitUntil(() => win.document.querySelector('chat-widget'), 'the page created its widget', { timeout: 10_000 });
  const widget = win.document.querySelector('chat-widget') as Widget;
  await waitUntil(() => win.customElements.get('chat-widget'), 'chat-widget defined', { timeout: 20_000 });
  return {
    iframe,
    win,
    widget,
    async reload() {
      const loaded = waitForLoad(iframe);
      win.location.reload();
      await loaded;
      return attach(iframe);
    },
  };
}

/** Loads `fixtures/widget.html` with these query parameters in a visible iframe. */
export async function openPage(params: Record<string, string | boolean | undefined>): Promise<Page> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === true) query.set(key, '');
    else if (typeof value === 'string') query.set(key, value);
  }
  const iframe = document.createElement('iframe');
  iframe.style.cssText = 'width: 800px; height: 600px; border: 0; display: block;';
  const loaded = waitForLoad(iframe);
  iframe.src = `/test/e2e/fixtures/widget.html?${query}`;
  document.body.append(iframe);
  frames.add(iframe);
  await loaded;
  return attach(iframe);
}

/** Removes every iframe a test opened (their sockets close with them). */
/** Two people in a seeded channel of their own, each on a page with the channel open. */
export async function openPair(prefix: string) {
  const alice = uid('alice');
  const bob = uid('bob');
  const channel = `${prefix}-${alice}`;
  await seed([{ uniqueName: channel, members: [alice, bob] }]);
  const [a, b] = await Promise.all([openPage({ identity: alice, channel }), openPage({ identity: bob, channel })]);
  await Promise.all([waitReady(a), waitReady(b), waitChannelOpen(a), waitChannelOpen(b)]);
  return { alice, bob, channel, a, b };
}

/** Makes the page look hidden or visible to the widget, as a tab switch does. */
export function setVisibility(page: Page, state: 'hidden' | 'visible'): void {
  const doc = page.win.document;
  Object.defineProperty(doc, 'visibilityState', { configurable: true, get: () => state });
  Object.defineProperty(doc, 'hidden', { configurable: true, get: () => state === 'hidden' });
  doc.dispatchEvent(new page.win.Event('visibilitychange'));
}

export function closePages(): void {
  for (const iframe of frames) iframe.remove();
  frames.clear();
}

export async function waitReady(page: Page, timeout = 30_000): Promise<void> {
  await waitUntil(
    () => page.widget.state.phase === 'ready' && page.widget.state.connection === 'connected',
    `${page.widget.identity ?? 'widget'} ready and connected (phase ${page.widget.state.phase}, ${page.widget.state.connection})`,
    { timeout },
  );
}

/** Waits until the widget's open channel has its first page of messages. */
export async function waitChannelOpen(page: Page, timeout = 30_000): Promise<string> {
  await waitUntil(
    () => {
      const sid = page.widget.state.activeChannelSid;
      const window = sid ? page.widget.state.messages[sid] : undefined;
      return !!window && !window.loading;
    },
    'the configured channel is open',
    { timeout },
  );
  return page.widget.state.activeChannelSid!;
}

export const events = (page: Page, type: string) => page.win.e2eEvents.filter((e) => e.type === type);

// --- what the visitor sees --------------------------------------------------------------------

/** All text of a node, through every open shadow root. */
export function deepText(node: Node): string {
  let text = '';
  if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
  const element = node as Element;
  if (element.shadowRoot) text += deepText(element.shadowRoot);
  for (const child of Array.from(node.childNodes)) text += deepText(child);
  return text;
}

/** Every element matching `selector`, through every open shadow root. */
export function deepQueryAll<T extends Element = Element>(root: Node, selector: string): T[] {
  const found: T[] = [];
  const visit = (node: Node) => {
    if (node.nodeType === Node.ELEMENT_NODE) {
      const element = node as Element;
      if (element.matches?.(selector)) found.push(element as T);
      if (element.shadowRoot) visit(element.shadowRoot);
    }
    for (const child of Array.from(node.childNodes)) visit(child);
  };
  visit(root);
  return found;
}

/** The visible bodies of the messages in the open channel, top to bottom. */
export function messageBodies(page: Page): string[] {
  return deepQueryAll(page.widget, 'chat-message').map((message) => {
    const body = message.shadowRoot?.querySelector('.body');
    return body?.textContent?.trim() ?? '';
  });
}

/** The chat-message elements of the open channel. */
export const messageElements = (page: Page) => deepQueryAll<HTMLElement>(page.widget, 'chat-message');

/** The rows of the channel list: data-sid of each button. */
export function channelRows(page: Page): string[] {
  return deepQueryAll<HTMLButtonElement>(page.widget, 'button[data-sid]').map((b) => b.dataset.sid ?? '');
}

/** Types into the open channel's composer and presses Enter, as a visitor does. */
export async function typeAndSend(page: Page, text: string): Promise<void> {
  const field = deepQueryAll<HTMLTextAreaElement>(page.widget, 'chat-composer textarea, textarea[part="input"]')[0];
  if (!field) throw new Error('no composer on screen');
  field.value = text;
  field.dispatchEvent(new page.win.InputEvent('input', { bubbles: true, composed: true }));
  field.dispatchEvent(
    new page.win.KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }),
  );
}

/** The SDK client of a page's widget, used as "the other person's" device. */
export function sdk(page: Page): SdkClient {
  const client = page.widget.client as SdkClient | null;
  if (!client) throw new Error('no client');
  return client;
}

/** Counts of each value. */
export function counts(values: readonly string[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const value of values) result[value] = (result[value] ?? 0) + 1;
  return result;
}

/** A short, bounded wait for something that must NOT happen (a refetch, a second registration). */
export const quietPeriod = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
