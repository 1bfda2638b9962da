import { expect } from '@open-wc/testing';
import { checkToken, readTokenClaims } from '../../../src/session/jwt.js';
import { ChatServiceError } from '../../../src/services/port.js';
import { makeToken } from '../../helpers/jwt.js';

const now = 1_800_000_000;

function refusal(fn: () => unknown): ChatServiceError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(ChatServiceError);
    return error as ChatServiceError;
  }
  throw new Error('expected a refusal');
}

describe('access token checks', () => {
  it('reads identity, issue and expiry from a Twilio access token', () => {
    const claims = readTokenClaims(makeToken({ identity: 'zoë', ttl: 7200, issuedAt: now }));
    expect(claims).to.deep.equal({ identity: 'zoë', issuedAt: now, expiresAt: now + 7200 });
  });

  for (const bad of [
    '',
    'not a token',
    'a.b',
    'a.b.c.d',
    '<html>…</html>',
    'eyJ.eyJ.sig',
    `x.${btoa('{"exp":1}')}.y`,
  ]) {
    it(`refuses ${JSON.stringify(bad)} as not a JWT`, () => {
      expect(refusal(() => readTokenClaims(bad)).code).to.equal('token-invalid');
    });
  }

  it('T2: refuses a TTL under 3 minutes, naming the TTL', () => {
    const error = refusal(() => checkToken(readTokenClaims(makeToken({ ttl: 120, issuedAt: now })), null, now));
    expect(error.code).to.equal('token-ttl-too-short');
    expect(error.message).to.contain('2 minutes').and.contain('at least 3 minutes');
    const seconds = refusal(() => checkToken(readTokenClaims(makeToken({ ttl: 179, issuedAt: now })), null, now));
    expect(seconds.message).to.contain('179 seconds');
  });

  it('accepts exactly 3 minutes', () => {
    expect(checkToken(readTokenClaims(makeToken({ ttl: 180, issuedAt: now })), null, now)).to.equal(null);
  });

  it('T5: refuses a token for another identity than the attribute', () => {
    const error = refusal(() =>
      checkToken(readTokenClaims(makeToken({ identity: 'mallory', issuedAt: now })), 'alice', now),
    );
    expect(error.code).to.equal('token-identity-mismatch');
    expect(error.message).to.contain('mallory').and.contain('alice');
  });

  it('refuses an already expired token', () => {
    const error = refusal(() => checkToken(readTokenClaims(makeToken({ ttl: 3600, issuedAt: now - 7200 })), null, now));
    expect(error.code).to.equal('token-expired');
  });

  it('T1: a TTL over 24 hours works, with a warning', () => {
    const warning = checkToken(readTokenClaims(makeToken({ ttl: 48 * 3600, issuedAt: now })), null, now);
    expect(warning).to.contain('48 hours').and.contain('24 hours');
    expect(checkToken(readTokenClaims(makeToken({ ttl: 24 * 3600, issuedAt: now })), null, now)).to.equal(null);
  });
});
