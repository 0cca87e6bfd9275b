// Original file: proto/herald/v1/admin.proto


/**
 * One partition's new replica set.
 */
export interface PartitionReassignment {
  /**
   * The topic's name.
   */
  'topic'?: (string);
  /**
   * The partition.
   */
  'partition'?: (number);
  /**
   * The nodes to hold its replicas, the preferred leader first; each a member of the cluster,
   * none twice. The current replicas cancel a reassignment in progress.
   */
  'replicas'?: (number)[];
}

/**
 * One partition's new replica set.
 */
export interface PartitionReassignment__Output {
  /**
   * The topic's name.
   */
  'topic': (string);
  /**
   * The partition.
   */
  'partition': (number);
  /**
   * The nodes to hold its replicas, the preferred leader first; each a member of the cluster,
   * none twice. The current replicas cancel a reassignment in progress.
   */
  'replicas': (number)[];
}
