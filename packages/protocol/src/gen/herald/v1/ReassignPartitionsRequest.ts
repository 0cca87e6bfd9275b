// Original file: proto/herald/v1/admin.proto

import type { PartitionReassignment as _herald_v1_PartitionReassignment, PartitionReassignment__Output as _herald_v1_PartitionReassignment__Output } from '../../herald/v1/PartitionReassignment.js';
import type { Long } from '@grpc/proto-loader';

export interface ReassignPartitionsRequest {
  /**
   * The partitions to move, 1 to 10,000, each named once.
   */
  'reassignments'?: (_herald_v1_PartitionReassignment)[];
  /**
   * When set, the cluster's replication throttle for learners from now on: the bytes per
   * second each node's leaders send the replicas catching up, in all (0: no limit).
   */
  'throttleBytesPerSecond'?: (number | string | Long);
  '_throttleBytesPerSecond'?: "throttleBytesPerSecond";
}

export interface ReassignPartitionsRequest__Output {
  /**
   * The partitions to move, 1 to 10,000, each named once.
   */
  'reassignments': (_herald_v1_PartitionReassignment__Output)[];
  /**
   * When set, the cluster's replication throttle for learners from now on: the bytes per
   * second each node's leaders send the replicas catching up, in all (0: no limit).
   */
  'throttleBytesPerSecond'?: (number);
  '_throttleBytesPerSecond'?: "throttleBytesPerSecond";
}
