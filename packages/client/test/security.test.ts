// Shows that the client speaks TLS with the cluster CA, logs in once with SCRAM and sends its
// token on every call, logs in again once when a node refuses the token, reports a failed login
// and refusals clearly without retrying them, and maps a client certificate to a principal.
// Method: a stand-in node on 127.0.0.1:0 with the real AuthService messages (ScramServer and
// session tokens from @herald/security) and an AdminService whose ListTopics checks the token.

import * as grpc from '@grpc/grpc-js';
import { loadApiDefinition, MetadataKey, type ApiGrpcType, type v1 as V1 } from '@herald/protocol';
import {
  createCa,
  createClientCertificate,
  createNodeCertificate,
  createScramCredential,
  PendingLogins,
  principalFromCertificate,
  ScramClient,
  scramCredentialFromProto,
  ScramServer,
  signToken,
  verifyToken,
  type CertificateAndKey,
  type ClusterSecret,
  type ScramCredential,
} from '@herald/security';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HeraldClient, HeraldError } from '../src/index.js';

const v1 = (grpc.loadPackageDefinition(loadApiDefinition()) as unknown as ApiGrpcType).herald.v1;

let ca: CertificateAndKey;
let node: CertificateAndKey;
let alice: CertificateAndKey;
let credential: ScramCredential;

beforeAll(async () => {
  ca = await createCa();
  node = await createNodeCertificate(ca, 1);
  alice = await createClientCertificate(ca, 'alice');
  credential = await createScramCredential('s3cret!', 'SCRAM-SHA-256', { iterations: 4096 });
});

/** What the stand-in node saw and how it answers. */
interface StandIn {
  readonly address: string;
  /** ScramStart calls received. */
  starts: number;
  /** The principal of each ListTopics it answered. */
  readonly callers: string[];
  /** Refuse the next ListTopics' token as expired, this many times. */
  expireTokens: number;
  /** Refuse every ListTopics with PermissionDenied. */
  deny: boolean;
  /** SecurityService requests received, by method, as decoded. */
  readonly requests: { method: string; request: unknown; principal: string | undefined }[];
}

const servers: grpc.Server[] = [];
const clients: HeraldClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const server of servers.splice(0)) server.forceShutdown();
});

function refuse(callback: grpc.sendUnaryData<never>, code: grpc.status, reason: string, message: string, details: Record<string, string> = {}): void {
  const metadata = new grpc.Metadata();
  metadata.set(MetadataKey.Reason, reason);
  for (const [key, value] of Object.entries(details)) metadata.set(key, value);
  callback({ code, details: message, metadata });
}

