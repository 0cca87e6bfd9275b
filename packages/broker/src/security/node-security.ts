import { timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { AuthFailure, unauthenticated } from '@herald/protocol';
import type { NodeId } from '@herald/raft';
import { authenticate, nodeIdFromCertificate, nodePrincipal, type Authenticated, type PeerCertificateInput } from '@herald/security';
import { Authorizer, createScramCredential, QuotaManager, ScramMechanism, type ClusterSecret, type CredentialLookup, type Operation, type Principal, type QuotaKind, type Resource, type ScramCredential } from '@herald/security/models';
import type { NodeConfig } from '../config/config.js';
import type { Clock } from '../host/clock.js';
import type { MetaState } from '../meta/meta-state.js';
import type { SecurityState, StoredCredential, StoredSecret } from '../meta/security-state.js';

/** The cluster CA and this node's certificate and key, as PEM. */
export interface TlsMaterial {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** The principal of calls to an insecure node: every call is trusted and nothing is checked. */
export const ANONYMOUS: Principal = 'User:ANONYMOUS';

/**
 * Reads the node's TLS files, refusing with a message that says how to make them. The peer port
 * needs them in every mode.
 */
export function readTlsMaterial(tls: NodeConfig['tls'], nodeId: NodeId): TlsMaterial {
  const read = (what: string, path: string) => {
    if (!existsSync(path)) {
      throw new Error(
        `no ${what} at ${path}: every node needs the cluster CA and its own certificate (the peer port is mutual TLS). ` +
          `Make them with \`herald cert create-ca\` and \`herald cert create-node --id ${nodeId}\` (\`herald cluster up\` does it for a local cluster), or set tls.ca, tls.cert and tls.key`,
      );
    }
    return readFileSync(path);
  };
  return { ca: read('CA certificate', tls.ca), cert: read('node certificate', tls.cert), key: read('node key', tls.key) };
}

/** A credential as the meta state holds it, as the SCRAM server uses it. */
function credentialOf(stored: StoredCredential): ScramCredential {
  return {
    mechanism: stored.mechanism,
    salt: Buffer.from(stored.salt, 'base64'),
    iterations: stored.iterations,
    storedKey: Buffer.from(stored.storedKey, 'base64'),
    serverKey: Buffer.from(stored.serverKey, 'base64'),
  };
}

function secretOf(stored: StoredSecret): ClusterSecret {
  return { id: stored.id, key: Buffer.from(stored.key, 'base64') };
}

/**
 * One node's security: its TLS material for every port, who a call comes from, what it may do
 * (the ACLs of the meta group, superusers, and the nodes themselves), and the quotas that slow
 * it down. Derived views (authorizer, quotas, token secrets) follow the replicated state.
 */
export class NodeSecurity {
  readonly tls: TlsMaterial;
  readonly secure: boolean;
  readonly quotas: QuotaManager;
  private readonly superUsers: readonly Principal[];
  private readonly files: NodeConfig['tls'];
  private derived: { source: SecurityState; version: number; nodes: readonly { readonly id: NodeId }[]; authorizer: Authorizer; secrets: ClusterSecret[] } | undefined;

  /** `nodes`: the cluster's nodes now (they change at runtime: herald node add|remove), the same
   *  array as long as they do not change. */
  constructor(
    config: NodeConfig,
    private readonly meta: () => MetaState,
    private readonly clock: Clock,
    private readonly nodes: () => readonly { readonly id: NodeId }[],
  ) {
    this.files = config.tls;
    this.tls = readTlsMaterial(config.tls, config.nodeId);
    this.secure = config.security.mode === 'secure';
    this.superUsers = config.security.superUsers as Principal[];
    this.quotas = new QuotaManager(() => clock.now());
  }

  // ---------------------------------------------------------------------------------------------
  // TLS

  /** The peer port's server credentials: mutual TLS, a client certificate from the cluster CA
   *  required (grpc-js refuses the handshake otherwise). */
  peerServerCredentials(): grpc.ServerCredentials {
    return grpc.ServerCredentials.createSsl(this.tls.ca, [{ cert_chain: this.tls.cert, private_key: this.tls.key }], true);
  }

  /** Credentials to dial peer `id`'s peer port: this node's certificate, and the peer's checked
   *  to be node `id`'s (its node URI, not the address dialled, which may be a proxy). */
  peerChannelCredentials(id: NodeId): grpc.ChannelCredentials {
    return grpc.credentials.createSsl(this.tls.ca, this.tls.key, this.tls.cert, {
      checkServerIdentity: (_host, cert) => (nodeIdFromCertificate(cert) === id ? undefined : new Error(`the peer's certificate does not name node ${id}`)),
    });
  }

  /** Credentials to dial another node's client port as this node (dead letters): its node
   *  certificate is its principal there. Plaintext on an insecure cluster. */
  clientChannelCredentials(): grpc.ChannelCredentials {
    if (!this.secure) return grpc.credentials.createInsecure();
    return grpc.credentials.createSsl(this.tls.ca, this.tls.key, this.tls.cert, {
      checkServerIdentity: (_host, cert) => (nodeIdFromCertificate(cert) !== undefined ? undefined : new Error('the server is not a Herald node of this cluster')),
    });
  }

  /** The client port's server credentials: TLS with an optional client certificate (a client
   *  without one logs in), or plaintext on an insecure node. */
  clientServerCredentials(): grpc.ServerCredentials {
    if (!this.secure) return grpc.ServerCredentials.createInsecure();
    // grpc-js's createSsl(…, false) never asks for a client certificate; a certificate provider
    // asks without requiring one. The file watcher also picks up renewed certificates.
    const provider = new grpc.experimental.FileWatcherCertificateProvider({
      caCertificateFile: this.files.ca,
      certificateFile: this.files.cert,
      privateKeyFile: this.files.key,
      refreshIntervalMs: 60_000,
    });
    return grpc.experimental.createCertificateProviderServerCredentials(provider, provider, false);
  }

  // ---------------------------------------------------------------------------------------------
  // Who, and what they may do

  /** The principal of a call on the client port. Insecure: anonymous (everything allowed). */
  authenticate(authorization: string | undefined, peerCertificate: PeerCertificateInput | undefined): Authenticated {
    if (!this.secure) return { principal: ANONYMOUS, by: 'certificate' };
    const security = this.meta().security;
    return authenticate({ authorization, peerCertificate }, { secrets: this.view().secrets, nowMs: this.clock.now(), userExists: (name) => security.user(name) !== undefined });
  }

  /** Throws PermissionDenied unless `principal` may perform `operation` on `resource`. */
  authorize(principal: Principal, operation: Exclude<Operation, 'all'>, resource: Resource): void {
    if (principal === ANONYMOUS && !this.secure) return;
    this.view().authorizer.check(principal, operation, resource);
  }

  /** Whether `principal` may perform `operation` on `resource` (listing what one may see). */
  allows(principal: Principal, operation: Exclude<Operation, 'all'>, resource: Resource): boolean {
    return (principal === ANONYMOUS && !this.secure) || this.view().authorizer.authorize(principal, operation, resource).allowed;
  }

  isSuperUser(principal: Principal): boolean {
    return (principal === ANONYMOUS && !this.secure) || this.view().authorizer.isSuperUser(principal);
  }

  /** Counts `amount` of `kind` for `principal`; resolves how long to hold the answer back. */
  throttleMs(principal: Principal, kind: QuotaKind, amount: number): number {
    if (!this.secure) return 0;
    this.view();
    return this.quotas.record(principal, kind, amount);
  }

  /** A user's SCRAM credential, for logins (AuthService, Kafka's SaslAuthenticate). */
  readonly credential: CredentialLookup = (username, mechanism) => {
    const stored = this.meta().security.user(username)?.credentials.find((c) => c.mechanism === mechanism);
    return stored === undefined ? undefined : credentialOf(stored);
  };

  /**
   * The principal of a user's name and password (a login without SCRAM's exchange: Kafka's SASL
   * PLAIN over TLS, MQTT's CONNECT), else undefined. The password is checked by deriving the
   * stored key from it with the salt and iterations of the user's credential (RFC 5802 §3) and
   * comparing in constant time, so no password is ever stored; SCRAM-SHA-512's credential first,
   * else SCRAM-SHA-256's.
   */
  async checkPassword(username: string, password: string): Promise<Principal | undefined> {
    for (const mechanism of [ScramMechanism.Sha512, ScramMechanism.Sha256]) {
      const stored = this.credential(username, mechanism);
      if (stored === undefined) continue;
      const derived = await createScramCredential(password, mechanism, { salt: stored.salt, iterations: stored.iterations }).catch(() => undefined);
      const match = derived !== undefined && derived.storedKey.length === stored.storedKey.length && timingSafeEqual(derived.storedKey, stored.storedKey);
      return match ? `User:${username}` : undefined;
    }
    return undefined;
  }

  /** The secret that signs new session tokens; Unavailable until the cluster bootstrapped. */
  signingSecret(): ClusterSecret {
    const secret = this.view().secrets[0];
    if (secret === undefined) throw unauthenticated(AuthFailure.LoginFailed, 'the cluster has not initialized its security yet (no controller has written its token secret); retry shortly');
    return secret;
  }

  /** The derived views, rebuilt when the replicated security state or the cluster's nodes
   *  changed. */
  private view(): { authorizer: Authorizer; secrets: ClusterSecret[] } {
    const security = this.meta().security;
    const nodes = this.nodes();
    // A restored snapshot replaces the state: its version alone could match the old one's.
    if (this.derived === undefined || this.derived.source !== security || this.derived.version !== security.version || this.derived.nodes !== nodes) {
      this.derived = {
        source: security,
        version: security.version,
        nodes,
        // Nodes call each other's client ports (dead letters) with their own certificates.
        authorizer: new Authorizer(security.acls(), [...this.superUsers, ...nodes.map((n) => nodePrincipal(n.id))]),
        secrets: security.tokenSecrets().map(secretOf),
      };
      this.quotas.setQuotas(security.allQuotas());
    }
    return this.derived;
  }
}
