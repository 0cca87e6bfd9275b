import { assert } from './assert.js';
import type { NodeId } from './types.js';

export const ProgressState = { Probe: 'probe', Replicate: 'replicate', Snapshot: 'snapshot' } as const;
export type ProgressState = (typeof ProgressState)[keyof typeof ProgressState];

/**
 * The leader's view of one follower (etcd's Progress). In Probe the leader sends one Append per
 * heartbeat until it finds where the logs match; in Replicate it pipelines Appends optimistically,
 * up to maxInflight unacknowledged and up to maxInflightBytes of entry data (etcd's
 * MaxInflightBytes: a soft limit, one Append may cross it); in Snapshot it waits for a sent
 * snapshot to be acknowledged.
 *
 * Invariant: matchIndex < nextIndex. Checked wherever either moves.
 */
export class Progress {
  matchIndex = 0;
  nextIndex: number;
  state: ProgressState = ProgressState.Probe;
  /** In Probe: an Append is out; wait for its answer or the next heartbeat response. */
  probeSent = false;
  /** In Snapshot: the index of the snapshot sent, and when (leader ticks). */
  pendingSnapshotIndex = 0;
  snapshotSentTick = 0;
  /** The last index and entry bytes of each unacknowledged Append, oldest first (Replicate only). */
  private inflight: { readonly lastIndex: number; readonly bytes: number }[] = [];
  /** The sum of `bytes` over `inflight`. */
  private inflightBytes = 0;
  /** The commit index carried by the last Append sent since the follower was last probed or
   *  sent a snapshot (0: none yet), so the leader can tell it the commit index it lacks. */
  commitSent = 0;
  /** Heard from since the last CheckQuorum round. */
  recentActive = false;
  /** ISR: the leader tick at which this follower last held the leader's whole log. */
  lastCaughtUpTick: number;
  /** ISR: an Append that carried the leader's then-last index, and the tick it was sent. When it
   *  is acknowledged the follower was caught up as of that tick (Kafka's rule). */
  caughtUpProbeIndex = 0;
  caughtUpProbeTick = 0;

  constructor(
    readonly id: NodeId,
    lastIndex: number,
    readonly learner: boolean,
    nowTick: number,
    private readonly maxInflight: number,
    private readonly maxInflightBytes: number = Infinity,
  ) {
    this.nextIndex = lastIndex + 1;
    this.lastCaughtUpTick = nowTick;
  }

  becomeProbe(): void {
    // After a snapshot, probe from just past it: the follower has everything up to there.
    const from = this.state === ProgressState.Snapshot ? Math.max(this.matchIndex, this.pendingSnapshotIndex) : this.matchIndex;
    this.state = ProgressState.Probe;
    this.probeSent = false;
    this.pendingSnapshotIndex = 0;
    this.commitSent = 0;
    this.clearInflight();
    this.nextIndex = from + 1;
  }

  becomeReplicate(): void {
    this.state = ProgressState.Replicate;
    this.probeSent = false;
    this.clearInflight();
    this.nextIndex = this.matchIndex + 1;
  }

  becomeSnapshot(snapshotIndex: number, nowTick: number): void {
    this.state = ProgressState.Snapshot;
    this.probeSent = false;
    this.commitSent = 0;
    this.clearInflight();
    this.pendingSnapshotIndex = snapshotIndex;
    this.snapshotSentTick = nowTick;
  }

  /** The follower acknowledged everything up to `index`. Returns false for a stale answer. */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (index > this.matchIndex) {
      this.matchIndex = index;
      this.probeSent = false;
      updated = true;
    }
    this.nextIndex = Math.max(this.nextIndex, index + 1);
    while (this.inflight.length > 0 && this.inflight[0]!.lastIndex <= index) this.freeFirstInflight();
    assert(this.matchIndex < this.nextIndex, 'matchIndex < nextIndex');
    return updated;
  }

  /**
   * The follower rejected an Append at `rejectedIndex`; `hintIndex` is the highest index at which
   * the logs may match (fast backtracking). Returns false when the rejection is stale.
   */
  maybeDecrTo(rejectedIndex: number, hintIndex: number): boolean {
    if (this.state === ProgressState.Replicate) {
      // Appends are pipelined: only a rejection above what is matched means anything.
      if (rejectedIndex <= this.matchIndex) return false;
      this.nextIndex = this.matchIndex + 1;
      return true;
    }
    // Probe: only the answer to the Append we actually sent counts.
    if (this.nextIndex - 1 !== rejectedIndex) return false;
    this.nextIndex = Math.max(Math.min(rejectedIndex, hintIndex + 1), this.matchIndex + 1);
    this.probeSent = false;
    assert(this.matchIndex < this.nextIndex, 'matchIndex < nextIndex');
    return true;
  }

  /** The follower lost entries it acknowledged (its disk): forget what it matched beyond
   *  `index` and probe from there. Returns false if nothing changes. The only place matchIndex
   *  moves down; commitIndex does not (it never decreases). */
  restartFrom(index: number): boolean {
    if (index >= this.matchIndex && this.state === ProgressState.Probe && this.nextIndex === index + 1) return false;
    this.matchIndex = Math.min(this.matchIndex, index);
    this.state = ProgressState.Probe;
    this.probeSent = false;
    this.pendingSnapshotIndex = 0;
    this.commitSent = 0;
    this.clearInflight();
    this.nextIndex = index + 1;
    this.caughtUpProbeIndex = 0;
    return true;
  }

  /** An Append ending at `lastIndex`, carrying `entryCount` entries of `bytes` data, was just sent. */
  sentEntries(lastIndex: number, entryCount: number, bytes = 0): void {
    if (this.state === ProgressState.Replicate) {
      if (entryCount > 0) {
        this.nextIndex = lastIndex + 1;
        this.inflight.push({ lastIndex, bytes });
        this.inflightBytes += bytes;
      }
    } else if (this.state === ProgressState.Probe) {
      this.probeSent = true;
    }
  }

  /** Whether the leader should hold back further Appends to this follower. */
  isPaused(): boolean {
    switch (this.state) {
      case ProgressState.Probe:
        return this.probeSent;
      case ProgressState.Replicate:
        return this.inflight.length >= this.maxInflight || this.inflightBytes >= this.maxInflightBytes;
      case ProgressState.Snapshot:
        return true;
    }
  }

  private freeFirstInflight(): void {
    const first = this.inflight.shift();
    if (first !== undefined) this.inflightBytes -= first.bytes;
  }

  inflightCount(): number {
    return this.inflight.length;
  }

  /** Bytes of entry data sent and not yet acknowledged (Replicate only). */
  inflightByteCount(): number {
    return this.inflightBytes;
  }

  private clearInflight(): void {
    this.inflight = [];
    this.inflightBytes = 0;
  }
}