async function standIn(options: { readonly requireClientCertificate?: boolean } = {}): Promise<StandIn> {
  const secret: ClusterSecret = { id: 'k1', key: Buffer.alloc(32, 1) };
  const logins = new PendingLogins(Date.now);
  const state: StandIn = { address: '', starts: 0, callers: [], expireTokens: 0, deny: false, requests: [] };
  const server = new grpc.Server();
  server.addService(v1.AuthService.service, {
    ScramStart: (call: grpc.ServerUnaryCall<{ mechanism: string; clientFirst: string }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      state.starts++;
      const exchange = new ScramServer('SCRAM-SHA-256', (user) => (user === 'alice' ? credential : undefined));
      try {
        const serverFirst = exchange.clientFirst(call.request.clientFirst);
        callback(null, { handshakeId: logins.add(exchange), serverFirst });
      } catch (err) {
        refuse(callback, grpc.status.UNAUTHENTICATED, 'Unauthenticated', (err as Error).message, { [MetadataKey.AuthFailure]: 'login-failed' });
      }
    },
    WhoAmI: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      callback(null, { principal: principalOf(call) ?? '', superuser: false, authenticatedBy: 'token' });
    },
    ScramFinish: (call: grpc.ServerUnaryCall<{ handshakeId: string; clientFinal: string }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const exchange = logins.take(call.request.handshakeId);
      try {
        if (exchange === undefined) throw new Error('the login expired; start again');
        const serverFinal = exchange.clientFinal(call.request.clientFinal);
        const { token, expiresAtMs } = signToken(secret, `User:${exchange.username!}`, Date.now());
        callback(null, { serverFinal, token, expiresAtMs, principal: `User:${exchange.username!}` });
      } catch (err) {
        refuse(callback, grpc.status.UNAUTHENTICATED, 'Unauthenticated', (err as Error).message, { [MetadataKey.AuthFailure]: 'login-failed' });
      }
    },
  });
  const principalOf = (call: grpc.ServerUnaryCall<unknown, unknown>) => {
    const bearer = /^Bearer (.+)$/.exec(String(call.metadata.get('authorization')[0] ?? ''));
    const check = bearer === null ? undefined : verifyToken(bearer[1]!, [secret], Date.now());
    return check?.ok === true ? check.claims.principal : undefined;
  };
  const record = (method: string, answer: unknown) => (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
    state.requests.push({ method, request: call.request, principal: principalOf(call) });
    callback(null, answer);
  };
  const binding = { principal: 'User:bob', resourceType: 'RESOURCE_TYPE_TOPIC', patternType: 'PATTERN_TYPE_PREFIXED', resourceName: 'logs.', operation: 'ACL_OPERATION_READ', permission: 'ACL_PERMISSION_ALLOW' };
  server.addService(v1.SecurityService.service, {
    CreateUser: record('CreateUser', {}),
    SetUserCredentials: record('SetUserCredentials', {}),
    DeleteUser: record('DeleteUser', {}),
    ListUsers: record('ListUsers', { users: [{ name: 'alice', credentials: [{ mechanism: 'SCRAM-SHA-256', iterations: 8192 }] }] }),
    CreateAcls: record('CreateAcls', {}),
    ListAcls: record('ListAcls', { acls: [binding] }),
    DeleteAcls: record('DeleteAcls', { deleted: [binding] }),
    SetQuota: record('SetQuota', {}),
    ListQuotas: record('ListQuotas', { quotas: [{ principal: 'User:*', quota: { produceBytesPerSecond: 1000, fetchBytesPerSecond: 0, requestsPerSecond: 0 } }] }),
  });
  server.addService(v1.AdminService.service, {
    ListTopics: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const peer = call.getAuthContext().sslPeerCertificate;
      const bearer = /^Bearer (.+)$/.exec(String(call.metadata.get('authorization')[0] ?? ''));
      let principal: string | undefined;
      if (bearer !== null) {
        const check = verifyToken(bearer[1]!, [secret], Date.now());
        if (check.ok && state.expireTokens === 0) principal = check.claims.principal;
        else {
          state.expireTokens = Math.max(0, state.expireTokens - 1);
          return refuse(callback, grpc.status.UNAUTHENTICATED, 'Unauthenticated', 'the session expired; log in again', { [MetadataKey.AuthFailure]: 'token-expired' });
        }
      } else if (peer !== undefined) {
        principal = principalFromCertificate(peer);
      }
      if (principal === undefined) return refuse(callback, grpc.status.UNAUTHENTICATED, 'Unauthenticated', 'log in or present a client certificate', { [MetadataKey.AuthFailure]: 'no-credentials' });
      if (state.deny) {
        return refuse(callback, grpc.status.PERMISSION_DENIED, 'PermissionDenied', `${principal} may not describe topic "orders" (no ACL allows it)`, {
          [MetadataKey.Operation]: 'describe',
          [MetadataKey.ResourceType]: 'topic',
          [MetadataKey.ResourceName]: 'orders',
        });
      }
      state.callers.push(principal);
      callback(null, { topics: [{ name: 'orders', partitions: 1, replicationFactor: 1 }] });
    },
  });
  servers.push(server);
  const identity = [{ private_key: Buffer.from(node.key), cert_chain: Buffer.from(node.cert) }];
  const credentials =
    options.requireClientCertificate === true ? grpc.ServerCredentials.createSsl(Buffer.from(ca.cert), identity, true) : grpc.ServerCredentials.createSsl(null, identity, false);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (err, p) => (err === null ? resolve(p) : reject(err))));
  return Object.assign(state, { address: `127.0.0.1:${port}` });
}

function client(options: ConstructorParameters<typeof HeraldClient>[0]): HeraldClient {
  const c = new HeraldClient({ callTimeoutMs: 5_000, ...options });
  clients.push(c);
  return c;
}

async function refusal(promise: Promise<unknown>): Promise<HeraldError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(HeraldError);
    return err as HeraldError;
  }
  throw new Error('expected a refusal');
}

