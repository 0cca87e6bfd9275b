import type * as grpc from '@grpc/grpc-js';
import { AuthFailure, HeraldError, invalidArgument, unauthenticated, type v1 } from '@herald/protocol';
import {
  aclBindingFromProto,
  aclBindingToProto,
  aclFilterFromProto,
  checkUserName,
  isScramMechanism,
  matchesAclFilter,
  parsePrincipal,
  quotaFromProto,
  quotaToProto,
  scramCredentialFromProto,
  ScramError,
  ScramServer,
  signToken,
  userPrincipal,
  type ScramCredential,
} from '@herald/security/models';
import { PendingLogins } from '@herald/security';
import type { Logger } from 'pino';
import { storedCredential, type StoredUser } from '../meta/security-state.js';
import type { MetaCommand } from '../meta/meta-state.js';
import type { HeraldNode } from '../node.js';
import { publicUnary, unary } from './services.js';

/** How long a security change may take to commit at the controller. */
const META_COMMIT_TIMEOUT_MS = 10_000;
/** The most credentials, bindings and filters one request may carry. */
const ITEMS_MAX = 1_000;

/**
 * AuthService (proto/herald/v1/auth.proto): SCRAM logins in two calls, answered with a session
 * token every node verifies. Only over TLS: an insecure node has no logins (and needs none).
 */
export function authService(node: HeraldNode, log: Logger): grpc.UntypedServiceImplementation {
  const pending = new PendingLogins(() => node.clock.now());
  const requireTls = () => {
    if (!node.security.secure) throw invalidArgument('mechanism', 'this node serves without TLS (insecure mode): there is nothing to log in to');
  };
  return {
    scramStart: publicUnary(node, log, 'ScramStart', async (req: v1.ScramStartRequest__Output) => {
      requireTls();
      if (!isScramMechanism(req.mechanism)) throw invalidArgument('mechanism', `must be SCRAM-SHA-256 or SCRAM-SHA-512 (got ${JSON.stringify(String(req.mechanism).slice(0, 40))})`);
      const exchange = new ScramServer(req.mechanism, node.security.credential);
      const serverFirst = scramStep(() => exchange.clientFirst(req.clientFirst));
      return { handshakeId: pending.add(exchange), serverFirst };
    }),
    scramFinish: publicUnary(node, log, 'ScramFinish', async (req: v1.ScramFinishRequest__Output) => {
      requireTls();
      const exchange = pending.take(req.handshakeId);
      if (exchange === undefined) throw unauthenticated(AuthFailure.LoginFailed, 'no login under way with this handshake id at this node (it expired after 10 s, or was used); start again with ScramStart');
      const serverFinal = scramStep(() => exchange.clientFinal(req.clientFinal));
      const principal = userPrincipal(exchange.username!);
      const { token, expiresAtMs } = signToken(node.security.signingSecret(), principal, node.clock.now(), node.config.security.tokenLifetimeMs);
      log.info({ principal }, 'logged in');
      return { serverFinal, token, expiresAtMs, principal };
    }),
    whoAmI: unary(node, log, 'WhoAmI', async (_req: object, _call, ctx) => ({
      principal: ctx.principal,
      superuser: node.security.isSuperUser(ctx.principal),
      authenticatedBy: node.security.secure ? 'token-or-certificate' : 'insecure',
    })),
  };
}

/** A SCRAM step; a refusal of the exchange is a failed login (the same answer for an unknown
 *  user and a wrong password, as ScramServer makes sure). */
function scramStep<T>(step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof ScramError) throw unauthenticated(AuthFailure.LoginFailed, `login failed: ${err.message}`);
    throw err;
  }
}

/**
 * SecurityService (proto/herald/v1/security.proto): users (with SCRAM credentials computed by
 * the client: no node ever sees a password), ACLs and quotas, replicated by the meta group.
 * Changes need `alter` on the cluster (a user may change its own password); lists need
 * `describe` on it.
 */
