// Original file: proto/herald/v1/admin.proto


export interface CreateTopicRequest {
  /**
   * The topic's name: 1 to 249 characters of [a-zA-Z0-9._-] (Kafka's rule).
   */
  'name'?: (string);
  /**
   * The number of partitions, 1 to 1024; unset: the broker's default (topicDefaults.partitions).
   * 0 is refused, not read as unset.
   */
  'partitions'?: (number);
  /**
   * The number of replicas of each partition, at least 1 and at most the number of nodes;
   * unset: the broker's default. 0 is refused.
   */
  'replicationFactor'?: (number);
  /**
   * Topic configuration overriding the broker's defaults, with Kafka's names where Kafka has
   * the setting: "min.insync.replicas", "max.message.bytes", "retention.ms" (records whose
   * batch is older are removed; -1: no limit), "retention.bytes" (the oldest batches are
   * removed while the partition holds more; -1: no limit). An unknown key is refused with
   * INVALID_ARGUMENT.
   */
  'configs'?: ({[key: string]: string});
  '_partitions'?: "partitions";
  '_replicationFactor'?: "replicationFactor";
}

export interface CreateTopicRequest__Output {
  /**
   * The topic's name: 1 to 249 characters of [a-zA-Z0-9._-] (Kafka's rule).
   */
  'name': (string);
  /**
   * The number of partitions, 1 to 1024; unset: the broker's default (topicDefaults.partitions).
   * 0 is refused, not read as unset.
   */
  'partitions'?: (number);
  /**
   * The number of replicas of each partition, at least 1 and at most the number of nodes;
   * unset: the broker's default. 0 is refused.
   */
  'replicationFactor'?: (number);
  /**
   * Topic configuration overriding the broker's defaults, with Kafka's names where Kafka has
   * the setting: "min.insync.replicas", "max.message.bytes", "retention.ms" (records whose
   * batch is older are removed; -1: no limit), "retention.bytes" (the oldest batches are
   * removed while the partition holds more; -1: no limit). An unknown key is refused with
   * INVALID_ARGUMENT.
   */
  'configs': ({[key: string]: string});
  '_partitions'?: "partitions";
  '_replicationFactor'?: "replicationFactor";
}
