// Original file: proto/herald/internal/v1/raft.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A leader's heartbeat, carrying its commit index.
 */
export interface Heartbeat {
  /**
   * The leader's commit index (raft may cap it at what it knows the follower holds).
   */
  'commitIndex'?: (number | string | Long);
  /**
   * The leader quiesces the idle group: sent only to a member known to hold the leader's whole
   * log, so commit_index is the leader's last index. A follower holding exactly that log stops
   * its election timer and does not answer; any other answers, which wakes the leader (see
   * packages/raft/src/raft.ts, "Quiescence"). A node that ignores the field answers, so mixed
   * versions stay correct and merely never quiesce.
   */
  'quiesce'?: (boolean);
}

/**
 * A leader's heartbeat, carrying its commit index.
 */
export interface Heartbeat__Output {
  /**
   * The leader's commit index (raft may cap it at what it knows the follower holds).
   */
  'commitIndex': (number);
  /**
   * The leader quiesces the idle group: sent only to a member known to hold the leader's whole
   * log, so commit_index is the leader's last index. A follower holding exactly that log stops
   * its election timer and does not answer; any other answers, which wakes the leader (see
   * packages/raft/src/raft.ts, "Quiescence"). A node that ignores the field answers, so mixed
   * versions stay correct and merely never quiesce.
   */
  'quiesce': (boolean);
}
