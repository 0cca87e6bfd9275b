// Original file: proto/herald/internal/v1/raft.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One replica's view of its partition's Raft group.
 */
export interface ReplicaState {
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
  /**
   * Asked with timestamp_at_offset: the timestamp of the record at that offset, epoch
   * milliseconds; -1 when not asked or no such committed record.
   */
  'recordTimestampMs'?: (number | string | Long);
  /**
   * Asked with offset_at_timestamp: the first offset whose record may be at or after that
   * time (the high watermark when none); -1 when not asked.
   */
  'offsetForTimestamp'?: (number | string | Long);
  /**
   * The group's voters and learners, once committed (leader only, else empty): the controller
   * completes a reassignment once its leader reports the target as the voters, no learners.
   */
  'voters'?: (number)[];
  'learners'?: (number)[];
  /**
   * For the meta group: the answering node, and the highest metadata feature level it supports
   * (0 from a node of a release before feature levels, which counts as 1).
   */
  'nodeId'?: (number);
  'featureLevel'?: (number);
}

/**
 * One replica's view of its partition's Raft group.
 */
export interface ReplicaState__Output {
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
  /**
   * Asked with timestamp_at_offset: the timestamp of the record at that offset, epoch
   * milliseconds; -1 when not asked or no such committed record.
   */
  'recordTimestampMs': (number);
  /**
   * Asked with offset_at_timestamp: the first offset whose record may be at or after that
   * time (the high watermark when none); -1 when not asked.
   */
  'offsetForTimestamp': (number);
  /**
   * The group's voters and learners, once committed (leader only, else empty): the controller
   * completes a reassignment once its leader reports the target as the voters, no learners.
   */
  'voters': (number)[];
  'learners': (number)[];
  /**
   * For the meta group: the answering node, and the highest metadata feature level it supports
   * (0 from a node of a release before feature levels, which counts as 1).
   */
  'nodeId': (number);
  'featureLevel': (number);
}
