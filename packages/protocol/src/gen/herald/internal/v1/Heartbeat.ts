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
}

/**
 * A leader's heartbeat, carrying its commit index.
 */
export interface Heartbeat__Output {
  /**
   * The leader's commit index (raft may cap it at what it knows the follower holds).
   */
  'commitIndex': (number);
}
