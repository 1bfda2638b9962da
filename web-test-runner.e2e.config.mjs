// The end-to-end suite: the built CDN widget with the real twilio-chat SDK in Chromium, against
// the local emulator started for the run. `npm run build` must have run first (dist/cdn/).
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { fileURLToPath } from 'node:url';
import { startEmulator } from './emulator/index.js';
import { chromiumArgs, chromiumPath } from './scripts/chromium.mjs';

/** Emulator log lines (refused inits and the like), for tests that must prove no socket was opened. */
const emulatorLog = [];
const emulator = await startEmulator({ port: 0, secret: 'e2e-secret', log: (line) => emulatorLog.push(line) });

/** Token requests per requested identity, as the page's token endpoint saw them. */
const tokenRequests = new Map();

/**
 * The token endpoint of the test pages, plus a look into what the run's servers saw.
 *
 * - `GET /__e2e/token?identity=&ttl=&as=` → `{identity, token, clientOptions}` for the emulator;
 *   `ttl` in seconds (default 3600), `as` mints for another identity than the one asked for.
 * - `GET /__e2e/token-requests` → `{identity: count}`; `DELETE` resets the counts.
 * - `GET /__e2e/emulator` → `{url}` of the emulator (its admin API answers CORS).
 * - `GET /__e2e/emulator-log?since=n` → `{lines, next}`.
 */
function e2eBackend() {
  return {
    name: 'e2e-backend',
    serve(context) {
      const json = (body) => {
        context.set('Cache-Control', 'no-store');
        return { body: JSON.stringify(body), type: 'json' };
      };
      const params = context.URL.searchParams;
      switch (context.path) {
        case '/__e2e/token': {
          const identity = params.get('identity') ?? '';
          tokenRequests.set(identity, (tokenRequests.get(identity) ?? 0) + 1);
          const minted = params.get('as') ?? identity;
          const ttl = Number(params.get('ttl') ?? 3600);
          return json({
            identity: minted,
            token: emulator.mintToken({ identity: minted, ttl }),
            clientOptions: emulator.clientOptions,
          });
        }
        case '/__e2e/token-requests':
          if (context.method === 'DELETE') tokenRequests.clear();
          return json(Object.fromEntries(tokenRequests));
        case '/__e2e/emulator':
          return json({ url: emulator.url });
        case '/__e2e/emulator-log': {
          const since = Number(params.get('since') ?? 0);
          return json({ lines: emulatorLog.slice(since), next: emulatorLog.length });
        }
        default:
          return undefined;
      }
    },
    async serverStop() {
      await emulator.close();
    },
  };
}

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['test/e2e/**/*.test.ts'],
  nodeResolve: { exportConditions: ['production'] },
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60_000,
  testsStartTimeout: 120_000,
  testsFinishTimeout: 600_000,
  testFramework: { config: { timeout: 60_000 } },
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: chromiumPath(),
        headless: true,
        // Timers of the test pages must not be throttled: token refresh, reconnects and the
        // widget's grace periods run on them.
        args: [
          ...chromiumArgs,
          '--disable-background-timer-throttling',
          '--disable-renderer-backgrounding',
          '--disable-backgrounding-occluded-windows',
        ],
      },
    }),
  ],
  plugins: [
    e2eBackend(),
    esbuildPlugin({ ts: true, target: 'es2021', tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) }),
  ],
};
