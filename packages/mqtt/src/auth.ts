// Who a client is, and what it may do. Injectable: the gateway asks an Authenticator at CONNECT
// (and for each SSE or POST request) and an Authorizer before each publish and subscribe.
// TODO(#12): plug in the broker's user store (SCRAM users: CONNECT username and password),
// client certificates (the principal from the TLS peer certificate) and the replicated ACLs
// (topic filters as resources), so that MQTT, gRPC and Kafka clients share principals. Until
// then the insecure mode allows everything, as the insecure gRPC API does.

import type { Transport } from './metrics.js';

/** What a client presents. */
export interface Credentials {
  readonly clientId: string;
  readonly username?: string;
  readonly password?: Buffer;
  /** The DER of the client's TLS certificate, when it presented one. */
  readonly certificate?: Buffer;
  readonly transport: Transport;
  readonly remoteAddress: string;
}

/** An authentication's result: a principal ("User:name"), or the refusal. */
export type AuthResult = { readonly ok: true; readonly principal: string } | { readonly ok: false; readonly reason: 'bad-credentials' | 'not-authorized' };

/** Decides who a client is. */
export interface Authenticator {
  authenticate(credentials: Credentials): Promise<AuthResult>;
}

/** Decides what a principal may do with MQTT topics. */
export interface Authorizer {
  /** Whether the principal may publish to the topic name. */
  canPublish(principal: string, topic: string): boolean;
  /** Whether the principal may subscribe to the filter (checked on the filter, not per message). */
  canSubscribe(principal: string, filter: string): boolean;
}

/** The insecure mode: everyone is User:ANONYMOUS (Kafka's name), or their username. */
export const allowAnyone: Authenticator = {
  authenticate: async (credentials) => ({ ok: true, principal: `User:${credentials.username ?? 'ANONYMOUS'}` }),
};

/** The insecure mode: everything is allowed. */
export const allowEverything: Authorizer = {
  canPublish: () => true,
  canSubscribe: () => true,
};