describe('TLS and SCRAM login', () => {
  it('logs in once and sends the token with every call', async () => {
    const node = await standIn();
    const c = client({ brokers: [node.address], tls: { ca: ca.cert }, credentials: { username: 'alice', password: 's3cret!' } });
    await Promise.all([c.listTopics(), c.listTopics(), c.listTopics()]);
    await c.listTopics();
    expect(node.callers).toEqual(['User:alice', 'User:alice', 'User:alice', 'User:alice']);
    expect(node.starts).toBe(1);
  });

  it('logs in again once when a node refuses the token, then succeeds', async () => {
    const node = await standIn();
    const c = client({ brokers: [node.address], tls: { ca: ca.cert }, credentials: { username: 'alice', password: 's3cret!' } });
    await c.listTopics();
    node.expireTokens = 1;
    await c.listTopics();
    expect(node.starts).toBe(2);
    expect(node.callers).toHaveLength(2);
    // Refused again after logging in again: reported, not retried a third time.
    node.expireTokens = 2;
    const err = await refusal(c.listTopics());
    expect(err.reason).toBe('Unauthenticated');
    expect(err.details[MetadataKey.AuthFailure]).toBe('token-expired');
    expect(node.starts).toBe(3);
  });

  it('reports a wrong password once, clearly, without retrying', async () => {
    const node = await standIn();
    const c = client({ brokers: [node.address], tls: { ca: ca.cert }, credentials: { username: 'alice', password: 'guess' } });
    const err = await refusal(c.listTopics());
    expect(err.reason).toBe('Unauthenticated');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(`${node.address}: authentication failed for user "alice": wrong password or no such user`);
    expect(err.message).not.toContain('guess');
    expect(err.details[MetadataKey.AuthFailure]).toBe('login-failed');
    expect(node.starts).toBe(1);
    expect(node.callers).toEqual([]);
  });

  it('passes a PermissionDenied refusal on, naming the permission', async () => {
    const node = await standIn();
    node.deny = true;
    const c = client({ brokers: [node.address], tls: { ca: ca.cert }, credentials: { username: 'alice', password: 's3cret!' } });
    const err = await refusal(c.listTopics());
    expect(err.reason).toBe('PermissionDenied');
    expect(err.message).toBe('User:alice may not describe topic "orders" (no ACL allows it)');
    expect(err.details).toMatchObject({ 'herald-operation': 'describe', 'herald-resource-type': 'topic', 'herald-resource-name': 'orders' });
  });

  it('without credentials, is told it is unauthenticated', async () => {
    const node = await standIn();
    const err = await refusal(client({ brokers: [node.address], tls: { ca: ca.cert } }).listTopics());
    expect(err.reason).toBe('Unauthenticated');
    expect(err.details[MetadataKey.AuthFailure]).toBe('no-credentials');
  });

  it('refuses a node whose certificate another CA signed', async () => {
    const node = await standIn();
    const stranger = await createCa();
    const err = await refusal(client({ brokers: [node.address], tls: { ca: stranger.cert }, callTimeoutMs: 1_000 }).listTopics());
    expect(err.reason).toBe('Unknown');
    expect(err.message).toMatch(/UNAVAILABLE/);
  });

  it('authenticates with a client certificate instead of a password', async () => {
    const node = await standIn({ requireClientCertificate: true });
    await client({ brokers: [node.address], tls: { ca: ca.cert, cert: alice.cert, key: alice.key } }).listTopics();
    expect(node.callers).toEqual(['User:alice']);
    expect(node.starts).toBe(0);
  });

  it.each([
    { options: { credentials: { username: 'alice', password: 'x' } }, message: 'credentials: need tls: passwords and session tokens travel over TLS only' },
    { options: { tls: { ca: 'not pem' } }, message: 'tls.ca: must be PEM text (-----BEGIN ...)' },
    { options: { tls: { cert: '-----BEGIN CERTIFICATE-----' } }, message: 'tls: cert and key go together: give both or neither' },
    { options: { tls: {}, credentials: { username: 'alice', password: 'x', mechanism: 'SCRAM-SHA-1' as never } }, message: 'credentials.mechanism: must be SCRAM-SHA-256 or SCRAM-SHA-512' },
  ])('refuses options that cannot work: $message', ({ options, message }) => {
    expect(() => new HeraldClient({ brokers: ['127.0.0.1:1'], ...options })).toThrow(message);
  });
});

