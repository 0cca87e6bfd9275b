// Original file: proto/herald/v1/groups.proto

import type { CommittedOffset as _herald_v1_CommittedOffset, CommittedOffset__Output as _herald_v1_CommittedOffset__Output } from '../../herald/v1/CommittedOffset.js';

export interface ResetOffsetsResponse {
  /**
   * The new offsets (committed unless dry_run), ordered by partition.
   */
  'offsets'?: (_herald_v1_CommittedOffset)[];
}

export interface ResetOffsetsResponse__Output {
  /**
   * The new offsets (committed unless dry_run), ordered by partition.
   */
  'offsets': (_herald_v1_CommittedOffset__Output)[];
}
