// The twilsock gateway: one Connection per WebSocket, the init/update/close handshake, token
// expiry, delayed notification delivery, and upstream requests routed to chat, Sync and ERS.
import { STATUS_CODES } from 'node:http';
import { encodeFrame, decodeFrame, newMessageId } from './frame.js';
import { verifyToken, newSid } from './token.js';
import { ChatError } from './chat.js';
import { SyncError } from './sync.js';

const WARN_BEFORE_MS = 3 * 60 * 1000;
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * @typedef {import('./emulator.js').Emulator} Emulator
 */

export class Connection {
  /** @param {Emulator} emu @param {import('ws').WebSocket} ws @param {string} host Host header of the upgrade request */
  constructor(emu, ws, host) {
    this.emu = emu;
    this.ws = ws;
    this.host = host;
    this.id = newSid('WS').slice(0, 12);
    /** @type {string|null} */ this.identity = null;
    this.exp = 0;
    this.token = '';
    this.warned = false;
    this.expired = false;
    this.connectedAt = new Date().toISOString();
    /** @type {Set<string>|null} message types this connection registered for; null = all */
    this.messageTypes = null;
    /** @type {Array<{due: number, header: any, payload: any}>} */ this.queue = [];
    /** @type {NodeJS.Timeout|null} */ this.pumpTimer = null;
    /** @type {NodeJS.Timeout[]} */ this.timers = [];
  }

  /** @param {Record<string, any>} header @param {any} [payload] */
  send(header, payload) {
    if (this.ws.readyState !== 1) return;
    if (this.emu.debug)
      this.emu.log(
        `[frame out ${this.identity ?? '-'}] ${JSON.stringify(header)} ${payload === undefined ? '' : JSON.stringify(payload)}`,
      );
    this.ws.send(encodeFrame(header, payload), { binary: true });
  }

  /** Server push, delayed by the admin delay while one is set (order is kept). */
  notify(messageType, payload) {
    if (this.messageTypes && !this.messageTypes.has(messageType)) return;
    const header = {
      method: 'notification',
      id: newMessageId(),
      message_type: messageType,
      payload_type: 'application/json',
    };
    const delay = this.emu.delayMs;
    if (delay <= 0 && this.queue.length === 0) return this.send(header, payload);
    this.queue.push({ due: Date.now() + delay, header, payload });
    this.pump();
  }

  pump() {
    if (this.pumpTimer || this.queue.length === 0) return;
    this.pumpTimer = setTimeout(
      () => {
        this.pumpTimer = null;
        while (this.queue.length && this.queue[0].due <= Date.now()) {
          const { header, payload } = /** @type {any} */ (this.queue.shift());
          this.send(header, payload);
        }
        this.pump();
      },
      Math.max(0, this.queue[0].due - Date.now()),
    );
  }