describe('SecurityAdmin', () => {
  it('sends credentials computed from the password, never the password', async () => {
    const node = await standIn();
    const c = client({ brokers: [node.address], tls: { ca: ca.cert }, credentials: { username: 'alice', password: 's3cret!' } });
    await c.security.createUser('bob', 'b0b-password');
    await c.security.setPassword('bob', 'n3w-password', { mechanisms: ['SCRAM-SHA-512'], iterations: 4096 });
    const [created, changed] = node.requests;
    expect(created).toMatchObject({ method: 'CreateUser', principal: 'User:alice' });
    expect(changed).toMatchObject({ method: 'SetUserCredentials', principal: 'User:alice' });
    const sent = created!.request as V1.CreateUserRequest__Output;
    expect(sent.name).toBe('bob');
    expect(sent.credentials.map((x) => x.mechanism)).toEqual(['SCRAM-SHA-256', 'SCRAM-SHA-512']);
    expect(JSON.stringify(node.requests)).not.toMatch(/b0b-password|n3w-password/);
    // The credentials sent are good ones: a SCRAM login with the password verifies against them.
    for (const sentCredential of sent.credentials) {
      const stored = scramCredentialFromProto(sentCredential);
      const scram = new ScramClient(stored.mechanism, 'bob', 'b0b-password');
      const server = new ScramServer(stored.mechanism, () => stored);
      server.clientFinal(await scram.serverFirst(server.clientFirst(scram.clientFirst())));
      expect(server.username).toBe('bob');
    }
    expect((changed!.request as V1.SetUserCredentialsRequest__Output).credentials.map((x) => [x.mechanism, x.iterations])).toEqual([['SCRAM-SHA-512', 4096]]);
  });

  it('maps ACLs, quotas and users both ways, and asks who it is', async () => {
    const node = await standIn();
    const c = client({ brokers: [node.address], tls: { ca: ca.cert }, credentials: { username: 'alice', password: 's3cret!' } });
    const bob = { principal: 'User:bob', resourceType: 'topic', patternType: 'prefixed', resourceName: 'logs.', operation: 'read', permission: 'allow' } as const;
    await c.security.createAcls([bob]);
    expect(await c.security.listAcls({ principal: 'User:bob' })).toEqual([bob]);
    expect(await c.security.deleteAcls([{ resourceName: 'logs.' }])).toEqual([bob]);
    await c.security.setQuota('User:*', { produceBytesPerSecond: 1000 });
    expect(await c.security.listQuotas()).toEqual([{ principal: 'User:*', quota: { produceBytesPerSecond: 1000 } }]);
    expect(await c.security.listUsers()).toEqual([{ name: 'alice', credentials: [{ mechanism: 'SCRAM-SHA-256', iterations: 8192 }] }]);
    await c.security.deleteUser('bob');
    expect(await c.security.whoAmI()).toEqual({ principal: 'User:alice', superuser: false, authenticatedBy: 'token' });
    expect(node.requests.map((r) => r.method)).toEqual(['CreateAcls', 'ListAcls', 'DeleteAcls', 'SetQuota', 'ListQuotas', 'ListUsers', 'DeleteUser']);
    expect(node.requests[1]!.request).toEqual({ filter: { principal: 'User:bob', resourceType: 'RESOURCE_TYPE_UNSPECIFIED', patternType: 'PATTERN_TYPE_UNSPECIFIED', resourceName: '', operation: 'ACL_OPERATION_UNSPECIFIED', permission: 'ACL_PERMISSION_UNSPECIFIED' } });
  });

  it('refuses bad input before sending anything', async () => {
    const node = await standIn();
    const c = client({ brokers: [node.address], tls: { ca: ca.cert }, credentials: { username: 'alice', password: 's3cret!' } });
    await expect(c.security.createUser('herald-node-1', 'pw')).rejects.toThrow(/name: names starting with "herald-node-" are reserved/);
    await expect(c.security.createUser('bob', '\u0007')).rejects.toThrow(/password: cannot be prepared with SASLprep/);
    await expect(c.security.setQuota('bob' as 'User:bob', {})).rejects.toThrow(/principal: "bob" is not a principal/);
    expect(node.requests).toEqual([]);
  });
});
