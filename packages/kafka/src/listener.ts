// The Kafka listener as a node starts it (startNode's `listeners`): a KafkaServer over a
// BrokerBackend on the node's configured port, its metrics in the node's registry.

import { TOPIC_MESSAGE_BYTES_MAX, type ListenerFactory } from '@herald/broker';
import { BrokerBackend, type CredentialStore } from './broker-backend.js';
import { kafkaMetrics } from './metrics.js';
import { KafkaServer } from './server.js';

/** Options of the Kafka listener factory. */
export interface KafkaListenerOptions {
  /** Who may authenticate; nobody by default (insecure mode, no SASL required). */
  readonly credentials?: CredentialStore;
}

/**
 * Starts the node's Kafka listener on `host` and `kafka.port` of its config (port 0: any free
 * port, which Metadata then advertises unless `kafka.advertisedPort` says otherwise). Each
 * record batch is checked against its topic's max.message.bytes by the broker, so the listener
 * itself admits batches up to the largest a topic may allow.
 */
export function kafkaListener(options: KafkaListenerOptions = {}): ListenerFactory {
  return async (node, logger) => {
    const log = logger.child({ component: 'kafka' });
    let port = node.config.kafka.port;
    const backend = new BrokerBackend(node, { boundPort: () => port, ...(options.credentials === undefined ? {} : { credentials: options.credentials }) });
    const server = new KafkaServer({
      backend,
      host: node.config.host,
      port,
      log,
      metrics: kafkaMetrics(node.metrics.registry),
      messageBytesMax: TOPIC_MESSAGE_BYTES_MAX,
      fetchWaitMaxMs: node.config.limits.fetchMaxWaitMs,
    });
    port = (await server.listen()).port;
    log.info({ port }, 'kafka listener started');
    return { ports: { kafka: port }, close: () => server.close() };
  };
}
