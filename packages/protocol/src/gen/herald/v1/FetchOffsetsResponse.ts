// Original file: proto/herald/v1/groups.proto

import type { CommittedOffset as _herald_v1_CommittedOffset, CommittedOffset__Output as _herald_v1_CommittedOffset__Output } from '../../herald/v1/CommittedOffset.js';

export interface FetchOffsetsResponse {
  /**
   * The committed offsets, ordered by topic and partition.
   */
  'offsets'?: (_herald_v1_CommittedOffset)[];
}

export interface FetchOffsetsResponse__Output {
  /**
   * The committed offsets, ordered by topic and partition.
   */
  'offsets': (_herald_v1_CommittedOffset__Output)[];
}
