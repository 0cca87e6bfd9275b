// CreateTopics, DeleteTopics, DescribeConfigs and InitProducerId. Field layouts from Kafka's
// message definitions of the same names, up to the versions served.

import { array, bool, field, int16, int32, int64, int8, nullableArray, nullableString, string, struct } from '../codec/schema.js';

/** CreateTopics request: topics to create, with partition counts, replication factors and configs. */
export const CreateTopicsRequest = struct({
  topics: field(
    array(
      struct({
        name: field(string, '0+'),
        /** -1 (v4+): the broker's default. */
        numPartitions: field(int32, '0+'),
        /** -1 (v4+): the broker's default. */
        replicationFactor: field(int16, '0+'),
        assignments: field(array(struct({ partitionIndex: field(int32, '0+'), brokerIds: field(array(int32), '0+') })), '0+'),
        configs: field(array(struct({ name: field(string, '0+'), value: field(nullableString, '0+') })), '0+'),
      }),
    ),
    '0+',
  ),
  timeoutMs: field(int32, '0+', { default: 60_000 }),
  validateOnly: field(bool, '1+'),
});

/** CreateTopics response: one result per topic. */
export const CreateTopicsResponse = struct({
  throttleTimeMs: field(int32, '2+'),
  topics: field(array(struct({ name: field(string, '0+'), errorCode: field(int16, '0+'), errorMessage: field(nullableString, '1+') })), '0+'),
});

/** DeleteTopics request: topic names to delete. */
export const DeleteTopicsRequest = struct({
  topicNames: field(array(string), '0+'),
  timeoutMs: field(int32, '0+'),
});

/** DeleteTopics response: one result per topic. */
export const DeleteTopicsResponse = struct({
  throttleTimeMs: field(int32, '1+'),
  responses: field(array(struct({ name: field(string, '0+'), errorCode: field(int16, '0+') })), '0+'),
});

/** DescribeConfigs' resource types (Kafka's ConfigResource.Type). */
export const ConfigResourceType = { Topic: 2, Broker: 4, BrokerLogger: 8 } as const;

/** Where a config value comes from (Kafka's DescribeConfigsResponse ConfigSource). */
export const ConfigSource = { Unknown: 0, DynamicTopic: 1, StaticBroker: 4, Default: 5 } as const;

/** DescribeConfigs request: resources (topics, brokers) and the config names wanted. */
export const DescribeConfigsRequest = struct({
  resources: field(
    array(struct({ resourceType: field(int8, '0+'), resourceName: field(string, '0+'), configurationKeys: field(nullableArray(string), '0+') })),
    '0+',
  ),
  includeSynonyms: field(bool, '1+'),
});

/** DescribeConfigs response: each resource's configs and where each value comes from. */
export const DescribeConfigsResponse = struct({
  throttleTimeMs: field(int32, '0+'),
  results: field(
    array(
      struct({
        errorCode: field(int16, '0+'),
        errorMessage: field(nullableString, '0+'),
        resourceType: field(int8, '0+'),
        resourceName: field(string, '0+'),
        configs: field(
          array(
            struct({
              name: field(string, '0+'),
              value: field(nullableString, '0+'),
              readOnly: field(bool, '0+'),
              isDefault: field(bool, '0'),
              configSource: field(int8, '1+', { default: -1 }),
              isSensitive: field(bool, '0+'),
              synonyms: field(array(struct({ name: field(string, '1+'), value: field(nullableString, '1+'), source: field(int8, '1+') })), '1+'),
            }),
          ),
          '0+',
        ),
      }),
    ),
    '0+',
  ),
});

/** InitProducerId request: a producer asks for an id and epoch (KIP-98). */
export const InitProducerIdRequest = struct({
  /** Null for an idempotent producer; a transactional producer's id (served later). */
  transactionalId: field(nullableString, '0+'),
  transactionTimeoutMs: field(int32, '0+'),
});

/** InitProducerId response: the producer id and epoch. */
export const InitProducerIdResponse = struct({
  throttleTimeMs: field(int32, '0+'),
  errorCode: field(int16, '0+'),
  producerId: field(int64, '0+', { default: -1 }),
  producerEpoch: field(int16, '0+'),
});