export function securityService(node: HeraldNode, log: Logger): grpc.UntypedServiceImplementation {
  const propose = async (command: MetaCommand) => {
    if (!node.meta.isController()) throw node.meta.notControllerError();
    const outcome = await node.meta.propose(command, META_COMMIT_TIMEOUT_MS);
    if (!outcome.ok) throw new HeraldError(outcome.reason, outcome.message);
    return outcome;
  };
  const user = (name: unknown, credentials: v1.ScramCredential__Output[]): StoredUser => {
    const checked = checkUserName(name, 'name');
    if (!Array.isArray(credentials) || credentials.length === 0) throw invalidArgument('credentials', 'at least one SCRAM credential is required');
    if (credentials.length > 2) throw invalidArgument('credentials', 'at most one credential per mechanism (SCRAM-SHA-256, SCRAM-SHA-512)');
    const parsed: ScramCredential[] = credentials.map((c, i) => scramCredentialFromProto(c, `credentials[${i}]`));
    if (new Set(parsed.map((c) => c.mechanism)).size !== parsed.length) throw invalidArgument('credentials', 'one credential per mechanism');
    return { name: checked, credentials: parsed.map(storedCredential) };
  };
  const many = <T>(list: T[] | undefined, field: string): T[] => {
    if (!Array.isArray(list) || list.length === 0) throw invalidArgument(field, 'at least one is required');
    if (list.length > ITEMS_MAX) throw invalidArgument(field, `at most ${ITEMS_MAX} per request`);
    return list;
  };
  return {
    createUser: unary(node, log, 'CreateUser', async (req: v1.CreateUserRequest__Output, _call, ctx) => {
      ctx.authorize('alter', 'cluster');
      await propose({ type: 'CreateUser', user: user(req.name, req.credentials) });
      return {};
    }),
    deleteUser: unary(node, log, 'DeleteUser', async (req: v1.DeleteUserRequest__Output, _call, ctx) => {
      ctx.authorize('alter', 'cluster');
      await propose({ type: 'DeleteUser', name: checkUserName(req.name, 'name') });
      return {};
    }),
    setUserCredentials: unary(node, log, 'SetUserCredentials', async (req: v1.SetUserCredentialsRequest__Output, _call, ctx) => {
      const changed = user(req.name, req.credentials);
      if (ctx.principal !== userPrincipal(changed.name)) ctx.authorize('alter', 'cluster');
      await propose({ type: 'SetUserCredentials', user: changed });
      return {};
    }),
    listUsers: unary(node, log, 'ListUsers', async (_req: object, _call, ctx) => {
      ctx.authorize('describe', 'cluster');
      return { users: node.meta.state.security.allUsers().map((u) => ({ name: u.name, credentials: u.credentials.map((c) => ({ mechanism: c.mechanism, iterations: c.iterations })) })) };
    }),
    createAcls: unary(node, log, 'CreateAcls', async (req: v1.CreateAclsRequest__Output, _call, ctx) => {
      ctx.authorize('alter', 'cluster');
      await propose({ type: 'CreateAcls', bindings: many(req.acls, 'acls').map((b, i) => aclBindingFromProto(b, `acls[${i}]`)) });
      return {};
    }),
    listAcls: unary(node, log, 'ListAcls', async (req: v1.ListAclsRequest__Output, _call, ctx) => {
      ctx.authorize('describe', 'cluster');
      const filter = req.filter === null ? {} : aclFilterFromProto(req.filter);
      return { acls: node.meta.state.security.acls().filter((b) => matchesAclFilter(b, filter)).map(aclBindingToProto) };
    }),
    deleteAcls: unary(node, log, 'DeleteAcls', async (req: v1.DeleteAclsRequest__Output, _call, ctx) => {
      ctx.authorize('alter', 'cluster');
      const outcome = await propose({ type: 'DeleteAcls', filters: many(req.filters, 'filters').map((f, i) => aclFilterFromProto(f, `filters[${i}]`)) });
      return { deleted: ('deleted' in outcome ? (outcome.deleted ?? []) : []).map(aclBindingToProto) };
    }),
    setQuota: unary(node, log, 'SetQuota', async (req: v1.SetQuotaRequest__Output, _call, ctx) => {
      ctx.authorize('alter', 'cluster');
      await propose({ type: 'SetQuota', principal: parsePrincipal(req.principal, 'principal', { allowAny: true }), quota: quotaFromProto(req.quota) });
      return {};
    }),
    listQuotas: unary(node, log, 'ListQuotas', async (req: v1.ListQuotasRequest__Output, _call, ctx) => {
      ctx.authorize('describe', 'cluster');
      const only = req.principal === '' ? undefined : parsePrincipal(req.principal, 'principal', { allowAny: true });
      const quotas = [...node.meta.state.security.allQuotas()].filter(([p]) => only === undefined || p === only);
      return { quotas: quotas.map(([principal, quota]) => ({ principal, quota: quotaToProto(quota) })) };
    }),
  };
}
