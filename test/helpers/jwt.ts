/** A token of Twilio's AccessToken shape; the widget reads claims only, the service verifies. */
export function makeToken({
  identity = 'alice',
  ttl = 3600,
  issuedAt = Math.floor(Date.now() / 1000),
}: { identity?: string; ttl?: number; issuedAt?: number } = {}): string {
  const encode = (value: unknown) =>
    btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
  const header = { typ: 'JWT', alg: 'HS256', cty: 'twilio-fpa;v=1' };
  const payload = {
    jti: `SKtest-${issuedAt}`,
    iss: 'SKtest',
    sub: 'ACtest',
    iat: issuedAt,
    exp: issuedAt + ttl,
    grants: { identity, chat: { service_sid: 'IStest' } },
  };
  return `${encode(header)}.${encode(payload)}.c2lnbmF0dXJl`;
}
