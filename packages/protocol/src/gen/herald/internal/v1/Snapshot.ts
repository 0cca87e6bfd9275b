// Original file: proto/herald/internal/v1/raft.proto

import type { SnapshotMeta as _herald_internal_v1_SnapshotMeta, SnapshotMeta__Output as _herald_internal_v1_SnapshotMeta__Output } from '../../../herald/internal/v1/SnapshotMeta.js';

/**
 * A state-machine snapshot.
 */
export interface Snapshot {
  /**
   * What the snapshot covers.
   */
  'meta'?: (_herald_internal_v1_SnapshotMeta | null);
  /**
   * The state machine's serialized state, opaque to raft.
   */
  'data'?: (Buffer | Uint8Array | string);
}

/**
 * A state-machine snapshot.
 */
export interface Snapshot__Output {
  /**
   * What the snapshot covers.
   */
  'meta': (_herald_internal_v1_SnapshotMeta__Output | null);
  /**
   * The state machine's serialized state, opaque to raft.
   */
  'data': (Buffer);
}
