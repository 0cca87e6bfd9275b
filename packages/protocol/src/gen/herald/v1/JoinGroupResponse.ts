// Original file: proto/herald/v1/groups.proto

import type { TopicPartitions as _herald_v1_TopicPartitions, TopicPartitions__Output as _herald_v1_TopicPartitions__Output } from '../../herald/v1/TopicPartitions.js';
import type { Long } from '@grpc/proto-loader';

export interface JoinGroupResponse {
  /**
   * The member's id: send it with every later call.
   */
  'memberId'?: (string);
  /**
   * The group's generation: it grows with every rebalance and fences older members.
   */
  'generation'?: (number | string | Long);
  /**
   * The strategy that computed the assignment.
   */
  'strategy'?: (string);
  /**
   * The partitions this member consumes in this generation.
   */
  'assignment'?: (_herald_v1_TopicPartitions)[];
  /**
   * How often to heartbeat, in milliseconds (a third of the session timeout).
   */
  'heartbeatIntervalMs'?: (number);
  /**
   * The members of the generation.
   */
  'memberCount'?: (number);
}

export interface JoinGroupResponse__Output {
  /**
   * The member's id: send it with every later call.
   */
  'memberId': (string);
  /**
   * The group's generation: it grows with every rebalance and fences older members.
   */
  'generation': (number);
  /**
   * The strategy that computed the assignment.
   */
  'strategy': (string);
  /**
   * The partitions this member consumes in this generation.
   */
  'assignment': (_herald_v1_TopicPartitions__Output)[];
  /**
   * How often to heartbeat, in milliseconds (a third of the session timeout).
   */
  'heartbeatIntervalMs': (number);
  /**
   * The members of the generation.
   */
  'memberCount': (number);
}
