// The Kafka listener as a node starts it (startNode's `listeners`): a KafkaServer over a
// BrokerBackend on the node's configured port, its metrics in the node's registry.

import { TOPIC_MESSAGE_BYTES_MAX, type ListenerFactory } from '@herald/broker';
import { BrokerBackend, clusterUsers, NO_USERS, type CredentialStore } from './broker-backend.js';
import { kafkaMetrics } from './metrics.js';
import { SaslMechanism } from './sasl.js';
import { KafkaServer } from './server.js';

/** Options of the Kafka listener factory. */
export interface KafkaListenerOptions {
  /** Who may authenticate: the cluster's users on a secure cluster, nobody on an insecure one
   *  (which requires no SASL). */
  readonly credentials?: CredentialStore;
}

/**
 * Starts the node's Kafka listener on `host` and `kafka.port` of its config (port 0: any free
 * port, which Metadata then advertises unless `kafka.advertisedPort` says otherwise). On a
 * secure cluster (security.mode secure) it is TLS with the node's certificate, and every client
 * authenticates with SASL (SCRAM-SHA-256, SCRAM-SHA-512, or PLAIN, which TLS protects) as one of
 * the cluster's users before any other request; an insecure cluster's is plaintext, without
 * authentication, as its gRPC port is. Each
 * record batch is checked against its topic's max.message.bytes by the broker, so the listener
 * itself admits batches up to the largest a topic may allow.
 */
export function kafkaListener(options: KafkaListenerOptions = {}): ListenerFactory {
  return async (node, logger) => {
    const log = logger.child({ component: 'kafka' });
    let port = node.config.kafka.port;
    const secure = node.security.secure;
    const credentials = options.credentials ?? (secure ? clusterUsers(node) : NO_USERS);
    const backend = new BrokerBackend(node, { boundPort: () => port, credentials });
    const server = new KafkaServer({
      backend,
      host: node.config.host,
      port,
      log,
      metrics: kafkaMetrics(node.metrics.registry),
      messageBytesMax: TOPIC_MESSAGE_BYTES_MAX,
      fetchWaitMaxMs: node.config.limits.fetchMaxWaitMs,
      ...(secure
        ? {
            tls: { key: node.security.tls.key, cert: node.security.tls.cert, ca: node.security.tls.ca },
            saslMechanisms: [SaslMechanism.ScramSha512, SaslMechanism.ScramSha256, SaslMechanism.Plain],
          }
        : {}),
    });
    port = (await server.listen()).port;
    log.info({ port, secure }, 'kafka listener started');
    return { ports: { kafka: port }, close: () => server.close() };
  };
}
