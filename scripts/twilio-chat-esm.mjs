// twilio-chat 6 and most of its ~200 dependencies are CommonJS only, which a browser cannot
// import unbundled (`exports is not defined`). The test runner and dev server therefore serve the
// package as one esbuild-bundled ES module, built once per process and kept in memory.
import { build } from 'esbuild';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const entry = require.resolve('twilio-chat/builds/browser.js');

let bundle;

function bundleTwilioChat() {
  bundle ??= build({
    stdin: {
      contents: `export * from ${JSON.stringify(entry)};`,
      resolveDir: process.cwd(),
      loader: 'js',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    mainFields: ['browser', 'module', 'main'],
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    // The same as the production build: core-js polyfills are left out (see rollup.config.mjs).
    plugins: [
      {
        name: 'drop-core-js-polyfills',
        setup(esbuild) {
          esbuild.onResolve({ filter: /^core-js(\/|$)/ }, (args) => ({ path: args.path, namespace: 'core-js-stub' }));
          esbuild.onLoad({ filter: /.*/, namespace: 'core-js-stub' }, () => ({ contents: '', loader: 'js' }));
        },
      },
    ],
    write: false,
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0].text);
  return bundle;
}

/** A @web/dev-server plugin that serves `twilio-chat` as one ES module. */
export function twilioChatEsm() {
  return {
    name: 'twilio-chat-esm',
    async serve(context) {
      if (context.path.endsWith('/node_modules/twilio-chat/builds/browser.js')) {
        return { body: await bundleTwilioChat(), type: 'js' };
      }
      return undefined;
    },
  };
}
