// The emulator process: one HTTP server on one port for the twilsock WebSocket (/v3/wsconnect),
// media (/mcs/…) and the test-only admin API (/admin/…).
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { SyncStore } from './sync.js';
import { ChatService } from './chat.js';
import { MediaStore } from './media.js';
import { Connection } from './gateway.js';
import { verifyToken, mintToken } from './token.js';
import { handleAdmin } from './admin.js';

export const TWILSOCK_PATH = '/v3/wsconnect';
const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'X-Twilio-Token, Content-Type, Authorization',
  'Access-Control-Max-Age': '600',
};
const MAX_BODY = 64 * 1024 * 1024;

/**
 * @typedef {{port?: number, host?: string, secret: string, log?: boolean|((line: string) => void), debug?: boolean,
 *   historyLimit?: number, serviceSid?: string, accountSid?: string}} EmulatorOptions
 */

export class Emulator {
  /** @param {EmulatorOptions} opts */
  constructor(opts) {
    if (!opts?.secret)
      throw new Error('startEmulator: a secret is required (the API key secret tokens are signed with)');
    this.secret = opts.secret;
    this.host = opts.host ?? '127.0.0.1';
    this.serviceSid = opts.serviceSid ?? 'IS' + '0'.repeat(32);
    this.accountSid = opts.accountSid ?? 'AC' + '0'.repeat(32);
    this.historyLimit = opts.historyLimit ?? 1000;
    this.debug = opts.debug ?? process.env.CHAT_EMULATOR_DEBUG === '1';
    const sink =
      typeof opts.log === 'function'
        ? opts.log
        : opts.log === false
          ? null
          : (/** @type {string} */ l) => console.log(l);
    this.log = (/** @type {string} */ line) => {
      sink?.(line);
    };
    this.clockOffsetMs = 0;
    this.delayMs = 0;
    this.epoch = 0;
    /** @type {Set<Connection>} */ this.connections = new Set();
    this.port = 0;
    this.resetState();
    this.server = createServer((req, res) => this.onHttp(req, res));
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });
    this.server.on('upgrade', (req, socket, head) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== TWILSOCK_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) =>
        this.onSocket(ws, req.headers.host ?? `${this.host}:${this.port}`),
      );
    });
  }

  now() {
    return Date.now() + this.clockOffsetMs;
  }

  /** Drops every connection and starts from empty state (a new epoch). */
  resetState() {
    for (const c of this.connections) c.ws.terminate();
    this.epoch++;
    this.sync = new SyncStore({ historyLimit: this.historyLimit, now: () => this.now() });
    this.chat = new ChatService({
      sync: this.sync,
      now: () => this.now(),
      serviceSid: this.serviceSid,
      notifyUser: (identity, type, payload) => {
        for (const c of this.connections) if (c.identity === identity && !c.expired) c.notify(type, payload);
      },
    });
    this.media = new MediaStore({ now: () => this.now(), secret: this.secret, serviceSid: this.serviceSid });
    /** @type {Array<any>} */ this.requests = [];
    this.requestSeq = 0;
    /** @type {Map<string, {status: number, body: any}>} */ this.mutations = new Map();
    /** @type {Set<string>} */ this.continuationTokens = new Set();
    /** @type {Map<string, number>} identity → time until which its init replies are held (admin drop holdMs) */
    this.holds = new Map();
    /**
     * Drops armed by `POST /admin/drop?onRequest=…`: the next upstream request that matches is lost
     * with its connection, the way a request in flight is lost when the network goes down.
     * @type {Array<{identity: string | null, service: string | null, path: string | null, holdMs: number}>}
     */
    this.armedDrops = [];
  }

  /**
   * Drops `conn` (no close frame) and keeps its identity offline for `holdMs`.
   * @param {import('./gateway.js').Connection} conn @param {number} holdMs
   */
  dropConnection(conn, holdMs) {
    conn.ws.terminate();
    if (holdMs > 0 && conn.identity) this.holds.set(conn.identity, Date.now() + holdMs);
  }

  /**
   * Takes the first armed drop that matches a request, if any.
   * @param {{identity: string | null, service: string, path: string}} r
   */
  takeArmedDrop(r) {
    const i = this.armedDrops.findIndex(
      (d) =>
        (d.identity === null || d.identity === r.identity) &&
        (d.service === null || d.service === r.service) &&
        (d.path === null || r.path.startsWith(d.path)),
    );
    return i < 0 ? null : this.armedDrops.splice(i, 1)[0];
  }

  /** @param {string} host Host header as the client sent it */
  originFor(host) {
    return `http://${host || `${this.host}:${this.port}`}`;
  }
  get url() {
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }
  get twilsockUri() {
    return `${this.url.replace(/^http/, 'ws')}${TWILSOCK_PATH}`;
  }
  /** @param {string} [origin] http origin the client uses, e.g. from a browser page's point of view */
  clientOptions(origin) {
    return { Twilsock: { uri: origin ? `${origin.replace(/^http/, 'ws')}${TWILSOCK_PATH}` : this.twilsockUri } };
  }

  /** @param {{identity: string, ttl?: number}} o */
  mintToken({ identity, ttl = 3600 }) {
    return mintToken({
      identity,
      ttl,
      secret: this.secret,
      serviceSid: this.serviceSid,
      accountSid: this.accountSid,
      nowSeconds: Math.floor(this.now() / 1000),
    });
  }

  recordRequest(entry) {
    const e = { seq: ++this.requestSeq, time: new Date().toISOString(), ...entry };
    this.requests.push(e);
    if (this.requests.length > 20000) this.requests.splice(0, 5000);
    return e;
  }

  rememberMutation(key, value) {
    this.mutations.set(key, value);
    if (this.mutations.size > 10000) this.mutations.delete(/** @type {string} */ (this.mutations.keys().next().value));
  }

  /** @param {import('ws').WebSocket} ws @param {string} host */
  onSocket(ws, host) {
    const conn = new Connection(this, ws, host);
    this.connections.add(conn);
    ws.on('message', (data) => conn.onMessage(/** @type {Buffer} */ (data)));
    ws.on('error', (e) => this.log(`[twilsock] socket error ${conn.identity ?? conn.id}: ${e.message}`));
    ws.on('close', () => {
      this.connections.delete(conn);
      conn.clearTimers();
      if (conn.pumpTimer) clearTimeout(conn.pumpTimer);
      this.sync.dropSubscriber(conn);
      if (conn.identity) {
        this.log(`[twilsock] disconnected ${conn.identity} (${conn.id})`);
        if (![...this.connections].some((c) => c.identity === conn.identity)) this.chat.setOnline(conn.identity, false);
      }
    });
  }

  /** @param {Connection} conn */
  onConnectionReady(conn) {
    this.log(`[twilsock] connected ${conn.identity} (${conn.id})`);
    this.chat.setOnline(/** @type {string} */ (conn.identity), true);
  }

  /** @param {string|undefined} token */
  authenticate(token) {
    const v = verifyToken(token ?? '', this.secret, this.now());
    return v.ok ? { identity: v.info.identity } : { error: v.error };
  }

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  async onHttp(req, res) {
    const send = (
      /** @type {number} */ status,
      /** @type {any} */ body,
      /** @type {Record<string, string>} */ headers = {},
    ) => {
      const isBuf = Buffer.isBuffer(body);
      res.writeHead(status, {
        ...CORS,
        'Content-Type': isBuf ? 'application/octet-stream' : 'application/json',
        ...headers,
      });
      res.end(isBuf ? body : status === 204 ? undefined : JSON.stringify(body));
    };
    try {
      if (req.method === 'OPTIONS') return send(204, null);
      const url = new URL(req.url ?? '/', 'http://emulator');
      const body = await readBody(req);
      if (url.pathname.startsWith('/admin/')) {
        const out = handleAdmin(this, req.method ?? 'GET', url, body, req.headers.host);
        return send(out.status, out.body);
      }
      const mcs = this.media.handle({
        method: req.method ?? 'GET',
        url,
        headers: req.headers,
        body,
        origin: this.originFor(req.headers.host ?? ''),
        authenticate: (t) => this.authenticate(t),
        canReadChannel: (sid, identity) => this.chat.channels.get(sid)?.members.has(identity) ?? false,
      });
      if (mcs) return send(mcs.status, mcs.body, mcs.headers);
      if (url.pathname === '/' && req.method === 'GET') {
        const origin = this.originFor(req.headers.host ?? '');
        return send(200, {
          name: 'twilio-chat 6 emulator',
          twilsockUri: this.clientOptions(origin).Twilsock.uri,
          clientOptions: this.clientOptions(origin),
        });
      }
      send(404, { status: 404, code: 20404, message: 'The requested resource was not found' });
    } catch (e) {
      this.log(`[http] ${req.method} ${req.url} failed: ${/** @type {Error} */ (e).message}`);
      if (!res.headersSent)
        send(/** @type {any} */ (e).status ?? 500, { status: 500, message: /** @type {Error} */ (e).message });
    }
  }

  /** @param {number} port */
  listen(port) {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => {
        this.server.off('error', reject);
        this.port = /** @type {import('node:net').AddressInfo} */ (this.server.address()).port;
        resolve(this);
      });
    });
  }

  close() {
    for (const c of this.connections) {
      c.clearTimers();
      if (c.pumpTimer) clearTimeout(c.pumpTimer);
      c.ws.terminate();
    }
    this.wss.close();
    this.server.closeAllConnections?.();
    return new Promise((resolve) => this.server.close(() => resolve(undefined)));
  }
}

/** @param {import('node:http').IncomingMessage} req @returns {Promise<Buffer>} */
function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */ const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(Object.assign(new Error('body too large'), { status: 413 }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
