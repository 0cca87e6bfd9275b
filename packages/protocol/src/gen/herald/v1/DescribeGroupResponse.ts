// Original file: proto/herald/v1/groups.proto

import type { GroupMemberDescription as _herald_v1_GroupMemberDescription, GroupMemberDescription__Output as _herald_v1_GroupMemberDescription__Output } from '../../herald/v1/GroupMemberDescription.js';
import type { PartitionLag as _herald_v1_PartitionLag, PartitionLag__Output as _herald_v1_PartitionLag__Output } from '../../herald/v1/PartitionLag.js';
import type { Long } from '@grpc/proto-loader';

export interface DescribeGroupResponse {
  /**
   * The group's name.
   */
  'group'?: (string);
  /**
   * "Empty", "PreparingRebalance" or "Stable".
   */
  'state'?: (string);
  /**
   * The current generation.
   */
  'generation'?: (number | string | Long);
  /**
   * The assignment strategy of the current generation.
   */
  'strategy'?: (string);
  /**
   * The coordinator: the controller's node id.
   */
  'coordinatorId'?: (number);
  /**
   * Members of the current generation.
   */
  'members'?: (_herald_v1_GroupMemberDescription)[];
  /**
   * Every partition assigned or committed, ordered by topic and partition.
   */
  'partitions'?: (_herald_v1_PartitionLag)[];
}

export interface DescribeGroupResponse__Output {
  /**
   * The group's name.
   */
  'group': (string);
  /**
   * "Empty", "PreparingRebalance" or "Stable".
   */
  'state': (string);
  /**
   * The current generation.
   */
  'generation': (number);
  /**
   * The assignment strategy of the current generation.
   */
  'strategy': (string);
  /**
   * The coordinator: the controller's node id.
   */
  'coordinatorId': (number);
  /**
   * Members of the current generation.
   */
  'members': (_herald_v1_GroupMemberDescription__Output)[];
  /**
   * Every partition assigned or committed, ordered by topic and partition.
   */
  'partitions': (_herald_v1_PartitionLag__Output)[];
}
