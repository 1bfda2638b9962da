// Prints what a visitor downloads: the CDN module (everything before the SDK) and the SDK chunk,
// raw, gzip and brotli, next to the SDK's own prebuilt browser bundle. Run `npm run build` first.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const dir = new URL('../dist/cdn/', import.meta.url);
if (!existsSync(dir)) {
  console.error('dist/cdn is missing: run `npm run build` first.');
  process.exit(1);
}

function measure(label, bytes) {
  return {
    file: label,
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

const rows = readdirSync(dir)
  .filter((name) => name.endsWith('.js'))
  .map((name) => measure(name, readFileSync(new URL(name, dir))));
rows.push(
  measure(
    '(reference) twilio-chat.min.js, prebuilt',
    readFileSync(require.resolve('twilio-chat/builds/twilio-chat.min.js')),
  ),
);

const kb = (n) => (n / 1024).toFixed(1).padStart(7);
console.log('| file | raw KiB | gzip KiB | brotli KiB |');
console.log('|---|---:|---:|---:|');
for (const row of rows) console.log(`| ${row.file} | ${kb(row.raw)} | ${kb(row.gzip)} | ${kb(row.brotli)} |`);

const entry = rows.find((r) => r.file === 'chat-widget.js');
const sdk = rows.find((r) => r.file.startsWith('twilio-chat-client-'));
if (entry && sdk) {
  console.log(
    `\nBefore the SDK a page loads ${kb(entry.gzip).trim()} KiB gzip; the SDK chunk adds ${kb(sdk.gzip).trim()} KiB gzip after the widget is on screen.`,
  );
}
