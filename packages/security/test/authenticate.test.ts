// Shows how a call's principal is decided: a valid token names it, a client certificate names it
// when there is no token, and every other case is refused with the herald-auth-failure the
// client acts on. Method: fixed time, one secret, certificates from a test CA.

import type { HeraldError } from '@herald/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { authenticate, createCa, createClientCertificate, signToken, type AuthenticationContext, type CallCredentials, type CertificateAndKey } from '../src/index.js';

const NOW = 1_750_000_000_000;
const secret = { id: 'k1', key: Buffer.alloc(32, 3) };
const context: AuthenticationContext = { secrets: [secret], nowMs: NOW, userExists: (name) => name === 'alice' };
let bob: CertificateAndKey;
let stranger: string;

beforeAll(async () => {
  const ca = await createCa();
  bob = await createClientCertificate(ca, 'bob');
  // A certificate that maps to no principal: a CN with a space, no user URI.
  const { execFileSync } = await import('node:child_process');
  stranger = execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-days', '1', '-subj', '/CN=Jane Doe'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
});

function refusal(call: CallCredentials): { failure: string | undefined; message: string } {
  try {
    authenticate(call, context);
  } catch (err) {
    const error = err as HeraldError;
    expect(error.reason).toBe('Unauthenticated');
    return { failure: error.details['herald-auth-failure'], message: error.message };
  }
  throw new Error('expected the call to be refused');
}

describe('authenticate', () => {
  it('takes the principal from a valid token, even beside a certificate', () => {
    const { token } = signToken(secret, 'User:alice', NOW - 1_000);
    expect(authenticate({ authorization: `Bearer ${token}` }, context)).toEqual({ principal: 'User:alice', by: 'token' });
    expect(authenticate({ authorization: `Bearer ${token}`, peerCertificate: bob.cert }, context)).toEqual({ principal: 'User:alice', by: 'token' });
  });

  it('takes the principal from a client certificate without a token', () => {
    expect(authenticate({ peerCertificate: bob.cert }, context)).toEqual({ principal: 'User:bob', by: 'certificate' });
  });

  it.each([
    { what: 'an expired token', call: () => ({ authorization: `Bearer ${signToken(secret, 'User:alice', NOW - 120_000, 60_000).token}` }), failure: 'token-expired' },
    { what: 'a token of a deleted user', call: () => ({ authorization: `Bearer ${signToken(secret, 'User:carol', NOW).token}` }), failure: 'token-invalid' },
    { what: 'a token of another cluster', call: () => ({ authorization: `Bearer ${signToken({ id: 'k9', key: Buffer.alloc(32) }, 'User:alice', NOW).token}` }), failure: 'token-invalid' },
    { what: 'another scheme', call: () => ({ authorization: 'Basic YWxpY2U6cHc=' }), failure: 'token-invalid' },
    { what: 'an empty bearer', call: () => ({ authorization: 'Bearer ' }), failure: 'token-invalid' },
    { what: 'nothing', call: () => ({}), failure: 'no-credentials' },
    { what: 'a certificate that names no user', call: () => ({ peerCertificate: stranger }), failure: 'no-credentials' },
  ])('refuses $what', ({ call, failure }) => {
    expect(refusal(call()).failure).toBe(failure);
  });

  it('says why in words', () => {
    expect(refusal({}).message).toBe('this cluster needs a login (SCRAM) or a client certificate; see docs/security.md');
    expect(refusal({ authorization: `Bearer ${signToken(secret, 'User:carol', NOW).token}` }).message).toBe("the session's user User:carol no longer exists");
  });
});
