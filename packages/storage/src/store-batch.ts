import type { Entry, HardState, Snapshot } from '@herald/raft';
import { assert, assertUint } from './assert.js';
import { encodeEntry, encodeHardState, encodeSnapshot } from './codec.js';
import type { GroupKeys } from './keys.js';

/** What the store remembers of a group between writes, so that a batch can delete exactly the
 *  entry keys it replaces without reading the database. */
export interface GroupBounds {
  /** The lowest and highest stored entry keys; both 0 when the group stores no entry. Every key
   *  in between is stored unless the database lost it (load() reports that). */
  readonly firstIndex: number;
  readonly lastIndex: number;
  /** The index of the snapshot raft holds for the group, or null until load() or a write tells. */
  readonly snapshotIndex: number | null;
  /** Whether any key of the group is stored. */
  readonly stored: boolean;
}

/** The bounds of a group with nothing stored. */
export const emptyBounds: GroupBounds = { firstIndex: 0, lastIndex: 0, snapshotIndex: null, stored: false };

/** One LevelDB batch operation. */
export type Operation = { type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer };

/** The store's side of a batch; NodeStore.batch() provides it. */
export interface BatchTarget {
  keysOf(groupId: string): GroupKeys;
  boundsOf(groupId: string): GroupBounds;
  /** Writes the operations in one LevelDB batch, then adopts `bounds` as the groups' bounds. */
  write(operations: readonly Operation[], bounds: ReadonlyMap<string, GroupBounds>, byteSize: number, sync: boolean): Promise<void>;
}

/**
 * The changes of one host turn, for any number of groups, written in one LevelDB batch with at
 * most one sync (group commit). Operations on one group apply in call order, so a turn may
 * append, compact and append again. Build it with NodeStore.batch(); write it at most once.
 */
export class StoreBatch {
  private readonly operations: Operation[] = [];
  /** The bounds each touched group will have once this batch is written. */
  private readonly pending = new Map<string, GroupBounds>();
  private bytes = 0;
  private written = false;

  /** Internal: use NodeStore.batch(). */
  constructor(private readonly target: BatchTarget) {}

  /** Bytes of keys and values this batch writes, for metrics. */
  get byteSize(): number {
    return this.bytes;
  }

  /** Stores the group's hard state, replacing the previous one. */
  setHardState(groupId: string, hardState: HardState): this {
    assertUint(hardState.term, 'hard state term');
    assertUint(hardState.vote, 'hard state vote');
    assertUint(hardState.commitIndex, 'hard state commitIndex');
    this.put(this.target.keysOf(groupId).hardState, encodeHardState(hardState));
    // Most turns store the hard state of groups stored long ago: no new bounds for those.
    if (!this.boundsOf(groupId).stored) this.update(groupId, { stored: true });
    return this;
  }

  /**
   * Stores contiguous entries. When entries[0].index is at or below the group's last stored
   * index, the stored entries from there on are replaced, and any beyond the new last index are
   * deleted: afterwards the group's log ends exactly at the last entry given.
   */
  append(groupId: string, entries: readonly Entry[]): this {
    const first = entries[0];
    const last = entries[entries.length - 1];
    if (first === undefined || last === undefined) return this;
    const keys = this.target.keysOf(groupId);
    const bounds = this.boundsOf(groupId);
    assert(first.index >= 1, `entry index must be at least 1 (got ${first.index})`);
    assert(
      bounds.snapshotIndex === null || first.index > bounds.snapshotIndex,
      `append at ${first.index} to group ${groupId} would overwrite its snapshot at ${bounds.snapshotIndex}`,
    );
    const keepsOlder = bounds.lastIndex > 0 && bounds.firstIndex < first.index;
    assert(
      !keepsOlder || first.index <= bounds.lastIndex + 1,
      `append at ${first.index} to group ${groupId} leaves a gap after its last entry ${bounds.lastIndex}`,
    );
    let previous: Entry | undefined;
    for (const entry of entries) {
      if (previous !== undefined) {
        assert(entry.index === previous.index + 1, `entries to append are not contiguous at ${previous.index}`);
        assert(entry.term >= previous.term, `entry ${entry.index} has a lower term than the entry before it`);
      }
      this.put(keys.entry(entry.index), encodeEntry(entry));
      previous = entry;
    }
    // Raft §5.3: a conflicting suffix is replaced as a whole; nothing of it may survive past
    // the new last entry, or a restart would resurrect entries of a deposed leader.
    if (bounds.lastIndex > last.index) this.deleteEntries(keys, Math.max(bounds.firstIndex, last.index + 1), bounds.lastIndex);
    this.update(groupId, { firstIndex: keepsOlder ? bounds.firstIndex : first.index, lastIndex: last.index, stored: true });
    return this;
  }

