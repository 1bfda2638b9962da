// Shared helpers: an emulator per test file, real SDK clients with tokens minted by the official
// `twilio` helper, and event waits with timeouts.
import pkg from 'twilio-chat';
import twilio from 'twilio';
import { startEmulator } from '../index.js';

export const { Client } = pkg;
export const SECRET = 'emulator-test-secret';
export const ACCOUNT_SID = 'AC' + 'a'.repeat(32);
export const API_KEY_SID = 'SK' + 'b'.repeat(32);
export const SERVICE_SID = 'IS' + 'c'.repeat(32);

/** A token exactly as an integrator's token endpoint would mint it. */
export function twilioToken(identity, { ttl = 3600, secret = SECRET } = {}) {
  const { AccessToken } = twilio.jwt;
  const token = new AccessToken(ACCOUNT_SID, API_KEY_SID, secret, { identity, ttl });
  token.addGrant(new AccessToken.ChatGrant({ serviceSid: SERVICE_SID }));
  return token.toJwt();
}

/** Starts a quiet emulator; call `stop()` in after(). */
export async function setup(opts = {}) {
  const emu = await startEmulator({ secret: SECRET, log: false, serviceSid: SERVICE_SID, ...opts });
  /** @type {Set<any>} */
  const clients = new Set();
  const admin = async (method, path, body) => {
    const res = await fetch(`${emu.url}${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`admin ${method} ${path} → ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  /**
   * Lets a connected client finish what it started by itself: fetching its channels after
   * `initialized`, re-reading Sync objects after a reconnect. The SDK rejects requests in flight
   * at shutdown, and some of its own are awaited by no one: an unhandled rejection.
   */
  const settle = async (c, quietMs = 150) => {
    if (c.connectionState !== 'connected') return;
    await c.getSubscribedChannels().catch(() => {});
    const identity = encodeURIComponent(c.user?.identity ?? '');
    for (let i = 0; i < 40; i++) {
      const mine = await admin('GET', `/admin/requests?identity=${identity}`);
      const last = mine.length ? Date.parse(mine[mine.length - 1].time) : 0;
      const idle = Date.now() - last;
      if (idle >= quietMs) return;
      await new Promise((r) => setTimeout(r, quietMs - idle));
    }
  };
  return {
    emu,
    admin,
    settle,
    /**
     * Creates a client (the constructor, so no event is missed) and waits for `stateChanged`;
     * rejects when it is `failed`.
     */
    async client(identity, { token } = {}) {
      const c = new Client(token ?? twilioToken(identity), emu.clientOptions);
      clients.add(c);
      const state = await once(c, 'stateChanged', (s) => s === 'initialized' || s === 'failed', 15000);
      if (state !== 'initialized') throw new Error(`client ${identity} ${state}`);
      return c;
    },
    /** Remembers a client made elsewhere so stop() shuts it down. */
    track(c) {
      clients.add(c);
      return c;
    },
    /**
     * Shuts a client down and forgets it, once it has settled (see `settle`): twilio-chat 6 fetches
     * its channels after `initialized`, and a shutdown in the middle of that ends in an unhandled
     * rejection inside the SDK ("Connection is not initialized").
     */
    async shutdown(c) {
      clients.delete(c);
      await settle(c);
      await c.shutdown();
    },
    async stop() {
      await Promise.all(
        [...clients].map(async (c) => {
          await settle(c);
          await c.shutdown().catch(() => {});
        }),
      );
      clients.clear();
      await emu.close();
    },
  };
}

/**
 * Resolves with the first event that satisfies `pred` (its first argument), rejects after `ms`.
 * Create the wait before the action that triggers the event.
 */
export function once(emitter, event, pred = () => true, ms = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, handler);
      reject(new Error(`timed out after ${ms} ms waiting for ${event}`));
    }, ms);
    function handler(...args) {
      if (!pred(...args)) return;
      clearTimeout(timer);
      emitter.off(event, handler);
      resolve(args[0]);
    }
    emitter.on(event, handler);
  });
}

/** Collects every emission of `event` into an array (returns it and an `off`). */
export function collect(emitter, event) {
  const items = [];
  const handler = (x) => items.push(x);
  emitter.on(event, handler);
  return { items, off: () => emitter.off(event, handler) };
}

/** Polls `fn` until it returns truthy, or rejects after `ms`. */
export async function until(fn, ms = 10000, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
