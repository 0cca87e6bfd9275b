// Original file: proto/herald/v1/groups.proto

import type { TopicPartitions as _herald_v1_TopicPartitions, TopicPartitions__Output as _herald_v1_TopicPartitions__Output } from '../../herald/v1/TopicPartitions.js';

/**
 * A member of a group's current generation.
 */
export interface GroupMemberDescription {
  /**
   * The member's id.
   */
  'memberId'?: (string);
  /**
   * The client id it joined with.
   */
  'clientId'?: (string);
  /**
   * The address it joined from.
   */
  'clientHost'?: (string);
  /**
   * The topics it subscribes to.
   */
  'topics'?: (string)[];
  /**
   * Its partitions.
   */
  'assignment'?: (_herald_v1_TopicPartitions)[];
  /**
   * Its session timeout.
   */
  'sessionTimeoutMs'?: (number);
  /**
   * Milliseconds since the coordinator last heard from it.
   */
  'lastHeartbeatAgoMs'?: (number);
}

/**
 * A member of a group's current generation.
 */
export interface GroupMemberDescription__Output {
  /**
   * The member's id.
   */
  'memberId': (string);
  /**
   * The client id it joined with.
   */
  'clientId': (string);
  /**
   * The address it joined from.
   */
  'clientHost': (string);
  /**
   * The topics it subscribes to.
   */
  'topics': (string)[];
  /**
   * Its partitions.
   */
  'assignment': (_herald_v1_TopicPartitions__Output)[];
  /**
   * Its session timeout.
   */
  'sessionTimeoutMs': (number);
  /**
   * Milliseconds since the coordinator last heard from it.
   */
  'lastHeartbeatAgoMs': (number);
}
