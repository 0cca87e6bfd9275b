// @herald/kafka: the Kafka wire-protocol listener. The codec (table-driven message schemas), the
// framing server, the translation between Kafka record batches and Herald batches, and the
// request handlers, written against KafkaBackend; BrokerBackend implements it over a Herald node,
// and kafkaListener() starts it with the node.

export * from './backend.js';
export { KafkaServer, type KafkaServerOptions } from './server.js';
export { KafkaConnection, MalformedReason, encodeResponse, firstErrorCode, type ConnectionDeps, type KafkaMetrics } from './connection.js';
export type { KafkaLogger, ListenerSettings } from './handlers/context.js';
export { SERVED, advertised, type ServedApi } from './handlers/index.js';
export { ErrorCode, KAFKA_ERROR_BY_REASON, KafkaProtocolError, Scope, errorCodeOf } from './errors.js';
export { SaslMechanism } from './sasl.js';
export { kafkaToHerald, heraldToKafka, splitBatches, KAFKA_BATCH_HEADER_BYTES, type StoredBatchRef } from './records/translate.js';
export { crc32cCombine, rebaseCrc } from './records/crc-shift.js';
export { KafkaReader, KafkaDecodeError } from './codec/reader.js';
export { KafkaWriter } from './codec/writer.js';
export { ApiKey, Apis, isFlexible, type ApiName, type ApiSpec, type RequestOf, type ResponseOf } from './messages/apis.js';
export { BrokerBackend, clusterUsers, NO_USERS, type BrokerBackendOptions, type CredentialStore } from './broker-backend.js';
export { kafkaListener, type KafkaListenerOptions } from './listener.js';
export { kafkaMetrics } from './metrics.js';
