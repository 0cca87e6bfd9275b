// Session tokens: what a client gets from a successful login (AuthService) and sends with every
// call as `authorization: Bearer <token>`. A token names a principal and an expiry and is signed
// with HMAC-SHA256 under a cluster secret that the meta group replicates, so any node verifies
// any token without a round trip. Bearer tokens: they travel over TLS only.
//
// Format (ASCII, at most TOKEN_CHARS_MAX characters):
//
//   hrt1.<key id>.<claims>.<mac>
//
//   key id  the cluster secret's id, 1 to 32 characters of [A-Za-z0-9_-] (secrets can rotate:
//           a node keeps the previous secret to verify tokens signed before the rotation)
//   claims  base64url (no padding) of the JSON {"sub":"User:alice","iat":<ms>,"exp":<ms>}
//   mac     base64url (no padding) of HMAC-SHA256(secret, "hrt1.<key id>.<claims>")

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { invalidArgument } from '@herald/protocol';
import { parsePrincipal, type Principal } from './principal.js';

/** A cluster secret: the HMAC key of session tokens, and its id. Held by the meta group. */
export interface ClusterSecret {
  readonly id: string;
  readonly key: Buffer;
}

/** What a verified token says. */
export interface SessionClaims {
  readonly principal: Principal;
  readonly issuedAtMs: number;
  readonly expiresAtMs: number;
}

/** The result of verifyToken(): the claims, or why the token is refused. `expired` is separate
 *  so that a server can say so (the client then logs in again). */
export type TokenCheck =
  | { readonly ok: true; readonly claims: SessionClaims }
  | { readonly ok: false; readonly expired: boolean; readonly why: string };

const PREFIX = 'hrt1';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** The longest token accepted: longer ones are refused before any parsing. */
export const TOKEN_CHARS_MAX = 1024;
/** Bytes of a cluster secret's key (HMAC-SHA256 gains nothing from more than its block). */
const SECRET_BYTES = 32;
/** The default and the longest lifetime of a session token. A deleted user's token is refused
 *  by the principal check (see docs/security.md), so the lifetime bounds what a stolen token
 *  can do, not how long a deleted user lingers. */
export const TOKEN_LIFETIME_DEFAULT_MS = 60 * 60_000;
export const TOKEN_LIFETIME_MAX_MS = 24 * 60 * 60_000;
/** Clock skew tolerated between the node that signed a token and the node that verifies it: a
 *  token issued up to this far in the verifier's future is still accepted. */
export const TOKEN_CLOCK_SKEW_MS = 60_000;

/** Makes a new cluster secret: 32 random bytes and a random id. */
export function createClusterSecret(): ClusterSecret {
  return { id: randomBytes(6).toString('base64url'), key: randomBytes(SECRET_BYTES) };
}

function mac(secret: ClusterSecret, signed: string): Buffer {
  return createHmac('sha256', secret.key).update(signed, 'ascii').digest();
}

/** Signs a session token for `principal`, valid from `nowMs` for `lifetimeMs`. */
export function signToken(secret: ClusterSecret, principal: Principal, nowMs: number, lifetimeMs = TOKEN_LIFETIME_DEFAULT_MS): { readonly token: string; readonly expiresAtMs: number } {
  if (!KEY_ID.test(secret.id)) throw invalidArgument('secret.id', 'must be 1 to 32 characters of A-Z, a-z, 0-9, "_", "-"');
  if (secret.key.length < 16) throw invalidArgument('secret.key', 'must be at least 16 bytes');
  if (!Number.isInteger(lifetimeMs) || lifetimeMs < 1_000 || lifetimeMs > TOKEN_LIFETIME_MAX_MS) {
    throw invalidArgument('lifetimeMs', `must be an integer from 1,000 to ${TOKEN_LIFETIME_MAX_MS.toLocaleString('en-US')} (got ${lifetimeMs})`);
  }
  parsePrincipal(principal);
  const issuedAtMs = Math.floor(nowMs);
  const expiresAtMs = issuedAtMs + lifetimeMs;
  const claims = Buffer.from(JSON.stringify({ sub: principal, iat: issuedAtMs, exp: expiresAtMs })).toString('base64url');
  const signed = `${PREFIX}.${secret.id}.${claims}`;
  return { token: `${signed}.${mac(secret, signed).toString('base64url')}`, expiresAtMs };
}

/**
 * Verifies a session token at time `nowMs` against the cluster's secrets (the current one and,
 * during a rotation, the previous): format, key id, MAC (compared in constant time), then the
 * claims and the expiry. Never throws on bad input: a token is outside input.
 */
export function verifyToken(token: string, secrets: readonly ClusterSecret[], nowMs: number): TokenCheck {
  const refuse = (why: string): TokenCheck => ({ ok: false, expired: false, why });
  if (typeof token !== 'string' || token.length > TOKEN_CHARS_MAX) return refuse('the token is malformed');
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== PREFIX) return refuse('the token is malformed');
  const [, keyId, claimsText, macText] = parts as [string, string, string, string];
  if (!KEY_ID.test(keyId) || !BASE64URL.test(claimsText) || !BASE64URL.test(macText)) return refuse('the token is malformed');
  const secret = secrets.find((s) => s.id === keyId);
  if (secret === undefined) return refuse('the token was signed with a key this cluster no longer has; log in again');
  const expected = mac(secret, `${PREFIX}.${keyId}.${claimsText}`);
  const given = Buffer.from(macText, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refuse('the token signature does not verify');
  // Signed by this cluster, so the claims are ours; they are checked all the same.
  let claims: { sub?: unknown; iat?: unknown; exp?: unknown };
  try {
    claims = JSON.parse(Buffer.from(claimsText, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return refuse('the token claims are malformed');
  }
  const { sub, iat, exp } = claims;
  if (typeof sub !== 'string' || !Number.isSafeInteger(iat) || !Number.isSafeInteger(exp)) return refuse('the token claims are malformed');
  let principal: Principal;
  try {
    principal = parsePrincipal(sub);
  } catch {
    return refuse('the token names no valid principal');
  }
  const issuedAtMs = iat as number;
  const expiresAtMs = exp as number;
  if (expiresAtMs <= issuedAtMs || expiresAtMs - issuedAtMs > TOKEN_LIFETIME_MAX_MS) return refuse('the token lifetime is out of bounds');
  if (issuedAtMs > nowMs + TOKEN_CLOCK_SKEW_MS) return refuse('the token is issued in the future; check the clocks of the nodes');
  if (expiresAtMs <= nowMs) return { ok: false, expired: true, why: `the session expired at ${new Date(expiresAtMs).toISOString()}; log in again` };
  return { ok: true, claims: { principal, issuedAtMs, expiresAtMs } };
}
