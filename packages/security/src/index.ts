// @herald/security: the pieces of Herald's security that need no broker. Kafka's model:
// authentication yields a principal; ACLs and quotas key on it; deny wins. Certificates for the
// cluster CA, nodes and clients; SCRAM-SHA-256/512 and PLAIN; signed session tokens; the ACL
// authorizer and the quota throttle. Depends on Node built-ins, @herald/protocol (the error
// catalog) and well-kept libraries only.

export * from './principal.js';
export * from './certs.js';
export * from './scram.js';
export * from './token.js';
export * from './acl.js';
export * from './quota.js';
export * from './pending-logins.js';
export * from './cert-files.js';
export * from './authenticate.js';
export * from './proto.js';
