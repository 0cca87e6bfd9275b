// Original file: proto/herald/internal/v1/raft.proto

import type { GroupState as _herald_internal_v1_GroupState, GroupState__Output as _herald_internal_v1_GroupState__Output } from '../../../herald/internal/v1/GroupState.js';

/**
 * One state per hosted group asked for.
 */
export interface DescribeGroupsResponse {
  'groups'?: (_herald_internal_v1_GroupState)[];
}

/**
 * One state per hosted group asked for.
 */
export interface DescribeGroupsResponse__Output {
  'groups': (_herald_internal_v1_GroupState__Output)[];
}
