// The demo server: static files of demo/ and dist/cdn/, plus GET /token?identity=… for the widget.
// Run `node demo/server.js` (PORT, default 8000). Without Twilio credentials it runs the local
// emulator in the same process; with TWILIO_ACCOUNT_SID, TWILIO_API_KEY, TWILIO_API_SECRET and
// TWILIO_CHAT_SERVICE_SID it mints real Twilio tokens instead.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createTokenSource } from './token.js';

const DEMO_DIR = fileURLToPath(new URL('.', import.meta.url));
const CDN_DIR = fileURLToPath(new URL('../dist/cdn/', import.meta.url));
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};
const IDENTITY = /^[A-Za-z0-9_.@+-]{1,128}$/;

/**
 * @param {{port?: number, host?: string, env?: NodeJS.ProcessEnv, log?: boolean|((line: string) => void)}} [opts]
 * @returns {Promise<{url: string, port: number, mode: 'twilio'|'emulator', emulatorUrl?: string, close: () => Promise<void>}>}
 */
export async function startDemoServer({ port = 0, host = '127.0.0.1', env = process.env, log } = {}) {
  const tokens = await createTokenSource({ env, host, log });
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://demo');
    try {
      if (url.pathname === '/token') return handleToken(url, req, res);
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'Method Not Allowed');
      const file = url.pathname.startsWith('/dist/cdn/')
        ? within(CDN_DIR, url.pathname.slice('/dist/cdn/'.length))
        : within(DEMO_DIR, url.pathname === '/' ? 'index.html' : url.pathname.slice(1));
      if (!file || (file.startsWith(DEMO_DIR) && /^(server|token)\.js$/.test(file.slice(DEMO_DIR.length)))) {
        return send(res, 404, 'text/plain', 'Not Found');
      }
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) return send(res, 404, 'text/plain', 'Not Found');
      send(
        res,
        200,
        MIME[extname(file)] ?? 'application/octet-stream',
        req.method === 'HEAD' ? '' : await readFile(file),
      );
    } catch (e) {
      send(res, 500, 'text/plain', `Internal error: ${/** @type {Error} */ (e).message}`);
    }
  });

  /** @param {URL} url @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  function handleToken(url, req, res) {
    // A demo shortcut: a real token endpoint takes the identity from its own authenticated session
    // (cookie, OAuth, …), never from the browser's query string — anyone could ask for anyone's token.
    const identity = url.searchParams.get('identity') ?? '';
    if (!IDENTITY.test(identity)) {
      return send(
        res,
        400,
        'application/json',
        JSON.stringify({ error: 'identity must be 1–128 characters of A–Z a–z 0–9 _ . @ + -' }),
      );
    }
    send(res, 200, 'application/json', JSON.stringify(tokens.mint(identity, req.headers.host)), {
      'Cache-Control': 'no-store',
    });
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const actual = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actual}/`,
    port: actual,
    mode: tokens.mode,
    emulatorUrl: tokens.emulatorUrl,
    close: async () => {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      await tokens.close();
    },
  };
}

/** Resolves `rel` inside `root`, or null when it would escape it. */
function within(root, rel) {
  let decoded;
  try {
    decoded = decodeURIComponent(rel);
  } catch {
    return null;
  }
  const full = normalize(join(root, decoded));
  return full.startsWith(root.endsWith(sep) ? root : root + sep) ? full : null;
}

/** @param {import('node:http').ServerResponse} res */
function send(res, status, type, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': type, ...headers });
  res.end(body);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const demo = await startDemoServer({
    port: Number(process.env.PORT ?? 8000),
    host: process.env.HOST ?? '127.0.0.1',
    log: true,
  });
  console.log(
    demo.mode === 'emulator'
      ? `Local chat emulator at ${demo.emulatorUrl} (no Twilio credentials set)`
      : 'Minting real Twilio tokens (TWILIO_* credentials set)',
  );
  console.log(`Open ${demo.url}`);
  const stop = () => demo.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
