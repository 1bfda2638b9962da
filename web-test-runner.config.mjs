import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { fileURLToPath } from 'node:url';
import { twilioChatEsm } from './scripts/twilio-chat-esm.mjs';
import { chromiumArgs, chromiumPath } from './scripts/chromium.mjs';

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['test/unit/**/*.test.ts', 'test/build/**/*.test.ts'],
  nodeResolve: { exportConditions: ['production'] },
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60_000,
  testsFinishTimeout: 300_000,
  testFramework: { config: { timeout: 10_000 } },
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath: chromiumPath(), headless: true, args: chromiumArgs },
    }),
  ],
  plugins: [
    twilioChatEsm(),
    esbuildPlugin({ ts: true, target: 'es2021', tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) }),
  ],
  middleware: [
    // The build test's pages are served with the strictest policy an embedding site may have.
    function strictCsp(context, next) {
      if (context.path.startsWith('/test/build/fixtures/')) {
        context.set('Content-Security-Policy', "default-src 'self'; script-src 'self'");
      }
      return next();
    },
  ],
};
