// @herald/security/models: everything of @herald/security but certificates (certs.ts loads
// @peculiar/x509, about 200 ms): principals, SCRAM and PLAIN, session tokens, ACLs, quotas and
// their herald.v1 messages. What the client needs, without the cost of what it does not.

export * from './principal.js';
export * from './scram.js';
export * from './token.js';
export * from './acl.js';
export * from './quota.js';
export * from './proto.js';
