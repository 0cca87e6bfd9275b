// Original file: proto/herald/internal/v1/raft.proto

import type { Membership as _herald_internal_v1_Membership, Membership__Output as _herald_internal_v1_Membership__Output } from '../../../herald/internal/v1/Membership.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Identifies the state a snapshot captures: everything up to and including index.
 */
export interface SnapshotMeta {
  /**
   * The last log index the snapshot covers.
   */
  'index'?: (number | string | Long);
  /**
   * The term of that entry.
   */
  'term'?: (number | string | Long);
  /**
   * The group's membership as of index.
   */
  'membership'?: (_herald_internal_v1_Membership | null);
}

/**
 * Identifies the state a snapshot captures: everything up to and including index.
 */
export interface SnapshotMeta__Output {
  /**
   * The last log index the snapshot covers.
   */
  'index': (number);
  /**
   * The term of that entry.
   */
  'term': (number);
  /**
   * The group's membership as of index.
   */
  'membership': (_herald_internal_v1_Membership__Output | null);
}
