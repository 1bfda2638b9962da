import { makeToken } from './jwt.js';

/** A token endpoint for unit tests: records what was asked, answers like the demo endpoint. */
export function tokenEndpoint({
  ttl = 3600,
  identityFor = (asked: string | null) => asked ?? 'guest',
  /** How many times the first token is answered again (an endpoint minting twice in one second). */
  repeatFirst = 0,
} = {}) {
  const requests: string[] = [];
  let serial = 0;
  // Issue times count up from a fixed start: tokens differ exactly when serial differs, whatever the clock.
  const start = Math.floor(Date.now() / 1000) - 60;
  const fetch = (async (input: RequestInfo | URL) => {
    const url = new URL(String(input));
    requests.push(url.pathname + url.search);
    const identity = identityFor(url.searchParams.get('identity'));
    if (serial === 0 || repeatFirst-- <= 0) serial++;
    const token = makeToken({ identity, ttl, issuedAt: start + serial });
    return new Response(JSON.stringify({ identity, token }), { headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  return { fetch, requests };
}

/** A Storage backed by a Map, for tests that must not touch the real sessionStorage. */
export class MemoryStorage implements Storage {
  private readonly map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  clear() {
    this.map.clear();
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  key(index: number) {
    return [...this.map.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
  setItem(key: string, value: string) {
    this.map.set(key, String(value));
  }
  dump(): Record<string, string> {
    return Object.fromEntries(this.map);
  }
}
