import { matchesAclFilter, sameAclBinding, type AclBinding, type AclFilter, type ClusterSecret, type Principal, type Quota, type ScramCredential, type ScramMechanism } from '@herald/security/models';

/** A SCRAM credential as the meta log and snapshots carry it: bytes as base64. */
export interface StoredCredential {
  readonly mechanism: ScramMechanism;
  readonly salt: string;
  readonly iterations: number;
  readonly storedKey: string;
  readonly serverKey: string;
}

/** A cluster secret as the meta log carries it: its key as base64. */
export interface StoredSecret {
  readonly id: string;
  readonly key: string;
}

export interface StoredUser {
  readonly name: string;
  readonly credentials: readonly StoredCredential[];
}

/** The security commands of the meta group. Checked (names, bindings, credentials) before they
 *  are proposed; applying them only decides what depends on the state. */
export type SecurityCommand =
  /** The first controller of a new cluster: the token secret and the bootstrap users. Applied
   *  once: a later one (a controller that started before it learned of the first) changes
   *  nothing. */
  | { readonly type: 'SecurityBootstrap'; readonly secret: StoredSecret; readonly users: readonly StoredUser[] }
  | { readonly type: 'CreateUser'; readonly user: StoredUser }
  | { readonly type: 'DeleteUser'; readonly name: string }
  | { readonly type: 'SetUserCredentials'; readonly user: StoredUser }
  | { readonly type: 'CreateAcls'; readonly bindings: readonly AclBinding[] }
  | { readonly type: 'DeleteAcls'; readonly filters: readonly AclFilter[] }
  /** A quota of all zeros removes the principal's quota. */
  | { readonly type: 'SetQuota'; readonly principal: Principal; readonly quota: Quota }
  /** A new token secret; the current one is kept to verify tokens signed before. */
  | { readonly type: 'RotateSecret'; readonly secret: StoredSecret };

export type SecurityRefusal = 'UserExists' | 'UserNotFound';

export type SecurityOutcome =
  | { readonly ok: true; readonly deleted?: readonly AclBinding[] }
  | { readonly ok: false; readonly reason: SecurityRefusal; readonly message: string };

/** Whether a command is one of the security commands. */
export function isSecurityCommand(command: { readonly type: string }): command is SecurityCommand {
  return SECURITY_COMMANDS.has(command.type);
}

const SECURITY_COMMANDS: ReadonlySet<string> = new Set(['SecurityBootstrap', 'CreateUser', 'DeleteUser', 'SetUserCredentials', 'CreateAcls', 'DeleteAcls', 'SetQuota', 'RotateSecret']);

/** A credential in the form the meta log carries. */
export function storedCredential(credential: ScramCredential): StoredCredential {
  return {
    mechanism: credential.mechanism,
    salt: credential.salt.toString('base64'),
    iterations: credential.iterations,
    storedKey: credential.storedKey.toString('base64'),
    serverKey: credential.serverKey.toString('base64'),
  };
}

/** A cluster secret in the form the meta log carries. */
export function storedSecret(secret: ClusterSecret): StoredSecret {
  return { id: secret.id, key: secret.key.toString('base64') };
}

/**
 * The cluster's security state, replicated by the meta group (Kafka keeps SCRAM credentials,
 * ACLs and quotas in its metadata log the same way): users with their SCRAM credentials (never
 * a password), ACL bindings, quotas per principal, and the secrets that sign session tokens.
 */
export class SecurityState {
  private readonly users = new Map<string, StoredUser>();
  private bindings: AclBinding[] = [];
  private readonly quotas = new Map<Principal, Quota>();
  /** The current secret first, then the previous one (kept for tokens signed before a rotation). */
  private secrets: StoredSecret[] = [];
  private bootstrappedValue = false;
  /** Bumped by every applied change: views derived from the state (authorizer, quotas) rebuild
   *  when it moves. */
  private versionValue = 0;

  get bootstrapped(): boolean {
    return this.bootstrappedValue;
  }

  get version(): number {
    return this.versionValue;
  }

  apply(command: SecurityCommand): SecurityOutcome {
    const outcome = this.decide(command);
    if (outcome.ok) this.versionValue++;
    return outcome;
  }

  private decide(command: SecurityCommand): SecurityOutcome {
    switch (command.type) {
      case 'SecurityBootstrap':
        if (this.bootstrappedValue) return { ok: true };
        this.bootstrappedValue = true;
        this.secrets = [command.secret];
        for (const user of command.users) if (!this.users.has(user.name)) this.users.set(user.name, user);
        return { ok: true };
      case 'CreateUser':
        if (this.users.has(command.user.name)) return { ok: false, reason: 'UserExists', message: `user "${command.user.name}" exists already` };
        this.users.set(command.user.name, command.user);
        return { ok: true };
      case 'SetUserCredentials':
        if (!this.users.has(command.user.name)) return { ok: false, reason: 'UserNotFound', message: `user "${command.user.name}" does not exist` };
        this.users.set(command.user.name, command.user);
        return { ok: true };
      case 'DeleteUser':
        if (!this.users.delete(command.name)) return { ok: false, reason: 'UserNotFound', message: `user "${command.name}" does not exist` };
        return { ok: true };
      case 'CreateAcls':
        for (const binding of command.bindings) if (!this.bindings.some((b) => sameAclBinding(b, binding))) this.bindings.push(binding);
        return { ok: true };
      case 'DeleteAcls': {
        const deleted = this.bindings.filter((b) => command.filters.some((f) => matchesAclFilter(b, f)));
        this.bindings = this.bindings.filter((b) => !deleted.includes(b));
        return { ok: true, deleted };
      }
      case 'SetQuota': {
        if (Object.values(command.quota).every((limit) => limit === undefined || limit === 0)) this.quotas.delete(command.principal);
        else this.quotas.set(command.principal, command.quota);
        return { ok: true };
      }
      case 'RotateSecret':
        this.secrets = [command.secret, ...this.secrets.slice(0, 1)];
        return { ok: true };
    }
  }

  user(name: string): StoredUser | undefined {
    return this.users.get(name);
  }

  allUsers(): StoredUser[] {
    return [...this.users.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  acls(): readonly AclBinding[] {
    return this.bindings;
  }

  allQuotas(): ReadonlyMap<Principal, Quota> {
    return this.quotas;
  }

  tokenSecrets(): readonly StoredSecret[] {
    return this.secrets;
  }

  toJSON(): object {
    return { users: [...this.users.values()], bindings: this.bindings, quotas: [...this.quotas], secrets: this.secrets, bootstrapped: this.bootstrappedValue };
  }

  static fromJSON(value: { users: StoredUser[]; bindings: AclBinding[]; quotas: [Principal, Quota][]; secrets: StoredSecret[]; bootstrapped: boolean } | undefined): SecurityState {
    const state = new SecurityState();
    if (value === undefined) return state;
    for (const user of value.users) state.users.set(user.name, user);
    state.bindings = [...value.bindings];
    for (const [principal, quota] of value.quotas) state.quotas.set(principal, quota);
    state.secrets = [...value.secrets];
    state.bootstrappedValue = value.bootstrapped;
    return state;
  }
}