  /**
   * Stores new data for entries already stored (key compaction rewrote them), leaving the log's
   * bounds as they are. Entries no longer stored (compacted away, or past the end) are skipped:
   * a rewrite never brings an entry back.
   */
  rewrite(groupId: string, entries: readonly Entry[]): this {
    const bounds = this.boundsOf(groupId);
    const keys = this.target.keysOf(groupId);
    for (const entry of entries) {
      if (bounds.lastIndex === 0 || entry.index < bounds.firstIndex || entry.index > bounds.lastIndex) continue;
      if (bounds.snapshotIndex !== null && entry.index <= bounds.snapshotIndex) continue;
      this.put(keys.entry(entry.index), encodeEntry(entry));
    }
    return this;
  }

  /** Stores a snapshot received from a leader and deletes the group's whole log: every entry
   *  it held is either covered by the snapshot or conflicts with the leader's log. */
  installSnapshot(groupId: string, snapshot: Snapshot): this {
    const bounds = this.boundsOf(groupId);
    this.assertSnapshotAdvances(groupId, bounds, snapshot);
    const keys = this.target.keysOf(groupId);
    this.put(keys.snapshot, encodeSnapshot(snapshot));
    if (bounds.lastIndex > 0) this.deleteEntries(keys, bounds.firstIndex, bounds.lastIndex);
    this.update(groupId, { firstIndex: 0, lastIndex: 0, snapshotIndex: snapshot.meta.index, stored: true });
    return this;
  }

  /** Stores a snapshot the state machine made at snapshot.meta.index, and deletes the entries
   *  at or below that index; the entries after it stay. */
  compact(groupId: string, snapshot: Snapshot): this {
    const bounds = this.boundsOf(groupId);
    this.assertSnapshotAdvances(groupId, bounds, snapshot);
    const index = snapshot.meta.index;
    assert(
      bounds.lastIndex === 0 || index <= bounds.lastIndex,
      `snapshot at ${index} of group ${groupId} is beyond its last entry ${bounds.lastIndex}; a state machine applies only entries of its log`,
    );
    const keys = this.target.keysOf(groupId);
    this.put(keys.snapshot, encodeSnapshot(snapshot));
    const deletesAll = bounds.lastIndex <= index;
    if (bounds.lastIndex > 0 && bounds.firstIndex <= index) {
      this.deleteEntries(keys, bounds.firstIndex, Math.min(index, bounds.lastIndex));
    }
    this.update(groupId, {
      firstIndex: deletesAll ? 0 : Math.max(bounds.firstIndex, index + 1),
      lastIndex: deletesAll ? 0 : bounds.lastIndex,
      snapshotIndex: index,
      stored: true,
    });
    return this;
  }

  /** Deletes every key of the group: hard state, snapshot and log. */
  deleteGroup(groupId: string): this {
    const bounds = this.boundsOf(groupId);
    const keys = this.target.keysOf(groupId);
    this.del(keys.hardState);
    this.del(keys.snapshot);
    if (bounds.lastIndex > 0) this.deleteEntries(keys, bounds.firstIndex, bounds.lastIndex);
    this.pending.set(groupId, { firstIndex: 0, lastIndex: 0, snapshotIndex: null, stored: false });
    return this;
  }

  /** Writes everything in one LevelDB batch; with `sync`, one fsync makes all of it durable.
   *  Rejects when LevelDB fails: the caller must treat that as fatal and stop the node. */
  async write(options: { sync: boolean }): Promise<void> {
    assert(!this.written, 'a StoreBatch is written at most once');
    this.written = true;
    await this.target.write(this.operations, this.pending, this.bytes, options.sync);
  }

  private assertSnapshotAdvances(groupId: string, bounds: GroupBounds, snapshot: Snapshot): void {
    assertUint(snapshot.meta.index, 'snapshot index');
    assert(
      bounds.snapshotIndex === null || snapshot.meta.index >= bounds.snapshotIndex,
      `snapshot at ${snapshot.meta.index} of group ${groupId} is older than its stored snapshot at ${bounds.snapshotIndex}`,
    );
  }

  private boundsOf(groupId: string): GroupBounds {
    return this.pending.get(groupId) ?? this.target.boundsOf(groupId);
  }

  private update(groupId: string, change: Partial<GroupBounds>): void {
    this.pending.set(groupId, { ...this.boundsOf(groupId), ...change });
  }

  private deleteEntries(keys: GroupKeys, from: number, to: number): void {
    for (let index = from; index <= to; index++) this.del(keys.entry(index));
  }

  private put(key: Buffer, value: Buffer): void {
    assert(!this.written, 'a StoreBatch cannot change after write()');
    this.operations.push({ type: 'put', key, value });
    this.bytes += key.length + value.length;
  }

  private del(key: Buffer): void {
    assert(!this.written, 'a StoreBatch cannot change after write()');
    this.operations.push({ type: 'del', key });
    this.bytes += key.length;
  }
}
