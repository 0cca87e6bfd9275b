// Who a client is, and what it may do. The gateway asks an Authenticator at CONNECT (and for
// each SSE or POST request) and an Authorizer before each publish and subscribe. On a secure
// cluster both are the cluster's own (clusterAuthenticator, clusterAuthorizer): the users,
// certificates and ACLs the gRPC API and the Kafka listener use, so an MQTT client, an SDK
// client and a Kafka client of the same user are one principal. An insecure cluster allows
// everything, as its gRPC API does.

import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { HeraldNode } from '@herald/broker';
import { HeraldError } from '@herald/protocol';
import { isScramMechanism, ScramError, ScramServer, type CredentialLookup, type ScramMechanism } from '@herald/security/models';
import type { TopicMapping } from './mapping.js';
import type { Transport } from './metrics.js';
import { parseSharedFilter } from './topics.js';

/** What a client presents. */
export interface Credentials {
  readonly clientId: string;
  readonly username?: string;
  readonly password?: Buffer;
  /** A session token of the cluster (HTTP `Authorization: Bearer`, RFC 6750). */
  readonly token?: string;
  /** The DER of the client's TLS certificate, when it presented one that the cluster CA signed. */
  readonly certificate?: Buffer;
  readonly transport: Transport;
  readonly remoteAddress: string;
}

/** Why a client was refused: credentials that are wrong (MQTT 5 0x86, 3.1.1 return code 4), or
 *  none that could be checked (0x87, return code 5). */
export type AuthRefusal = 'bad-credentials' | 'not-authorized';

/** An authentication's result: a principal ("User:name"), or the refusal. */
export type AuthResult = { readonly ok: true; readonly principal: string } | { readonly ok: false; readonly reason: AuthRefusal };

/** An enhanced authentication refused: the client did not prove who it claims to be. */
export class AuthExchangeFailed extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AuthExchangeFailed';
  }
}

/** One step's answer: the Authentication Data to send, and the principal once the client has
 *  proved who it is (the exchange is then complete). */
export interface AuthStep {
  readonly data: Buffer;
  readonly principal?: string;
}

/**
 * One MQTT 5 enhanced authentication (§4.12), fed the client's Authentication Data in turn: the
 * CONNECT's (or a re-authenticating AUTH's), then each AUTH's. A refusal throws
 * AuthExchangeFailed; the exchange cannot continue after it.
 */
export interface AuthExchange {
  step(data: Buffer): AuthStep;
}

/** Decides who a client is. */
export interface Authenticator {
  authenticate(credentials: Credentials): Promise<AuthResult>;
  /** Starts an enhanced authentication by `method` (the CONNECT's Authentication Method), or
   *  answers undefined for a method it does not serve (CONNACK 0x8C). */
  exchange(method: string): AuthExchange | undefined;
}

/** Decides what a principal may do with MQTT topics. */
export interface Authorizer {
  /** Whether the principal may publish to the topic name. */
  canPublish(principal: string, topic: string): boolean;
  /** Whether the principal may subscribe to the filter (`$share/<group>/<filter>` included);
   *  checked on the filter, not per message. */
  canSubscribe(principal: string, filter: string): boolean;
  /** Whether the principal may write (POST) to a Herald topic. */
  canWriteTopic(principal: string, topic: string): boolean;
  /** Whether the principal may read (SSE) a Herald topic. */
  canReadTopic(principal: string, topic: string): boolean;
}

/** The insecure mode: everyone is User:ANONYMOUS (Kafka's name), or their username. */
export const allowAnyone: Authenticator = {
  authenticate: async (credentials) => ({ ok: true, principal: `User:${credentials.username ?? 'ANONYMOUS'}` }),
  // No users to prove anything against: every method is one it does not serve.
  exchange: () => undefined,
};

/** The insecure mode: everything is allowed. */
export const allowEverything: Authorizer = {
  canPublish: () => true,
  canSubscribe: () => true,
  canWriteTopic: () => true,
  canReadTopic: () => true,
};

/**
 * The client certificate of a TLS connection, when the client presented one the cluster CA
 * signed (the listener asks for one without requiring it, so `authorized` says whether it
 * verified); undefined on plaintext and for an unverified certificate, which proves nothing.
 */
