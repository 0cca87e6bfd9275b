// Original file: proto/herald/v1/admin.proto


/**
 * A topic in a list: its name and shape, without per-partition state.
 */
export interface TopicSummary {
  /**
   * The topic's name.
   */
  'name'?: (string);
  /**
   * The number of partitions.
   */
  'partitions'?: (number);
  /**
   * The number of replicas of each partition.
   */
  'replicationFactor'?: (number);
}

/**
 * A topic in a list: its name and shape, without per-partition state.
 */
export interface TopicSummary__Output {
  /**
   * The topic's name.
   */
  'name': (string);
  /**
   * The number of partitions.
   */
  'partitions': (number);
  /**
   * The number of replicas of each partition.
   */
  'replicationFactor': (number);
}
