// Original file: proto/herald/internal/v1/raft.proto

import type { Snapshot as _herald_internal_v1_Snapshot, Snapshot__Output as _herald_internal_v1_Snapshot__Output } from '../../../herald/internal/v1/Snapshot.js';

/**
 * A leader's snapshot, for a follower whose next entries were compacted away.
 */
export interface InstallSnapshot {
  /**
   * The snapshot, in one message. Snapshots larger than the peer port's message limit will
   * need chunking (kept for later: fields 2–5).
   */
  'snapshot'?: (_herald_internal_v1_Snapshot | null);
}

/**
 * A leader's snapshot, for a follower whose next entries were compacted away.
 */
export interface InstallSnapshot__Output {
  /**
   * The snapshot, in one message. Snapshots larger than the peer port's message limit will
   * need chunking (kept for later: fields 2–5).
   */
  'snapshot': (_herald_internal_v1_Snapshot__Output | null);
}
