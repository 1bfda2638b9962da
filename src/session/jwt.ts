import { ChatServiceError } from '../services/port.js';

/** What the widget reads from an access token. It never trusts it: the service verifies it. */
export interface TokenClaims {
  readonly identity: string;
  /** Seconds since epoch. */
  readonly issuedAt: number;
  /** Seconds since epoch. */
  readonly expiresAt: number;
}

/** Twilio refuses tokens that live less than this (T2). */
export const MIN_TTL_SECONDS = 3 * 60;
/** Twilio recommends at most this (T1). */
export const MAX_RECOMMENDED_TTL_SECONDS = 24 * 60 * 60;

function base64UrlDecode(segment: string): string {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** Reads the claims of a Twilio access token; throws `token-invalid` for anything else. */
export function readTokenClaims(token: string): TokenClaims {
  const invalid = () =>
    new ChatServiceError('token-invalid', 'The token endpoint did not return a valid access token (a JWT).');
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) throw invalid();
  let payload: { iat?: unknown; exp?: unknown; grants?: { identity?: unknown } };
  try {
    payload = JSON.parse(base64UrlDecode(parts[1]));
  } catch {
    throw invalid();
  }
  const identity = payload.grants?.identity;
  if (typeof payload.exp !== 'number' || typeof identity !== 'string' || identity === '') throw invalid();
  const issuedAt = typeof payload.iat === 'number' ? payload.iat : payload.exp - 3600;
  return { identity, issuedAt, expiresAt: payload.exp };
}

function describeSeconds(seconds: number): string {
  if (seconds % 60 === 0 && seconds >= 60) {
    const minutes = seconds / 60;
    return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

/**
 * Refuses a token the SDK must never see (T2, T5). Returns a warning for a TTL over 24 hours (T1),
 * which works but is not recommended.
 */
export function checkToken(claims: TokenClaims, expectedIdentity: string | null, nowSeconds: number): string | null {
  const ttl = claims.expiresAt - claims.issuedAt;
  if (ttl < MIN_TTL_SECONDS) {
    throw new ChatServiceError(
      'token-ttl-too-short',
      `The access token has a TTL of ${describeSeconds(ttl)}; Twilio Chat needs at least 3 minutes. ` +
        'Mint tokens that live for hours (up to 24 hours).',
    );
  }
  if (expectedIdentity !== null && claims.identity !== expectedIdentity) {
    throw new ChatServiceError(
      'token-identity-mismatch',
      `The access token is for "${claims.identity}", not for "${expectedIdentity}".`,
    );
  }
  if (claims.expiresAt <= nowSeconds) {
    throw new ChatServiceError(
      'token-expired',
      'The token endpoint returned an access token that has already expired.',
    );
  }
  return ttl > MAX_RECOMMENDED_TTL_SECONDS
    ? `chat-widget: the access token has a TTL of ${Math.round(ttl / 3600)} hours; Twilio recommends at most 24 hours.`
    : null;
}
