import { expect } from '@open-wc/testing';
import { TokenSource } from '../../../src/session/token-source.js';
import { ChatServiceError } from '../../../src/services/port.js';
import { makeToken } from '../../helpers/jwt.js';
import { MemoryStorage, tokenEndpoint } from '../../helpers/token-endpoint.js';

async function rejection(promise: Promise<unknown>): Promise<ChatServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ChatServiceError;
  }
  throw new Error('expected a rejection');
}

describe('TokenSource', () => {
  it('T4: asks the endpoint with the identity and caches the token in the given storage', async () => {
    const endpoint = tokenEndpoint();
    const storage = new MemoryStorage();
    const source = new TokenSource({ url: '/chat/token?site=1', identity: 'alice', storage, fetch: endpoint.fetch });
    const token = await source.get();
    expect(token.identity).to.equal('alice');
    expect(endpoint.requests).to.deep.equal(['/chat/token?site=1&identity=alice']);
    const again = await new TokenSource({
      url: '/chat/token?site=1',
      identity: 'alice',
      storage,
      fetch: endpoint.fetch,
    }).get();
    expect(again.token).to.equal(token.token);
    expect(endpoint.requests).to.have.length(1);
    expect(Object.keys(storage.dump())).to.deep.equal(['chat-widget:token:/chat/token?site=1|alice']);
  });

  it('caches per identity and per token URL', async () => {
    const endpoint = tokenEndpoint();
    const storage = new MemoryStorage();
    await new TokenSource({ url: '/a', identity: 'alice', storage, fetch: endpoint.fetch }).get();
    await new TokenSource({ url: '/a', identity: 'bob', storage, fetch: endpoint.fetch }).get();
    await new TokenSource({ url: '/b', identity: 'alice', storage, fetch: endpoint.fetch }).get();
    expect(endpoint.requests).to.deep.equal(['/a?identity=alice', '/a?identity=bob', '/b?identity=alice']);
  });

  it('does not reuse a cached token that is about to expire', async () => {
    const endpoint = tokenEndpoint({ ttl: 600 });
    const storage = new MemoryStorage();
    let now = Date.now();
    const options = { url: '/t', identity: 'alice', storage, fetch: endpoint.fetch, now: () => now };
    await new TokenSource(options).get();
    now += 7 * 60 * 1000; // 3 minutes left: not comfortably valid
    await new TokenSource(options).get();
    expect(endpoint.requests).to.have.length(2);
  });

  it('T3: fresh bypasses the cache; concurrent gets share one fetch', async () => {
    const endpoint = tokenEndpoint();
    const source = new TokenSource({
      url: '/t',
      identity: 'alice',
      storage: new MemoryStorage(),
      fetch: endpoint.fetch,
    });
    const first = await source.get();
    const [a, b] = await Promise.all([source.get({ fresh: true }), source.get({ fresh: true })]);
    expect(a.token).to.equal(b.token);
    expect(a.token).not.to.equal(first.token);
    expect(endpoint.requests).to.have.length(2);
  });

  it('T5: clear() removes the token from storage', async () => {
    const storage = new MemoryStorage();
    const source = new TokenSource({ url: '/t', identity: 'alice', storage, fetch: tokenEndpoint().fetch });
    await source.get();
    source.clear();
    expect(storage.length).to.equal(0);
  });

  it('keeps tokens in memory where storage throws (privacy modes)', async () => {
    const endpoint = tokenEndpoint();
    const broken = {
      getItem() {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem() {
        throw new DOMException('denied', 'SecurityError');
      },
      removeItem() {
        throw new DOMException('denied', 'SecurityError');
      },
    } as unknown as Storage;
    const options = { url: '/memory', identity: 'alice', storage: broken, fetch: endpoint.fetch };
    const token = await new TokenSource(options).get();
    expect((await new TokenSource(options).get()).token).to.equal(token.token);
    expect(endpoint.requests).to.have.length(1);
    new TokenSource(options).clear();
    await new TokenSource(options).get();
    expect(endpoint.requests).to.have.length(2);
  });

  it('accepts a bare JWT as text/plain and passes clientOptions through from JSON', async () => {
    const jwt = makeToken({ identity: 'alice' });
    const plain = new TokenSource({
      url: '/t',
      identity: 'alice',
      storage: null,
      fetch: (async () => new Response(jwt + '\n')) as typeof fetch,
    });
    expect((await plain.get()).token).to.equal(jwt);
    const json = new TokenSource({
      url: '/t2',
      identity: 'alice',
      storage: null,
      fetch: (async () => Response.json({ token: jwt, clientOptions: { region: 'ie1' } })) as typeof fetch,
    });
    expect((await json.get()).clientOptions).to.deep.equal({ region: 'ie1' });
  });

  it('guest chats: asks without identity and takes the one in the token', async () => {
    const endpoint = tokenEndpoint({ identityFor: () => 'guest-42' });
    const token = await new TokenSource({ url: '/t', identity: null, storage: null, fetch: endpoint.fetch }).get();
    expect(endpoint.requests).to.deep.equal(['/t']);
    expect(token.identity).to.equal('guest-42');
  });

  it('uses the fetchToken hook instead of the URL', async () => {
    const asked: (string | null)[] = [];
    const source = new TokenSource({
      url: null,
      identity: 'alice',
      storage: null,
      fetchToken: async (identity) => {
        asked.push(identity);
        return makeToken({ identity: 'alice' });
      },
    });
    expect((await source.get()).identity).to.equal('alice');
    expect(asked).to.deep.equal(['alice']);
  });

  it('explains failures: HTTP errors, network errors, malformed answers, no URL', async () => {
    const status = await rejection(
      new TokenSource({
        url: '/t',
        identity: 'a',
        storage: null,
        fetch: (async () => new Response('no', { status: 403, statusText: 'Forbidden' })) as typeof fetch,
      }).get(),
    );
    expect(status.code).to.equal('token-fetch-failed');
    expect(status.message).to.contain('403');
    const network = await rejection(
      new TokenSource({
        url: '/t',
        identity: 'a',
        storage: null,
        fetch: (async () => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch,
      }).get(),
    );
    expect(network.code).to.equal('token-fetch-failed');
    const html = await rejection(
      new TokenSource({
        url: '/t',
        identity: 'a',
        storage: null,
        fetch: (async () => new Response('<html>login</html>')) as typeof fetch,
      }).get(),
    );
    expect(html.code).to.equal('token-invalid');
    const none = await rejection(new TokenSource({ url: null, identity: 'a', storage: null }).get());
    expect(none.code).to.equal('token-url-missing');
  });

  it('T2/T5: a refused token is never cached', async () => {
    const storage = new MemoryStorage();
    const short = await rejection(
      new TokenSource({ url: '/refused', identity: 'alice', storage, fetch: tokenEndpoint({ ttl: 120 }).fetch }).get(),
    );
    expect(short.code).to.equal('token-ttl-too-short');
    const other = await rejection(
      new TokenSource({
        url: '/refused',
        identity: 'alice',
        storage,
        fetch: tokenEndpoint({ identityFor: () => 'mallory' }).fetch,
      }).get(),
    );
    expect(other.code).to.equal('token-identity-mismatch');
    expect(storage.length).to.equal(0);
  });

  it('T1: a token over 24 hours is used, with a warning', async () => {
    const warnings: string[] = [];
    const token = await new TokenSource({
      url: '/long',
      identity: 'alice',
      storage: null,
      fetch: tokenEndpoint({ ttl: 30 * 3600 }).fetch,
      warn: (w) => warnings.push(w),
    }).get();
    expect(token.identity).to.equal('alice');
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('30 hours');
  });
});
