#!/usr/bin/env node
// chat-emulator --port N --secret S [--host H] [--debug]
// Env fallbacks: CHAT_EMULATOR_PORT, CHAT_EMULATOR_SECRET, CHAT_EMULATOR_HOST, CHAT_EMULATOR_DEBUG=1.
import { parseArgs } from 'node:util';
import { startEmulator } from '../index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', short: 'p' },
    secret: { type: 'string', short: 's' },
    host: { type: 'string' },
    debug: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log('Usage: chat-emulator [--port 8400] [--secret S] [--host 127.0.0.1] [--debug]');
  process.exit(0);
}
const secret = values.secret ?? process.env.CHAT_EMULATOR_SECRET;
if (!secret) {
  console.error(
    'chat-emulator: a secret is required (--secret or CHAT_EMULATOR_SECRET); tokens must be signed with it',
  );
  process.exit(2);
}
const emu = await startEmulator({
  port: Number(values.port ?? process.env.CHAT_EMULATOR_PORT ?? 0),
  host: values.host ?? process.env.CHAT_EMULATOR_HOST ?? '127.0.0.1',
  secret,
  debug: values.debug || process.env.CHAT_EMULATOR_DEBUG === '1',
});
console.log(`URL:          ${emu.url}`);
console.log(`Twilsock URI: ${emu.twilsockUri}`);
console.log(`clientOptions: ${JSON.stringify(emu.clientOptions)}`);
const stop = () => emu.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
