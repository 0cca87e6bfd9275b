// Original file: proto/herald/v1/admin.proto

import type { PartitionDescription as _herald_v1_PartitionDescription, PartitionDescription__Output as _herald_v1_PartitionDescription__Output } from '../../herald/v1/PartitionDescription.js';

/**
 * A topic in full.
 */
export interface TopicDescription {
  /**
   * The topic's name.
   */
  'name'?: (string);
  /**
   * The number of replicas of each partition.
   */
  'replicationFactor'?: (number);
  /**
   * The topic's configuration overrides, as given at creation.
   */
  'configs'?: ({[key: string]: string});
  /**
   * Every partition, ordered by id.
   */
  'partitions'?: (_herald_v1_PartitionDescription)[];
}

/**
 * A topic in full.
 */
export interface TopicDescription__Output {
  /**
   * The topic's name.
   */
  'name': (string);
  /**
   * The number of replicas of each partition.
   */
  'replicationFactor': (number);
  /**
   * The topic's configuration overrides, as given at creation.
   */
  'configs': ({[key: string]: string});
  /**
   * Every partition, ordered by id.
   */
  'partitions': (_herald_v1_PartitionDescription__Output)[];
}