export function verifiedCertificate(socket: Socket): Buffer | undefined {
  const tls = socket as Partial<TLSSocket>;
  if (tls.authorized !== true || typeof tls.getPeerCertificate !== 'function') return undefined;
  const raw = tls.getPeerCertificate().raw as Buffer | undefined;
  return raw === undefined || raw.length === 0 ? undefined : raw;
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A secure cluster's logins, in the gRPC port's order: a password (MQTT CONNECT's username and
 * password, HTTP Basic) or a session token decides when given, for the user it names; else a
 * client certificate the cluster CA signed maps to its user (its `spiffe://herald/user/<name>`
 * URI, else `User:<CN>`: NodeSecurity.authenticate); else the client is refused. A password is
 * checked against the user's stored SCRAM credential (NodeSecurity.checkPassword); it is binary
 * in MQTT, and one that is not UTF-8 matches no user.
 */
export function clusterAuthenticator(node: HeraldNode): Authenticator {
  const fromCall = (authorization: string | undefined, certificate: Buffer | undefined): AuthResult => {
    try {
      return { ok: true, principal: node.security.authenticate(authorization, certificate).principal };
    } catch (err) {
      if (!(err instanceof HeraldError)) throw err;
      return { ok: false, reason: authorization === undefined ? 'not-authorized' : 'bad-credentials' };
    }
  };
  return {
    async authenticate(credentials) {
      if (credentials.username !== undefined || credentials.password !== undefined) {
        if (credentials.username === undefined || credentials.username === '' || credentials.password === undefined) return { ok: false, reason: 'bad-credentials' };
        let password: string;
        try {
          password = fatalUtf8.decode(credentials.password);
        } catch {
          return { ok: false, reason: 'bad-credentials' };
        }
        const principal = await node.security.checkPassword(credentials.username, password);
        return principal === undefined ? { ok: false, reason: 'bad-credentials' } : { ok: true, principal };
      }
      if (credentials.token !== undefined) return fromCall(`Bearer ${credentials.token}`, undefined);
      if (credentials.certificate !== undefined) return fromCall(undefined, credentials.certificate);
      return { ok: false, reason: 'not-authorized' };
    },
    exchange: (method) => (isScramMechanism(method) ? scramExchange(method, node.security.credential) : undefined),
  };
}

/**
 * SCRAM-SHA-256 or SCRAM-SHA-512 (RFC 5802, RFC 7677) as an MQTT 5 enhanced authentication, as
 * EMQX serves it: the Authentication Method is the SASL mechanism's name, and the Authentication
 * Data carries SCRAM's messages as they are: client-first in CONNECT (or in a re-authenticating
 * AUTH), server-first in AUTH 0x18, client-final in AUTH 0x18, server-final in the CONNACK (or
 * the AUTH 0x00 that ends a re-authentication). The exchange is the security package's
 * ScramServer against the cluster's SCRAM users (NodeSecurity.credential), as Kafka's SASL and
 * the gRPC AuthService run it: no password is stored or seen, and an unknown user fails at the
 * same step as a wrong password. `lookup` finds a user's credential (NodeSecurity.credential).
 */
export function scramExchange(mechanism: ScramMechanism, lookup: CredentialLookup): AuthExchange {
  const server = new ScramServer(mechanism, lookup);
  let started = false;
  return {
    step(data) {
      let text: string;
      try {
        text = fatalUtf8.decode(data);
      } catch (err) {
        throw new AuthExchangeFailed('the SCRAM message is not UTF-8', { cause: err });
      }
      try {
        if (!started) {
          started = true;
          return { data: Buffer.from(server.clientFirst(text)) };
        }
        const serverFinal = server.clientFinal(text);
        return { data: Buffer.from(serverFinal), principal: `User:${server.username!}` };
      } catch (err) {
        if (err instanceof ScramError) throw new AuthExchangeFailed(err.message, { cause: err });
        throw err;
      }
    },
  };
}

/**
 * A secure cluster's ACLs on MQTT topics. Herald's ACLs name Herald topics, and an MQTT topic is
 * stored in the Herald topic its mapping rule names (mqtt.mappings; the default topic
 * otherwise): publishing needs Write on that topic, subscribing needs Read on every Herald topic
 * the filter may read (TopicMapping.topicsFor), retained messages and shared subscriptions
 * included. So mapping rules are the unit of MQTT access control: `home/` to topic `home`, and
 * an ACL allowing a device's user Write on `home`.
 */
export function clusterAuthorizer(node: HeraldNode, mapping: TopicMapping): Authorizer {
  const allows = (principal: string, operation: 'read' | 'write', topic: string) => node.security.allows(principal as `User:${string}`, operation, { type: 'topic', name: topic });
  return {
    canPublish: (principal, topic) => allows(principal, 'write', mapping.heraldTopic(topic)),
    canSubscribe: (principal, filter) => {
      const shared = parseSharedFilter(filter);
      const plain = shared === undefined || typeof shared === 'string' ? filter : shared.filter;
      return mapping.topicsFor(plain).every((topic) => allows(principal, 'read', topic));
    },
    canWriteTopic: (principal, topic) => allows(principal, 'write', topic),
    canReadTopic: (principal, topic) => allows(principal, 'read', topic),
  };
}
