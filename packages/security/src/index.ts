// @herald/security: the pieces of Herald's security that need no broker. Kafka's model:
// authentication yields a principal; ACLs and quotas key on it; deny wins. Certificates for the
// cluster CA, nodes and clients; SCRAM-SHA-256/512 and PLAIN; signed session tokens; the ACL
// authorizer and the quota throttle; who a call comes from. Depends on Node built-ins,
// @herald/protocol (the error catalog, the herald.v1 types) and well-kept libraries only.
// `@herald/security/models` is the same without certificates, for the client.

export * from './models.js';
export * from './certs.js';
export * from './cert-files.js';
export * from './bootstrap-file.js';
export * from './authenticate.js';
export * from './pending-logins.js';
