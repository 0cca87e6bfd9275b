// Principals: who a request comes from, as authentication established it. Kafka's model:
// authentication (SCRAM, PLAIN, a client certificate, a session token) yields a principal, and
// ACLs and quotas key on it. Herald has one principal type, `User`, as Kafka's default
// principal builder does; `User:*` stands for every user in ACL bindings and quotas.

import { invalidArgument } from '@herald/protocol';

/** A principal: `User:<name>`. */
export type Principal = `User:${string}`;

/** The principal of ACL bindings that apply to every user (Kafka's `User:*`). */
export const ANY_USER: Principal = 'User:*';

/** User names: 1 to 128 characters of letters, digits, ".", "_", "-" and "@" (so that an e-mail
 *  address fits). Narrower than Kafka, which takes any string: these names stay safe in logs,
 *  metric labels, shells, certificate subjects and SCRAM's saslname without escaping. */
const USER_NAME = /^[A-Za-z0-9._@-]{1,128}$/;

/** Node certificates map to `User:herald-node-<id>` (certs.ts); users may not take these names,
 *  so that no password can ever stand in for a node's certificate. */
export const NODE_PRINCIPAL_PREFIX = 'herald-node-';

/** Whether `name` is a valid user name (see USER_NAME). */
export function isUserName(name: string): boolean {
  return USER_NAME.test(name);
}

/**
 * Checks a user name given by a person or a request and returns it. Refuses, naming `field`,
 * names outside USER_NAME and names reserved for nodes (NODE_PRINCIPAL_PREFIX).
 */
export function checkUserName(name: unknown, field = 'user'): string {
  if (typeof name !== 'string' || name === '') throw invalidArgument(field, 'a user name is required');
  if (!USER_NAME.test(name)) {
    throw invalidArgument(field, `"${name.slice(0, 200)}" is not a valid user name (1 to 128 characters of a-z, A-Z, 0-9, ".", "_", "-", "@")`);
  }
  if (name.startsWith(NODE_PRINCIPAL_PREFIX)) throw invalidArgument(field, `names starting with "${NODE_PRINCIPAL_PREFIX}" are reserved for node certificates`);
  return name;
}

/** The principal of a user. The name is not checked: callers pass names they checked. */
export function userPrincipal(name: string): Principal {
  return `User:${name}`;
}

/**
 * Parses a principal as a person or a request writes it: `User:<name>` with a valid user name
 * (node principals included: ACLs may name them), or `User:*` when `allowAny`.
 */
export function parsePrincipal(text: unknown, field = 'principal', options: { readonly allowAny?: boolean } = {}): Principal {
  if (typeof text !== 'string' || !text.startsWith('User:')) {
    throw invalidArgument(field, `${JSON.stringify(String(text).slice(0, 200))} is not a principal; write User:<name>${options.allowAny === true ? ' or User:*' : ''}`);
  }
  const name = text.slice('User:'.length);
  if (name === '*') {
    if (options.allowAny === true) return ANY_USER;
    throw invalidArgument(field, 'User:* (every user) is not allowed here; name one user');
  }
  if (!USER_NAME.test(name)) throw invalidArgument(field, `"${name.slice(0, 200)}" is not a valid user name (1 to 128 characters of a-z, A-Z, 0-9, ".", "_", "-", "@")`);
  return `User:${name}`;
}

/** The user name of a principal: `User:alice` → `alice`. */
export function userNameOf(principal: Principal): string {
  return principal.slice('User:'.length);
}
