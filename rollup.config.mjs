// The CDN build: one ES module that defines every tag (dist/cdn/chat-widget.js), the SDK in a
// chunk of its own that the widget import()s when it connects, and a classic-script loader.
// It bundles the ES modules that `tsc` wrote to dist/ (see the `build` script).
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';

/**
 * twilio-chat's CommonJS builds import ~70 core-js polyfills (~45 KB gzip) for browsers that
 * cannot run Lit or custom elements anyway. Every one is a bare side-effect import (none is read),
 * and every browser the widget supports has the features natively, so they are left out. The
 * end-to-end suite runs this very bundle against the emulator.
 */
function dropCoreJsPolyfills() {
  const stub = '\0core-js-stub';
  return {
    name: 'drop-core-js-polyfills',
    resolveId: (id) => (id === 'core-js' || id.startsWith('core-js/') ? stub : null),
    load: (id) => (id === stub ? 'export {};' : null),
  };
}

const production = [
  dropCoreJsPolyfills(),
  replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
  // browser: true is required, or uuid's Node `crypto` RNG gets bundled (TOOLCHAIN.md).
  nodeResolve({ browser: true, exportConditions: ['browser', 'production'] }),
  commonjs(),
  terser({ format: { comments: false }, ecma: 2020, module: true }),
];

export default [
  {
    input: { 'chat-widget': 'dist/index.js' },
    // Lets the entry export what the SDK chunk shares with it, instead of a facade + extra chunk.
    preserveEntrySignatures: 'allow-extension',
    output: {
      dir: 'dist/cdn',
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: '[name]-[hash].js',
    },
    plugins: production,
    onwarn(warning, warn) {
      // The SDK's CommonJS code uses `this` at the top level; harmless in a bundle.
      if (warning.code === 'THIS_IS_UNDEFINED') return;
      warn(warning);
    },
  },
  {
    input: 'src/cdn-loader.js',
    output: { file: 'dist/cdn/chat-widget-loader.js', format: 'iife' },
    plugins: [terser({ format: { comments: false } })],
  },
];
