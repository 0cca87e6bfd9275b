// TLS and logging in. A client with `tls` opens every channel over TLS, trusting the cluster CA
// (and presenting a client certificate when it has one: its principal then comes from the
// certificate). A client with `credentials` logs in once with SCRAM (AuthService: ScramStart at a
// node, ScramFinish at the same node) and sends the session token with every call as
// `authorization: Bearer <token>`; the token is valid on every node, so one login serves all
// channels. grpc-js call credentials attach it, and run the login when no token is held, before
// the call goes out on a connected channel; they refuse to run on a channel without TLS, so a
// password or token never travels in the clear. A token is renewed when 80% of its lifetime has
// passed; a call refused because the node no longer takes the token (expired, or the cluster
// changed its key) clears it, and the call is retried once (retry.ts), which logs in again.

import * as grpc from '@grpc/grpc-js';
import { AuthFailure, HeraldError, invalidArgument, MetadataKey, Reason, type ApiGrpcType, type v1 } from '@herald/protocol';
import { isScramMechanism, ScramClient, ScramError, type ScramMechanism } from '@herald/security/models';
import { GRPC_STATUS_DETAIL, toHeraldError } from './errors.js';

/** TLS for every connection. PEM text or bytes. */
export interface TlsOptions {
  /** The CA that signed the nodes' certificates (the cluster CA); the system's trusted CAs when
   *  omitted. */
  readonly ca?: string | Uint8Array;
  /** A client certificate (mutual TLS): the principal comes from it, no login is needed. */
  readonly cert?: string | Uint8Array;
  /** The client certificate's private key. */
  readonly key?: string | Uint8Array;
}

/** A user's SCRAM credentials. */
export interface ClientCredentials {
  readonly username: string;
  readonly password: string;
  /** SCRAM-SHA-256 by default. */
  readonly mechanism?: ScramMechanism;
}

/** The authorization metadata key and its scheme (RFC 6750 §2.1). */
export const AUTHORIZATION_KEY = 'authorization';

/** The gRPC paths of the login calls: these go out without a token. */
const LOGIN_METHODS: ReadonlySet<string> = new Set(['/herald.v1.AuthService/ScramStart', '/herald.v1.AuthService/ScramFinish']);

/** Renew a token once this share of its lifetime has passed. */
const RENEW_AT_LIFETIME_SHARE = 0.8;
/** The least lifetime assumed of a token, whatever the node's clock says (a client clock ahead
 *  of the cluster's would otherwise renew on every call). */
const TOKEN_LIFETIME_MIN_MS = 10_000;

/** Checks the security options of a client: PEM present where given, a known mechanism, and no
 *  credentials without TLS. */
export function checkSecurityOptions(tls: TlsOptions | undefined, credentials: ClientCredentials | undefined): void {
  if (tls !== undefined) {
    for (const field of ['ca', 'cert', 'key'] as const) {
      const value = tls[field];
      if (value !== undefined && (value.length === 0 || !/-----BEGIN /.test(Buffer.from(value).toString('latin1')))) throw invalidArgument(`tls.${field}`, 'must be PEM text (-----BEGIN ...)');
    }
    if ((tls.cert === undefined) !== (tls.key === undefined)) throw invalidArgument('tls', 'cert and key go together: give both or neither');
  }
  if (credentials !== undefined) {
    if (tls === undefined) throw invalidArgument('credentials', 'need tls: passwords and session tokens travel over TLS only');
    if (typeof credentials.username !== 'string' || credentials.username === '') throw invalidArgument('credentials.username', 'must not be empty');
    if (typeof credentials.password !== 'string' || credentials.password === '') throw invalidArgument('credentials.password', 'must not be empty');
    if (credentials.mechanism !== undefined && !isScramMechanism(credentials.mechanism)) throw invalidArgument('credentials.mechanism', 'must be SCRAM-SHA-256 or SCRAM-SHA-512');
  }
}

/** A node's AuthService stub. */
export type AuthStub = InstanceType<ApiGrpcType['herald']['v1']['AuthService']>;

/** How long one login call may take. */
const LOGIN_CALL_TIMEOUT_MS = 10_000;

/**
 * The client's session: its token, and the login that gets one. Shared by every channel; one
 * login at a time, which concurrent calls wait for.
 */
export class Session {
  private token: { readonly value: string; readonly renewAtMs: number } | undefined;
  private login: Promise<string> | undefined;

  constructor(
    private readonly credentials: ClientCredentials,
    private readonly authAt: (address: string) => AuthStub,
  ) {}

  /** A token, logging in at `address` when none is held or it is due for renewal. */
  tokenFor(address: string): Promise<string> {
    const held = this.token;
    if (held !== undefined && Date.now() < held.renewAtMs) return Promise.resolve(held.value);
    this.login ??= this.logIn(address).finally(() => (this.login = undefined));
    return this.login;
  }

