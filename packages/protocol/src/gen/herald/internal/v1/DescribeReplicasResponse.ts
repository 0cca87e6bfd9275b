// Original file: proto/herald/internal/v1/raft.proto

import type { ReplicaState as _herald_internal_v1_ReplicaState, ReplicaState__Output as _herald_internal_v1_ReplicaState__Output } from '../../../herald/internal/v1/ReplicaState.js';

/**
 * One state per hosted replica asked for.
 */
export interface DescribeReplicasResponse {
  'replicas'?: (_herald_internal_v1_ReplicaState)[];
}

/**
 * One state per hosted replica asked for.
 */
export interface DescribeReplicasResponse__Output {
  'replicas': (_herald_internal_v1_ReplicaState__Output)[];
}
