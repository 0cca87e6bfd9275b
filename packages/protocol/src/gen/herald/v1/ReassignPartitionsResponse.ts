// Original file: proto/herald/v1/admin.proto

import type { PartitionReassignment as _herald_v1_PartitionReassignment, PartitionReassignment__Output as _herald_v1_PartitionReassignment__Output } from '../../herald/v1/PartitionReassignment.js';

export interface ReassignPartitionsResponse {
  /**
   * The reassignments started (or, with dry_run, planned).
   */
  'reassignments'?: (_herald_v1_PartitionReassignment)[];
}

export interface ReassignPartitionsResponse__Output {
  /**
   * The reassignments started (or, with dry_run, planned).
   */
  'reassignments': (_herald_v1_PartitionReassignment__Output)[];
}