  /** A node refused the token: forget it, so that the next call logs in again. (Should another
   *  call have logged in meanwhile, its fresh token goes too: one login more, nothing worse.) */
  rejected(): void {
    this.token = undefined;
  }

  private call<Res>(address: string, start: (auth: AuthStub, options: grpc.CallOptions, callback: grpc.requestCallback<Res>) => grpc.ClientUnaryCall): Promise<Res> {
    return new Promise((resolve, reject) => {
      start(this.authAt(address), { deadline: Date.now() + LOGIN_CALL_TIMEOUT_MS }, (err, response) => {
        if (err !== null || response === undefined) reject(toHeraldError(err ?? new Error('empty response'), address));
        else resolve(response);
      });
    });
  }

  private async logIn(address: string): Promise<string> {
    const mechanism = this.credentials.mechanism ?? 'SCRAM-SHA-256';
    try {
      const scram = new ScramClient(mechanism, this.credentials.username, this.credentials.password);
      const start = await this.call<v1.ScramStartResponse__Output>(address, (auth, o, cb) => auth.scramStart({ mechanism, clientFirst: scram.clientFirst() }, o, cb));
      const clientFinal = await scram.serverFirst(start.serverFirst);
      const finish = await this.call<v1.ScramFinishResponse__Output>(address, (auth, o, cb) => auth.scramFinish({ handshakeId: start.handshakeId, clientFinal }, o, cb));
      scram.serverFinal(finish.serverFinal);
      const now = Date.now();
      const lifetimeMs = Math.max(TOKEN_LIFETIME_MIN_MS, finish.expiresAtMs - now);
      this.token = { value: finish.token, renewAtMs: now + lifetimeMs * RENEW_AT_LIFETIME_SHARE };
      return finish.token;
    } catch (err) {
      if (err instanceof ScramError) {
        throw new HeraldError('Unauthenticated', `logging in as "${this.credentials.username}" at ${address} failed: ${err.message}`, { [MetadataKey.AuthFailure]: AuthFailure.LoginFailed }, { cause: err });
      }
      throw err;
    }
  }
}

// gRPC status codes by the catalog's code names, for errors handed back to grpc-js.
const STATUS_OF_CODE: Readonly<Record<string, grpc.status>> = {
  UNAUTHENTICATED: grpc.status.UNAUTHENTICATED,
  PERMISSION_DENIED: grpc.status.PERMISSION_DENIED,
  UNAVAILABLE: grpc.status.UNAVAILABLE,
  DEADLINE_EXCEEDED: grpc.status.DEADLINE_EXCEEDED,
  RESOURCE_EXHAUSTED: grpc.status.RESOURCE_EXHAUSTED,
};

/**
 * The channel credentials of one node's channel: insecure without `tls`; TLS with the CA and the
 * client certificate; and with a session, call credentials that attach its token to every call
 * but the login calls. A failed login fails the call with the login's status (grpc-js prefixes
 * its message with "Getting metadata from plugin failed with error: ", errors.ts strips that).
 */
export function channelCredentials(address: string, tls: TlsOptions | undefined, session: Session | undefined): grpc.ChannelCredentials {
  if (tls === undefined) return grpc.credentials.createInsecure();
  const pem = (value: string | Uint8Array | undefined) => (value === undefined ? null : Buffer.from(value));
  const ssl = grpc.credentials.createSsl(pem(tls.ca), pem(tls.key), pem(tls.cert));
  if (session === undefined) return ssl;
  const bearer = grpc.credentials.createFromMetadataGenerator((options, callback) => {
    if (LOGIN_METHODS.has(options.method_name)) return callback(null, new grpc.Metadata());
    session.tokenFor(address).then(
      (token) => {
        const metadata = new grpc.Metadata();
        metadata.set(AUTHORIZATION_KEY, `Bearer ${token}`);
        callback(null, metadata);
      },
      (err: unknown) => {
        const code = err instanceof HeraldError ? (STATUS_OF_CODE[Reason[err.reason].code] ?? STATUS_OF_CODE[err.details[GRPC_STATUS_DETAIL] ?? ''] ?? grpc.status.UNKNOWN) : grpc.status.UNKNOWN;
        callback(Object.assign(new Error(err instanceof Error ? err.message : String(err)), { code }));
      },
    );
  });
  return grpc.credentials.combineChannelCredentials(ssl, bearer);
}

/**
 * A client interceptor that tells the session when a node refused its token, so that the next
 * call logs in again instead of sending the same token.
 */
export function tokenRefusalInterceptor(session: Session): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        next(metadata, {
          onReceiveStatus(status, nextStatus) {
            const failure = status.metadata.get(MetadataKey.AuthFailure)[0]?.toString();
            if (status.code === grpc.status.UNAUTHENTICATED && (failure === AuthFailure.TokenExpired || failure === AuthFailure.TokenInvalid)) session.rejected();
            nextStatus(status);
          },
        });
      },
    });
}