  clearTimers() {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  /** (Re)schedules token_about_to_expire and the 410 close against the emulator clock. */
  scheduleExpiry() {
    this.clearTimers();
    if (!this.identity || this.expired) return;
    const left = this.exp * 1000 - this.emu.now();
    if (left <= 0) return this.expire();
    if (!this.warned) {
      if (left <= WARN_BEFORE_MS) this.warn();
      else this.timers.push(setTimeout(() => this.warn(), Math.min(left - WARN_BEFORE_MS, MAX_TIMER_MS)));
    }
    this.timers.push(setTimeout(() => this.scheduleExpiry(), Math.min(left, MAX_TIMER_MS)));
  }

  warn() {
    this.warned = true;
    this.send({ method: 'client_update', id: newMessageId(), client_update_type: 'token_about_to_expire' });
  }

  expire() {
    this.clearTimers();
    this.expired = true;
    this.emu.log(`[twilsock] token expired: ${this.identity} (${this.id})`);
    this.send({
      method: 'close',
      id: newMessageId(),
      payload_type: 'application/json',
      status: {
        code: 410,
        status: 'TOKEN_EXPIRED',
        errorCode: 20104,
        description: 'Access Token expired or expiration date invalid',
      },
    });
    // The SDK closes the socket itself after a 410; make sure it goes even if it does not.
    this.timers.push(setTimeout(() => this.ws.terminate(), 5000));
  }

  /** @param {Buffer} data */
  onMessage(data) {
    let frame;
    try {
      frame = decodeFrame(data);
    } catch (e) {
      this.emu.log(`[twilsock] unparsable frame from ${this.identity ?? this.id}: ${/** @type {Error} */ (e).message}`);
      return;
    }
    const { header, payload } = frame;
    if (this.emu.debug) this.emu.log(`[frame in ${this.identity ?? '-'}] ${JSON.stringify(header)} ${payload}`);
    switch (header.method) {
      case 'init':
        return this.onInit(header);
      case 'update':
        return this.onUpdate(header);
      case 'message':
        return this.onUpstream(header, payload);
      case 'close':
        this.closing = true;
        return;
      case 'reply':
      case 'telemetry.v1':
        return;
      case 'put_notification_ctx':
      case 'delete_notification_ctx':
        return this.send({ method: 'reply', id: header.id, status: { code: 200, status: 'OK' } });
      default:
        this.emu.log(`[twilsock] unknown method ${header.method} from ${this.identity ?? this.id}`);
    }
  }

  reject(id, error) {
    this.send({
      method: 'reply',
      id,
      payload_type: 'application/json',
      status: { code: error.code, status: error.status, errorCode: error.errorCode, description: error.description },
    });
  }

  onInit(header) {
    const v = verifyToken(header.token, this.emu.secret, this.emu.now());
    const holdUntil = v.ok ? (this.emu.holds.get(v.info.identity) ?? 0) : 0;
    if (holdUntil > Date.now()) {
      this.timers.push(setTimeout(() => this.onInit(header), holdUntil - Date.now()));
      return;
    }
    if (!v.ok) {
      this.emu.log(`[twilsock] init refused (${v.error.errorCode}): ${v.error.description}`);
      return this.reject(header.id, v.error);
    }
    const types = (header.registrations ?? []).flatMap((/** @type {any} */ r) => r.message_types ?? []);
    this.messageTypes = types.length ? new Set(types) : null;
    this.identity = v.info.identity;
    this.exp = v.info.exp;
    this.token = header.token;
    const reused =
      typeof header.continuation_token === 'string' && this.emu.continuationTokens.has(header.continuation_token);
    const continuationToken = reused ? header.continuation_token : newSid('CT');
    this.emu.continuationTokens.add(continuationToken);
    this.emu.onConnectionReady(this);
    this.send({
      method: 'reply',
      id: header.id,
      status: { code: 200, status: 'OK' },
      payload_type: 'application/json',
      continuation_token: continuationToken,
      continuation_token_status: { reused, reuse_status: reused ? 'REUSED' : 'NEW' },
      capabilities: ['client_update', 'offline_storage', 'telemetry.v1'],
      // storage_id keys the SDK's sessionStorage cache of Sync objects; a new one per state epoch
      // keeps a browser tab from reading objects cached before an admin reset.
      offline_storage: {
        ip_messaging: { storage_id: `OS${this.emu.epoch}-${Buffer.from(this.identity).toString('hex')}` },
      },
      init_registrations: [{ product: 'ip_messaging', type: 'ers' }],
      debug_info: {},
    });
    this.scheduleExpiry();
  }

  onUpdate(header) {
    const v = verifyToken(header.token, this.emu.secret, this.emu.now());
    if (!v.ok) return this.reject(header.id, v.error);
    if (v.info.identity !== this.identity) {
      return this.reject(header.id, {
        code: 403,
        status: 'FORBIDDEN',
        errorCode: 20103,
        description: 'Token update may not change the identity',
      });
    }
    this.exp = v.info.exp;
    this.token = header.token;
    this.warned = false;
    this.expired = false;
    this.send({
      method: 'reply',
      id: header.id,
      status: { code: 200, status: 'OK' },
      payload_type: 'application/json',
    });
    this.scheduleExpiry();
  }

  /** An upstream HTTP request carried in a `message` frame. */
  onUpstream(header, payload) {
    const hr = header.http_request ?? {};
    const reply = (/** @type {number} */ code, /** @type {any} */ body) =>
      this.send(
        {
          method: 'reply',
          id: header.id,
          status: { code: 200, status: 'OK' },
          payload_type: 'application/json',
          http_status: { code, status: STATUS_CODES[code] ?? 'Unknown' },
          http_headers: { 'Content-Type': 'application/json' },
        },
        body,
      );
    if (!this.identity || this.expired) {
      return this.send({
        method: 'reply',
        id: header.id,
        status: { code: 401, status: 'UNAUTHORIZED', errorCode: 20101, description: 'Not initialised' },
      });
    }
    const method = String(hr.method ?? 'GET').toUpperCase();
    const rawPath = String(hr.path ?? '/');
    const segments = rawPath.split('?')[0].split('/').filter(Boolean).map(safeDecode);
    /** @type {Record<string, any>} */
    const params = {};
    for (const [k, v] of Object.entries(hr.params ?? {}))
      params[safeDecode(k)] = Array.isArray(v) ? v.map(safeDecode) : safeDecode(String(v));
    const type = String(header.payload_type ?? 'application/json');
    let body = null;
    if (payload) {
      try {
        body = type.startsWith('application/x-www-form-urlencoded')
          ? Object.fromEntries(new URLSearchParams(payload))
          : JSON.parse(payload);
      } catch {
        body = null;
      }
    }
    const service =
      segments[0] === 'Client'
        ? 'chat'
        : segments[0] === 'v3' || segments[0] === 'v4'
          ? 'sync'
          : segments[0] === 'v1' && segments[1] === 'registrations'
            ? 'ers'
            : 'other';
    const entry = this.emu.recordRequest({
      identity: this.identity,
      method,
      host: hr.host ?? null,
      path: '/' + segments.join('/'),
      params,
      service,
    });
    const armed = this.emu.takeArmedDrop(entry);
    if (armed) {
      entry.status = 'dropped';
      this.emu.log(`[admin] dropped ${this.identity} on ${method} ${entry.path}`);
      this.emu.dropConnection(this, armed.holdMs);
      return;
    }
    const mutationId = method !== 'GET' ? headerValue(hr.headers, 'x-twilio-mutation-id') : undefined;
    const memoKey = mutationId ? `${this.identity}\n${mutationId}` : undefined;
    const memo = memoKey ? this.emu.mutations.get(memoKey) : undefined;
    if (memo) {
      entry.status = memo.status;
      entry.replayed = true;
      return reply(memo.status, memo.body);
    }
    let result;
    try {
      const req = {
        method,
        segments,
        params,
        body,
        identity: this.identity,
        subscriber: this,
        mediaServiceUrl: this.emu.media.base(this.emu.originFor(this.host)),
        media: this.emu.media,
      };
      if (service === 'chat') result = this.emu.chat.handle(req);
      else if (service === 'sync') result = this.emu.sync.handle(req);
      else if (service === 'ers') result = this.emu.chat.handleErs(req);
      else throw new ChatError(404, 20404, `Unknown upstream path ${rawPath}`);
    } catch (e) {
      if (!(e instanceof ChatError || e instanceof SyncError)) {
        this.emu.log(`[upstream] ${method} ${rawPath} failed: ${/** @type {Error} */ (e).stack}`);
      }
      const status = e instanceof ChatError || e instanceof SyncError ? e.status : 500;
      const code = e instanceof ChatError || e instanceof SyncError ? e.code : 20500;
      result = {
        status,
        body: {
          status,
          code,
          message: /** @type {Error} */ (e).message,
          more_info: `https://www.twilio.com/docs/errors/${code}`,
        },
      };
    }
    entry.status = result.status;
    if (memoKey) this.emu.rememberMutation(memoKey, { status: result.status, body: result.body });
    reply(result.status, result.body);
    result.after?.();
  }
}

/** @param {string} s */
function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** @param {Record<string, any>|undefined} headers @param {string} name lower-case */
function headerValue(headers, name) {
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() === name) return String(v);
  return undefined;
}
