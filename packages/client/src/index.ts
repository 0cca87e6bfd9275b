// @herald/client: the TypeScript SDK for Herald. A HeraldClient learns the cluster from any seed
// and routes every request to the node that can answer it; producers batch, compress and
// pipeline records with idempotent retries; consumers long-poll partitions from any replica;
// group consumers share a topic's partitions through a consumer group with committed offsets;
// queue consumers receive records one by one with ack/nack, redelivery and dead letters;
// producers store half messages, decide them and answer check-backs (transactional messages).

export { HeraldClient, type CreateTopicOptions, type HeraldClientOptions, type OffsetPosition } from './herald-client.js';
export { CLIENT_CONFIG_ENV, DEFAULT_CLIENT_CONFIG_PATH, clientConfigPath, findClientConfig, readClientConfig, type ClientConfig } from './client-config.js';
export { AUTHORIZATION_KEY, type ClientCredentials, type TlsOptions } from './security.js';
export { SecurityAdmin, type CredentialOptions, type Identity, type UserDescription } from './security-admin.js';
export type { AclBinding, AclFilter, Principal, Quota } from '@herald/security/models';
export { Producer, IDEMPOTENT_IN_FLIGHT_MAX, type ProducerOptions } from './producer.js';
export { Consumer, recordsFrom, type ConsumerOptions, type IsolationLevel, type StartFrom } from './consumer.js';
export { GroupConsumer, type GroupConsumerOptions } from './group-consumer.js';
export {
  GroupAdmin,
  type CommittedOffset,
  type GroupDescription,
  type GroupMemberDescription,
  type GroupSummary,
  type OffsetCommit,
  type PartitionLag,
  type ResetOffsetsOptions,
  type ResetTarget,
  type TopicPartitions,
} from './groups.js';
export {
  QueueConsumer,
  DELIVER_AT_HEADER,
  type QueueConsumerOptions,
  type QueueMessage,
  type SubscriptionDescription,
  type SubscriptionPartitionDescription,
} from './queue-consumer.js';
export { HalfMessages, parseHalfId, type CheckAnswer, type CheckHandler, type HalfCheck, type HalfDescription, type HalfMessage, type HalfRecord } from './half-messages.js';
export { Partitioner } from './partitioner.js';
export { Transaction, Transactions, type TransactionDescription, type TransactionOffset, type TransactionSettings } from './transactions.js';
export { PartitionSender, type ProducerBatch, type RecordWaiter, type SenderSettings } from './partition-sender.js';
export { ProduceStream, RoutedProduceTransport, type ProduceAnswer, type ProduceRequestInput, type ProduceTransport } from './produce-transport.js';
export { backoffMs, delayAfter, withRetries, DEFAULT_RETRY_POLICY, HINTED_RETRIES_MAX, PRODUCER_RETRY_POLICY, type RetryPolicy } from './retry.js';
export { isOutcomeUnknown, isTokenRefused, isUnreachable, leaderHint, mayHaveBeenWritten, outcomeUnknown, shouldRetry, toHeraldError, unreachable, GRPC_STATUS_DETAIL, OUTCOME_DETAIL, SENT_DETAIL } from './errors.js';
export { mergeTopicViews, settleMost, type CallOptions } from './router.js';
export * from './types.js';
// The catalog's error type and helpers, so that callers need no second import to handle errors.
export { Compression, HeraldError, isHeraldError, randomProducerId, Reason } from '@herald/protocol';
