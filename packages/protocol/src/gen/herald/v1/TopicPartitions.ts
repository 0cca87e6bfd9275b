// Original file: proto/herald/v1/groups.proto


/**
 * A topic and some of its partitions.
 */
export interface TopicPartitions {
  /**
   * The topic's name.
   */
  'topic'?: (string);
  /**
   * Partition ids, ascending.
   */
  'partitions'?: (number)[];
}

/**
 * A topic and some of its partitions.
 */
export interface TopicPartitions__Output {
  /**
   * The topic's name.
   */
  'topic': (string);
  /**
   * Partition ids, ascending.
   */
  'partitions': (number)[];
}
