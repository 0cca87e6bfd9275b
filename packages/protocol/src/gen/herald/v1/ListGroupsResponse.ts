// Original file: proto/herald/v1/groups.proto

import type { GroupSummary as _herald_v1_GroupSummary, GroupSummary__Output as _herald_v1_GroupSummary__Output } from '../../herald/v1/GroupSummary.js';

export interface ListGroupsResponse {
  /**
   * Every group, ordered by name.
   */
  'groups'?: (_herald_v1_GroupSummary)[];
}

export interface ListGroupsResponse__Output {
  /**
   * Every group, ordered by name.
   */
  'groups': (_herald_v1_GroupSummary__Output)[];
}
