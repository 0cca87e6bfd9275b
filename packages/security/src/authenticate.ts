// Who a call comes from, as the client port's interceptor decides it: from its session token
// (`authorization: Bearer <token>`), else from its client certificate, else nobody. Pure: the
// caller passes the header, the peer certificate (grpc-js: call.getAuthContext()), the cluster
// secrets, the time and the users that exist; refusals are the catalog's Unauthenticated with
// the `herald-auth-failure` the client acts on.

import { AuthFailure, unauthenticated } from '@herald/protocol';
import { principalFromCertificate, type PeerCertificateInput } from './certs.js';
import { userNameOf, type Principal } from './principal.js';
import { verifyToken, type ClusterSecret } from './token.js';

/** What a call brings to prove who it is. */
export interface CallCredentials {
  /** The `authorization` metadata value, if any. */
  readonly authorization?: string | undefined;
  /** The client certificate, if the client presented one that verified against the CA. */
  readonly peerCertificate?: PeerCertificateInput | undefined;
}

/** What a node knows to check them. */
export interface AuthenticationContext {
  /** The cluster's token keys: the current one first, the previous during a rotation. */
  readonly secrets: readonly ClusterSecret[];
  readonly nowMs: number;
  /** Whether a user of this name exists (in the meta group): a deleted user's token is refused. */
  readonly userExists: (name: string) => boolean;
}

/** Who a call comes from, and how that was proven. */
export interface Authenticated {
  readonly principal: Principal;
  readonly by: 'token' | 'certificate';
}

const BEARER = /^Bearer ([!-~]+)$/;

/**
 * The principal of a call. A token, when present, decides (a client that logged in means that
 * user, whatever certificate it holds); else a client certificate; else the call is refused.
 * Throws Unauthenticated: `token-invalid` for a malformed, forged or unknown-key token or one
 * whose user is gone, `token-expired`, `no-credentials` for neither token nor a usable
 * certificate.
 */
export function authenticate(call: CallCredentials, context: AuthenticationContext): Authenticated {
  if (call.authorization !== undefined) {
    const bearer = BEARER.exec(call.authorization);
    if (bearer === null) throw unauthenticated(AuthFailure.TokenInvalid, 'the authorization metadata must be "Bearer <token>"');
    const check = verifyToken(bearer[1]!, context.secrets, context.nowMs);
    if (!check.ok) throw unauthenticated(check.expired ? AuthFailure.TokenExpired : AuthFailure.TokenInvalid, check.why);
    const { principal } = check.claims;
    if (!context.userExists(userNameOf(principal))) throw unauthenticated(AuthFailure.TokenInvalid, `the session's user ${principal} no longer exists`);
    return { principal, by: 'token' };
  }
  if (call.peerCertificate !== undefined) {
    const principal = principalFromCertificate(call.peerCertificate);
    if (principal === undefined) throw unauthenticated(AuthFailure.NoCredentials, 'the client certificate names no user (no spiffe://herald/user/<name> URI, and its CN is not a user name); log in instead');
    return { principal, by: 'certificate' };
  }
  throw unauthenticated(AuthFailure.NoCredentials, 'this cluster needs a login (SCRAM) or a client certificate; see docs/security.md');
}
