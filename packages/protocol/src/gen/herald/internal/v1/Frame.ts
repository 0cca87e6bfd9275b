// Original file: proto/herald/internal/v1/raft.proto

import type { GroupMessage as _herald_internal_v1_GroupMessage, GroupMessage__Output as _herald_internal_v1_GroupMessage__Output } from '../../../herald/internal/v1/GroupMessage.js';

/**
 * Everything one node sends another in one host turn.
 */
export interface Frame {
  /**
   * The sending node's id.
   */
  'from'?: (number);
  /**
   * The messages, in the order the groups produced them.
   */
  'messages'?: (_herald_internal_v1_GroupMessage)[];
}

/**
 * Everything one node sends another in one host turn.
 */
export interface Frame__Output {
  /**
   * The sending node's id.
   */
  'from': (number);
  /**
   * The messages, in the order the groups produced them.
   */
  'messages': (_herald_internal_v1_GroupMessage__Output)[];
}
