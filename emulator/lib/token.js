// Twilio AccessToken (HS256 JWT) minting and verification with node:crypto only.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Minimum token lifetime the emulator accepts, as Twilio Chat documents ("TTL under 3 minutes won't work"). */
export const MIN_TTL_SECONDS = 180;

const b64url = (/** @type {Buffer|string} */ b) => Buffer.from(b).toString('base64url');

/**
 * Mints a token of the same shape as twilio's `jwt.AccessToken` + `ChatGrant`.
 * @param {{identity: string, secret: string, ttl?: number, accountSid?: string, apiKeySid?: string,
 *   serviceSid?: string, nowSeconds?: number}} opts
 * @returns {string}
 */
export function mintToken({
  identity,
  secret,
  ttl = 3600,
  accountSid = 'AC' + '0'.repeat(32),
  apiKeySid = 'SK' + '0'.repeat(32),
  serviceSid = 'IS' + '0'.repeat(32),
  nowSeconds,
}) {
  if (!identity) throw new Error('mintToken: identity is required');
  if (!secret) throw new Error('mintToken: secret is required');
  const iat = nowSeconds ?? Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: 'HS256', cty: 'twilio-fpa;v=1' };
  const payload = {
    jti: `${apiKeySid}-${iat}`,
    iss: apiKeySid,
    sub: accountSid,
    iat,
    exp: iat + ttl,
    grants: { identity, chat: { service_sid: serviceSid } },
  };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/**
 * @typedef {{identity: string, serviceSid: string|null, accountSid: string, iat: number, exp: number}} TokenInfo
 * @typedef {{code: number, errorCode: number, status: string, description: string}} TokenError
 */

/**
 * Verifies a token. Error codes are Twilio's access-token codes: 20101 invalid, 20104 expired,
 * 20105 not yet valid, 20106 no chat grant / identity, 20107 bad signature; a TTL under
 * 180 s is refused with 20101 and a description naming the TTL.
 * @param {string} token
 * @param {string} secret
 * @param {number} nowMs the emulator clock
 * @returns {{ok: true, info: TokenInfo} | {ok: false, error: TokenError}}
 */
export function verifyToken(token, secret, nowMs) {
  /** @type {(errorCode: number, description: string) => {ok: false, error: TokenError}} */
  const fail = (errorCode, description) => ({
    ok: false,
    error: { code: 401, status: 'UNAUTHORIZED', errorCode, description },
  });
  if (typeof token !== 'string') return fail(20101, 'Invalid Access Token: missing');
  const parts = token.split('.');
  if (parts.length !== 3) return fail(20101, 'Invalid Access Token: malformed JWT');
  let header, payload;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return fail(20101, 'Invalid Access Token: undecodable JWT');
  }
  if (header?.alg !== 'HS256') return fail(20101, 'Invalid Access Token: alg must be HS256');
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return fail(20107, 'Invalid Access Token signature');
  }
  const { iat, exp, nbf, grants } = payload ?? {};
  if (!Number.isFinite(exp) || !Number.isFinite(iat)) return fail(20101, 'Invalid Access Token: iat/exp missing');
  const now = nowMs / 1000;
  if (exp <= now) return fail(20104, 'Access Token expired or expiration date invalid');
  if (Number.isFinite(nbf) && nbf > now + 5) return fail(20105, 'Access Token not yet valid');
  if (exp - iat < MIN_TTL_SECONDS) {
    return fail(20101, `Invalid Access Token: TTL of ${exp - iat}s is under the ${MIN_TTL_SECONDS}s minimum`);
  }
  if (!grants?.identity || !grants?.chat)
    return fail(20106, 'Invalid Access Token grants: identity and chat grant required');
  return {
    ok: true,
    info: {
      identity: String(grants.identity),
      serviceSid: grants.chat.service_sid ?? null,
      accountSid: payload.sub,
      iat,
      exp,
    },
  };
}

/** @param {string} prefix @returns {string} a Twilio-like sid: prefix + 32 hex */
export function newSid(prefix) {
  return prefix + randomBytes(16).toString('hex');
}
