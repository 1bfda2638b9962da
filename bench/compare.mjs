// What a visitor downloads for a chat widget: ours (after `npm run build`) next to other
// embeddable chat widgets' browser bundles, fetched from the npm registry with `npm pack`.
// Sizes only: raw and gzip. Run: node bench/compare.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const others = [
  // package, file inside it, what the file holds
  [
    '@twilio/flex-webchat-ui@2.9.4',
    'bundle/twilio-flex-webchat.prod.browser.js',
    'Twilio Flex WebChat, browser bundle with its SDKs',
  ],
  ['deep-chat@2.4.2', 'dist/deepChat.bundle.js', 'deep-chat, bundle (no chat backend SDK)'],
];

const size = (bytes) => ({ raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
const kib = (n) => (n / 1024).toFixed(1);
const rows = [];

const cdn = new URL('../dist/cdn/', import.meta.url);
const files = readdirSync(cdn);
const entry = size(readFileSync(new URL('chat-widget.js', cdn)));
const sdk = size(
  readFileSync(
    new URL(
      files.find((f) => f.startsWith('twilio-chat-client-')),
      cdn,
    ),
  ),
);
rows.push(['chat-widget: before the SDK (first paint)', entry]);
rows.push(['chat-widget: everything, SDK chunk included', { raw: entry.raw + sdk.raw, gzip: entry.gzip + sdk.gzip }]);

const dir = mkdtempSync(join(tmpdir(), 'chat-compare-'));
for (const [spec, file, label] of others) {
  const tarball = execFileSync('npm', ['pack', spec, '--silent'], { cwd: dir, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  execFileSync('tar', ['xzf', tarball], { cwd: dir });
  rows.push([`${label} (${spec})`, size(readFileSync(join(dir, 'package', file)))]);
  execFileSync('rm', ['-rf', join(dir, 'package')]);
}

console.log('| what a page loads | raw KiB | gzip KiB |');
console.log('|---|---:|---:|');
for (const [label, { raw, gzip }] of rows) console.log(`| ${label} | ${kib(raw)} | ${kib(gzip)} |`);
