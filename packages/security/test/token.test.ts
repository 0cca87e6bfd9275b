// Shows that session tokens verify on any holder of the cluster secret, and are refused when
// expired, tampered with, signed by an unknown key, or malformed. Method: sign and verify at
// fixed times; edit the token's parts.

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createClusterSecret, signToken, TOKEN_CLOCK_SKEW_MS, TOKEN_LIFETIME_MAX_MS, verifyToken, type ClusterSecret } from '../src/index.js';

const NOW = 1_750_000_000_000;
const secret: ClusterSecret = { id: 'k1', key: Buffer.alloc(32, 7) };

function refusal(token: string, secrets: readonly ClusterSecret[] = [secret], now = NOW): { expired: boolean; why: string } {
  const check = verifyToken(token, secrets, now);
  if (check.ok) throw new Error('expected the token to be refused');
  return check;
}

describe('session tokens', () => {
  it('verify with the principal and expiry they were signed with', () => {
    const { token, expiresAtMs } = signToken(secret, 'User:alice', NOW, 60_000);
    expect(token).toMatch(/^hrt1\.k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(expiresAtMs).toBe(NOW + 60_000);
    expect(verifyToken(token, [secret], NOW + 59_999)).toEqual({ ok: true, claims: { principal: 'User:alice', issuedAtMs: NOW, expiresAtMs: NOW + 60_000 } });
  });

  it('expire', () => {
    const { token } = signToken(secret, 'User:alice', NOW, 60_000);
    const check = refusal(token, [secret], NOW + 60_000);
    expect(check.expired).toBe(true);
    expect(check.why).toMatch(/^the session expired at .*; log in again$/);
  });

  it('verify under the previous secret during a rotation, and not after it', () => {
    const next = createClusterSecret();
    const { token } = signToken(secret, 'User:alice', NOW);
    expect(verifyToken(token, [next, secret], NOW).ok).toBe(true);
    expect(refusal(token, [next]).why).toBe('the token was signed with a key this cluster no longer has; log in again');
    expect(next.id).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(next.key).toHaveLength(32);
  });

  it('are refused when signed with another key of the same id', () => {
    const { token } = signToken({ id: 'k1', key: Buffer.alloc(32, 8) }, 'User:alice', NOW);
    expect(refusal(token).why).toBe('the token signature does not verify');
  });

  const reclaim = (token: string, claims: object) => {
    const parts = token.split('.');
    parts[2] = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return parts.join('.');
  };

  it.each([
    { what: 'another principal', edit: (t: string) => reclaim(t, { sub: 'User:admin', iat: NOW, exp: NOW + 60_000 }) },
    { what: 'a later expiry', edit: (t: string) => reclaim(t, { sub: 'User:alice', iat: NOW, exp: NOW + 120_000 }) },
    { what: 'a flipped MAC character', edit: (t: string) => t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A') },
    { what: 'a truncated MAC', edit: (t: string) => t.slice(0, -2) },
    { what: 'another key id', edit: (t: string) => t.replace('.k1.', '.k2.') },
  ])('are refused with $what', ({ edit }) => {
    const { token } = signToken(secret, 'User:alice', NOW, 60_000);
    expect(verifyToken(edit(token), [secret, { id: 'k2', key: Buffer.alloc(32, 9) }], NOW).ok).toBe(false);
  });

  it.each(['', 'hrt1', 'hrt1.k1.e30', 'hrt2.k1.e30.AAAA', 'hrt1.k 1.e30.AAAA', 'hrt1.k1.e=0.AAAA', 'hrt1.k1.e30.AAAA.more', `hrt1.k1.${'a'.repeat(2000)}.AAAA`])(
    'are refused when malformed: %j',
    (token) => {
      expect(refusal(token).why).toBe('the token is malformed');
    },
  );

  it('refuse claims that are signed but out of bounds', () => {
    const signed = (claims: object) => {
      const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
      const { token } = signToken(secret, 'User:x', NOW);
      // Re-sign the edited claims with the real key, as a bug in a signer would.
      const mac = createHmac('sha256', secret.key).update(`hrt1.k1.${body}`).digest('base64url');
      return `${token.split('.').slice(0, 2).join('.')}.${body}.${mac}`;
    };
    expect(refusal(signed({ sub: 'alice', iat: NOW, exp: NOW + 1 })).why).toBe('the token names no valid principal');
    expect(refusal(signed({ sub: 'User:alice', iat: NOW, exp: NOW + TOKEN_LIFETIME_MAX_MS + 1 })).why).toBe('the token lifetime is out of bounds');
    expect(refusal(signed({ sub: 'User:alice', iat: NOW + TOKEN_CLOCK_SKEW_MS + 1, exp: NOW + TOKEN_CLOCK_SKEW_MS + 60_000 })).why).toMatch(/issued in the future/);
    expect(refusal(signed({ sub: 'User:alice', iat: '1', exp: NOW + 1 })).why).toBe('the token claims are malformed');
  });

  it('refuse to sign what could not be verified', () => {
    expect(() => signToken(secret, 'User:alice', NOW, TOKEN_LIFETIME_MAX_MS + 1)).toThrow(/lifetimeMs: must be an integer/);
    expect(() => signToken({ id: 'bad id', key: Buffer.alloc(32) }, 'User:alice', NOW)).toThrow(/secret.id/);
    expect(() => signToken(secret, 'alice' as 'User:alice', NOW)).toThrow(/is not a principal/);
  });
});
