// Public entry of the local twilio-chat 6 backend: `startEmulator` and `mintToken`.
import { Emulator } from './lib/emulator.js';
export { mintToken } from './lib/token.js';

/**
 * @typedef {object} RunningEmulator
 * @property {string} url http base URL (admin API, media)
 * @property {string} twilsockUri ws:// URI of the twilsock endpoint
 * @property {{Twilsock: {uri: string}}} clientOptions options to pass to `Client.create(token, clientOptions)`
 * @property {number} port
 * @property {string} host
 * @property {string} serviceSid
 * @property {(o: {identity: string, ttl?: number}) => string} mintToken a token for this emulator (its secret and clock)
 * @property {(origin: string) => {Twilsock: {uri: string}}} clientOptionsFor clientOptions for clients that reach the emulator at another origin
 * @property {() => Promise<void>} close stops the server and drops every connection
 * @property {Emulator} emulator the internals (tests only)
 */

/**
 * Starts the emulator. Tokens are HS256 Twilio access tokens signed with `secret` (the API key
 * secret as far as token minting code is concerned).
 * @param {import('./lib/emulator.js').EmulatorOptions} options
 * @returns {Promise<RunningEmulator>}
 */
export async function startEmulator({ port = 0, host = '127.0.0.1', ...rest }) {
  const emu = new Emulator({ host, ...rest });
  await emu.listen(port);
  emu.log(`[emulator] listening on ${emu.url} (twilsock ${emu.twilsockUri})`);
  return {
    url: emu.url,
    twilsockUri: emu.twilsockUri,
    clientOptions: emu.clientOptions(),
    port: emu.port,
    host,
    serviceSid: emu.serviceSid,
    mintToken: (o) => emu.mintToken(o),
    clientOptionsFor: (origin) => emu.clientOptions(origin),
    close: () => emu.close(),
    emulator: emu,
  };
}
