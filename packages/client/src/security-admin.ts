// Users, ACLs and quotas through SecurityService (proto/herald/v1/security.proto), and WhoAmI.
// Passwords stay here: createUser() and setPassword() compute the SCRAM credentials (salt,
// iterations, StoredKey, ServerKey) on the client and send only those.

import type { v1 } from '@herald/protocol';
import {
  aclBindingFromProto,
  aclBindingToProto,
  aclFilterToProto,
  checkUserName,
  createScramCredential,
  parsePrincipal,
  quotaFromProto,
  quotaToProto,
  scramCredentialToProto,
  ScramMechanism,
  type AclBinding,
  type AclFilter,
  type Principal,
  type Quota,
} from '@herald/security/models';
import { unaryCall } from './connections.js';
import type { CallOptions, Router } from './router.js';

/** A user as listed: its name and, per credential, the mechanism and iteration count. */
export interface UserDescription {
  readonly name: string;
  readonly credentials: readonly { readonly mechanism: string; readonly iterations: number }[];
}

/** How credentials are made from a password. */
export interface CredentialOptions {
  /** Both SCRAM-SHA-256 and SCRAM-SHA-512 by default, so that any client can log in. */
  readonly mechanisms?: readonly ScramMechanism[];
  /** PBKDF2 iterations (SCRAM_ITERATIONS_DEFAULT when omitted). */
  readonly iterations?: number;
}

/** Who this client is, as the node it asked sees it. */
export interface Identity {
  readonly principal: string;
  readonly superuser: boolean;
  /** "token" (a SCRAM login) or "certificate". */
  readonly authenticatedBy: string;
}

async function credentialsFor(password: string, options: CredentialOptions): Promise<v1.ScramCredential[]> {
  const mechanisms = options.mechanisms ?? [ScramMechanism.Sha256, ScramMechanism.Sha512];
  const made = await Promise.all(mechanisms.map((mechanism) => createScramCredential(password, mechanism, options.iterations === undefined ? {} : { iterations: options.iterations })));
  return made.map(scramCredentialToProto);
}

/** The security calls of a HeraldClient: changes at the controller, reads at any node. */
export class SecurityAdmin {
  constructor(private readonly router: Router) {}

  /** Creates a user with credentials for `password` (computed here; the password is not sent). */
  async createUser(name: string, password: string, options: CredentialOptions & CallOptions = {}): Promise<void> {
    const request = { name: checkUserName(name, 'name'), credentials: await credentialsFor(password, options) };
    await this.router.atController((s, d) => unaryCall<v1.CreateUserResponse__Output>(s.address, (o, cb) => s.security.createUser(request, o, cb), d), options);
  }

  /** Replaces a user's credentials with ones for `password` (a password change). */
  async setPassword(name: string, password: string, options: CredentialOptions & CallOptions = {}): Promise<void> {
    const request = { name: checkUserName(name, 'name'), credentials: await credentialsFor(password, options) };
    await this.router.atController((s, d) => unaryCall<v1.SetUserCredentialsResponse__Output>(s.address, (o, cb) => s.security.setUserCredentials(request, o, cb), d), options);
  }

  async deleteUser(name: string, options: CallOptions = {}): Promise<void> {
    await this.router.atController((s, d) => unaryCall<v1.DeleteUserResponse__Output>(s.address, (o, cb) => s.security.deleteUser({ name }, o, cb), d), options);
  }

  async listUsers(options: CallOptions = {}): Promise<UserDescription[]> {
    const r = await this.router.anyNode((s, d) => unaryCall<v1.ListUsersResponse__Output>(s.address, (o, cb) => s.security.listUsers({}, o, cb), d), options);
    return r.users.map((u) => ({ name: u.name, credentials: u.credentials.map((c) => ({ mechanism: c.mechanism, iterations: c.iterations })) }));
  }

  /** Adds ACL bindings, all or none. */
  async createAcls(bindings: readonly AclBinding[], options: CallOptions = {}): Promise<void> {
    const request = { acls: bindings.map(aclBindingToProto) };
    await this.router.atController((s, d) => unaryCall<v1.CreateAclsResponse__Output>(s.address, (o, cb) => s.security.createAcls(request, o, cb), d), options);
  }

  /** The bindings matching `filter` (every binding for an empty one). */
  async listAcls(filter: AclFilter = {}, options: CallOptions = {}): Promise<AclBinding[]> {
    const r = await this.router.anyNode((s, d) => unaryCall<v1.ListAclsResponse__Output>(s.address, (o, cb) => s.security.listAcls({ filter: aclFilterToProto(filter) }, o, cb), d), options);
    return r.acls.map((acl, i) => aclBindingFromProto(acl, `acls[${i}]`));
  }

  /** Removes the bindings matching any of `filters`; answers those removed. */
  async deleteAcls(filters: readonly AclFilter[], options: CallOptions = {}): Promise<AclBinding[]> {
    const request = { filters: filters.map(aclFilterToProto) };
    const r = await this.router.atController((s, d) => unaryCall<v1.DeleteAclsResponse__Output>(s.address, (o, cb) => s.security.deleteAcls(request, o, cb), d), options);
    return r.deleted.map((acl, i) => aclBindingFromProto(acl, `deleted[${i}]`));
  }

  /** Sets a principal's quotas (`User:*`: the default), replacing its previous ones; `{}`
   *  removes them. */
  async setQuota(principal: Principal, quota: Quota, options: CallOptions = {}): Promise<void> {
    const request = { principal: parsePrincipal(principal, 'principal', { allowAny: true }), quota: quotaToProto(quota) };
    await this.router.atController((s, d) => unaryCall<v1.SetQuotaResponse__Output>(s.address, (o, cb) => s.security.setQuota(request, o, cb), d), options);
  }

  /** Quotas, of one principal or all. */
  async listQuotas(principal?: Principal, options: CallOptions = {}): Promise<{ readonly principal: string; readonly quota: Quota }[]> {
    const r = await this.router.anyNode((s, d) => unaryCall<v1.ListQuotasResponse__Output>(s.address, (o, cb) => s.security.listQuotas({ principal: principal ?? '' }, o, cb), d), options);
    return r.quotas.map((q, i) => ({ principal: q.principal, quota: quotaFromProto(q.quota, `quotas[${i}]`) }));
  }

  /** The principal this client is authenticated as. */
  async whoAmI(options: CallOptions = {}): Promise<Identity> {
    const r = await this.router.anyNode((s, d) => unaryCall<v1.WhoAmIResponse__Output>(s.address, (o, cb) => s.auth.whoAmI({}, o, cb), d), options);
    return { principal: r.principal, superuser: r.superuser, authenticatedBy: r.authenticatedBy };
  }
}
