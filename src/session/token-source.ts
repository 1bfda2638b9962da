import { ChatServiceError } from '../services/port.js';
import { checkToken, readTokenClaims } from './jwt.js';

/** What a host page's own auth hook may return instead of the widget fetching `token-url`. */
export type FetchTokenHook = (
  identity: string | null,
) => Promise<string | { token: string; clientOptions?: Record<string, unknown> }>;

export interface IssuedToken {
  readonly token: string;
  readonly identity: string;
  /** ms since epoch */
  readonly expiresAt: number;
  readonly clientOptions: Readonly<Record<string, unknown>>;
}

export interface TokenSourceOptions {
  readonly url: string | null;
  /** null: a guest chat, the identity comes from the token. */
  readonly identity: string | null;
  readonly credentials?: RequestCredentials;
  readonly fetchToken?: FetchTokenHook | null;
  /** sessionStorage, or null to keep tokens in memory only. */
  readonly storage?: Storage | null;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  readonly warn?: (message: string) => void;
}

/** A cached token is reused only while it has at least this long to live. */
const REUSE_MARGIN_MS = 4 * 60 * 1000;
const KEY_PREFIX = 'chat-widget:token:';

/** Where sessionStorage throws (privacy modes, sandboxed iframes) tokens live here instead. */
const memoryCache = new Map<string, string>();

/** sessionStorage, or null where touching it throws. */
export function sessionStorageOrNull(): Storage | null {
  try {
    const storage = globalThis.sessionStorage;
    const probe = `${KEY_PREFIX}probe`;
    storage.setItem(probe, '1');
    storage.removeItem(probe);
    return storage;
  } catch {
    return null;
  }
}

/**
 * Fetches, checks and caches access tokens for one token URL and identity (T2, T4, T5).
 * The token is kept in sessionStorage only: never in localStorage, a URL or a log line.
 */
export class TokenSource {
  private readonly options: TokenSourceOptions;
  private readonly key: string;
  private inFlight: Promise<IssuedToken> | null = null;

  constructor(options: TokenSourceOptions) {
    this.options = options;
    this.key = `${KEY_PREFIX}${options.url ?? 'hook'}|${options.identity ?? ''}`;
  }

  /** A valid token: the cached one while it has time left, unless `fresh` (T3). One fetch at a time. */
  get({ fresh = false }: { fresh?: boolean } = {}): Promise<IssuedToken> {
    if (!fresh) {
      const cached = this.readCache();
      if (cached) return Promise.resolve(cached);
    }
    this.inFlight ??= this.fetchAndCheck().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** Forgets the cached token (logout, identity change). */
  clear(): void {
    memoryCache.delete(this.key);
    try {
      this.options.storage?.removeItem(this.key);
    } catch {
      // Storage that throws has nothing of ours in it.
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private readCache(): IssuedToken | null {
    let raw: string | null | undefined = memoryCache.get(this.key);
    try {
      raw ??= this.options.storage?.getItem(this.key);
    } catch {
      raw = null;
    }
    if (!raw) return null;
    try {
      const cached = JSON.parse(raw) as IssuedToken;
      if (typeof cached.token === 'string' && cached.expiresAt - this.now() > REUSE_MARGIN_MS) return cached;
    } catch {
      // A damaged entry is simply refetched.
    }
    this.clear();
    return null;
  }

  private writeCache(token: IssuedToken): void {
    const raw = JSON.stringify(token);
    try {
      if (this.options.storage) {
        this.options.storage.setItem(this.key, raw);
        return;
      }
    } catch {
      // Quota or privacy mode: fall back to memory.
    }
    memoryCache.set(this.key, raw);
  }

  private async fetchAndCheck(): Promise<IssuedToken> {
    const { token, clientOptions } = await this.fetchRaw();
    const claims = readTokenClaims(token);
    const warning = checkToken(claims, this.options.identity, Math.floor(this.now() / 1000));
    if (warning) (this.options.warn ?? console.warn)(warning);
    const issued: IssuedToken = Object.freeze({
      token,
      identity: claims.identity,
      expiresAt: claims.expiresAt * 1000,
      clientOptions: Object.freeze({ ...clientOptions }),
    });
    this.writeCache(issued);
    return issued;
  }

  private async fetchRaw(): Promise<{ token: string; clientOptions: Record<string, unknown> }> {
    const { url, identity, fetchToken } = this.options;
    if (fetchToken) {
      const result = await fetchToken(identity).catch((error: unknown) => {
        throw new ChatServiceError(
          'token-fetch-failed',
          `Could not get an access token: ${(error as Error)?.message ?? error}`,
        );
      });
      return typeof result === 'string'
        ? { token: result.trim(), clientOptions: {} }
        : { token: result?.token ?? '', clientOptions: result?.clientOptions ?? {} };
    }
    if (!url) throw new ChatServiceError('token-url-missing', 'Set the token-url attribute to your token endpoint.');
    const target = new URL(url, globalThis.location?.href);
    if (identity !== null) target.searchParams.set('identity', identity);
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(target.href, {
        credentials: this.options.credentials ?? 'same-origin',
        headers: { Accept: 'application/json, text/plain' },
        cache: 'no-store',
      });
    } catch {
      throw new ChatServiceError('token-fetch-failed', 'Could not reach the token endpoint. Check your connection.');
    }
    if (!response.ok) {
      throw new ChatServiceError(
        'token-fetch-failed',
        `The token endpoint answered ${response.status} ${response.statusText}.`.trim(),
        {
          status: response.status,
        },
      );
    }
    const text = (await response.text()).trim();
    if ((response.headers.get('content-type') ?? '').includes('json') || text.startsWith('{')) {
      try {
        const body = JSON.parse(text) as { token?: unknown; clientOptions?: unknown };
        const clientOptions =
          body.clientOptions && typeof body.clientOptions === 'object'
            ? (body.clientOptions as Record<string, unknown>)
            : {};
        return { token: typeof body.token === 'string' ? body.token : '', clientOptions };
      } catch {
        throw new ChatServiceError('token-invalid', 'The token endpoint returned malformed JSON.');
      }
    }
    return { token: text, clientOptions: {} };
  }
}
