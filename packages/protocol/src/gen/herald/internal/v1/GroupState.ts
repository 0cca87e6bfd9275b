// Original file: proto/herald/internal/v1/raft.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One replica's view of its group.
 */
export interface GroupState {
  /**
   * The group id.
   */
  'group'?: (string);
  /**
   * The leader this replica knows (0: none).
   */
  'leaderId'?: (number);
  /**
   * This replica's current term.
   */
  'term'?: (number | string | Long);
  /**
   * Whether this replica is the leader: only then are isr and the offsets authoritative.
   */
  'isLeader'?: (boolean);
  /**
   * The in-sync replicas, leader included (leader only).
   */
  'isr'?: (number)[];
  /**
   * The partition's high watermark on this replica.
   */
  'highWatermark'?: (number | string | Long);
  /**
   * The partition's log start offset on this replica.
   */
  'logStartOffset'?: (number | string | Long);
}

/**
 * One replica's view of its group.
 */
export interface GroupState__Output {
  /**
   * The group id.
   */
  'group': (string);
  /**
   * The leader this replica knows (0: none).
   */
  'leaderId': (number);
  /**
   * This replica's current term.
   */
  'term': (number);
  /**
   * Whether this replica is the leader: only then are isr and the offsets authoritative.
   */
  'isLeader': (boolean);
  /**
   * The in-sync replicas, leader included (leader only).
   */
  'isr': (number)[];
  /**
   * The partition's high watermark on this replica.
   */
  'highWatermark': (number);
  /**
   * The partition's log start offset on this replica.
   */
  'logStartOffset': (number);
}
