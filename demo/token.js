// Token minting for the demo server. With Twilio credentials in the environment it mints real
// Twilio tokens (the `twilio` helper, loaded on demand); without them it starts the local
// emulator in this process and mints tokens for it.
import { randomBytes } from 'node:crypto';
import { startEmulator } from '../emulator/index.js';

const TTL_SECONDS = 3600;

/**
 * @typedef {{identity: string, token: string, clientOptions?: object}} TokenResponse
 * @typedef {{mode: 'twilio'|'emulator', mint: (identity: string, requestHost?: string) => TokenResponse,
 *   emulatorUrl?: string, close: () => Promise<void>}} TokenSource
 */

/**
 * @param {{env?: NodeJS.ProcessEnv, host?: string, log?: boolean|((line: string) => void)}} [opts]
 * @returns {Promise<TokenSource>}
 */
export async function createTokenSource({ env = process.env, host = '127.0.0.1', log } = {}) {
  const { TWILIO_ACCOUNT_SID, TWILIO_API_KEY, TWILIO_API_SECRET, TWILIO_CHAT_SERVICE_SID } = env;
  if (TWILIO_ACCOUNT_SID && TWILIO_API_KEY && TWILIO_API_SECRET && TWILIO_CHAT_SERVICE_SID) {
    const { default: twilio } = await import('twilio');
    const { AccessToken } = twilio.jwt;
    return {
      mode: 'twilio',
      mint(identity) {
        const token = new AccessToken(TWILIO_ACCOUNT_SID, TWILIO_API_KEY, TWILIO_API_SECRET, {
          identity,
          ttl: TTL_SECONDS,
        });
        token.addGrant(new AccessToken.ChatGrant({ serviceSid: TWILIO_CHAT_SERVICE_SID }));
        return { identity, token: token.toJwt() };
      },
      close: async () => {},
    };
  }

  const emulator = await startEmulator({
    port: Number(env.CHAT_EMULATOR_PORT ?? 0),
    host,
    secret: env.CHAT_EMULATOR_SECRET || randomBytes(24).toString('base64url'),
    log: log ?? false,
  });
  await seed(emulator.url);
  return {
    mode: 'emulator',
    emulatorUrl: emulator.url,
    mint(identity, requestHost) {
      // The browser reaches the emulator on the host name it used for this page.
      const hostname = requestHost ? new URL(`http://${requestHost}`).hostname : host;
      const origin = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${emulator.port}`;
      return {
        identity,
        token: emulator.mintToken({ identity, ttl: TTL_SECONDS }),
        clientOptions: emulator.clientOptionsFor(origin),
      };
    },
    close: () => emulator.close(),
  };
}

/** The demo's starting state: a public "General" channel where alice and bob have talked. */
async function seed(url) {
  const res = await fetch(`${url}/admin/seed`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      users: [
        { identity: 'alice', friendlyName: 'Alice' },
        { identity: 'bob', friendlyName: 'Bob' },
      ],
      channels: [
        {
          uniqueName: 'general',
          friendlyName: 'General',
          type: 'public',
          createdBy: 'alice',
          members: ['alice', 'bob'],
          messages: [
            { author: 'alice', body: 'Welcome to the chat-widget demo! 👋' },
            {
              author: 'bob',
              body: 'Hi Alice. Everything here runs against the local emulator, no Twilio account needed.',
            },
            { author: 'alice', body: 'Switch identities above, open the launcher, send a message or an image.' },
            { author: 'bob', body: 'Try editing or deleting your own messages, too.' },
          ],
        },
      ],
    }),
  });
  if (!res.ok) throw new Error(`seeding the emulator failed: ${res.status} ${await res.text()}`);
}
