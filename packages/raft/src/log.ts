import { assert } from './assert.js';
import { decodeMembership } from './membership.js';
import { EntryType, type Entry, type Membership, type Snapshot } from './types.js';

/** A membership and the log index of the Config entry (or snapshot) that set it. */
interface ConfigPoint {
  readonly index: number;
  readonly membership: Membership;
}

/**
 * A group's log: the latest snapshot, then every entry after it, held in memory. Entries up to
 * `stableIndex` are durable on this node; the rest (the unstable tail) are handed to the host in
 * the next Ready.
 *
 * Invariants: entries[i].index === snapshot.meta.index + 1 + i; terms never decrease along the
 * log; snapshot.meta.index <= commitIndex <= lastIndex(); stableIndex <= lastIndex().
 */
export class RaftLog {
  private entries: Entry[];
  private snapshotValue: Snapshot;
  /** Config entries in the log, oldest first; the snapshot's membership precedes them. */
  private configs: ConfigPoint[] = [];
  commitIndex: number;
  stableIndex: number;

  constructor(snapshot: Snapshot, entries: readonly Entry[], commitIndex: number) {
    this.snapshotValue = snapshot;
    this.entries = [...entries];
    entries.forEach((entry, i) => {
      assert(entry.index === snapshot.meta.index + 1 + i, 'persisted log is contiguous after its snapshot');
      assert(entry.term >= (i === 0 ? snapshot.meta.term : entries[i - 1]!.term), 'terms never decrease along the log');
    });
    this.stableIndex = this.lastIndex();
    assert(commitIndex <= this.lastIndex(), 'persisted commitIndex is within the persisted log');
    this.commitIndex = Math.max(commitIndex, snapshot.meta.index);
    for (const entry of entries) this.noteConfig(entry);
  }

  get snapshot(): Snapshot {
    return this.snapshotValue;
  }

  get snapshotIndex(): number {
    return this.snapshotValue.meta.index;
  }

  firstIndex(): number {
    return this.snapshotValue.meta.index + 1;
  }

  lastIndex(): number {
    return this.snapshotValue.meta.index + this.entries.length;
  }

  lastTerm(): number {
    return this.entries.length > 0 ? this.entries[this.entries.length - 1]!.term : this.snapshotValue.meta.term;
  }

  /** The term of the entry at `index`, or undefined if it was compacted away or does not exist yet. */
  term(index: number): number | undefined {
    const snapshotIndex = this.snapshotValue.meta.index;
    if (index === snapshotIndex) return this.snapshotValue.meta.term;
    if (index < snapshotIndex || index > this.lastIndex()) return undefined;
    return this.entries[index - snapshotIndex - 1]!.term;
  }

  entry(index: number): Entry | undefined {
    if (index <= this.snapshotIndex || index > this.lastIndex()) return undefined;
    return this.entries[index - this.snapshotIndex - 1];
  }

  /** Replaces the data of a committed entry, keeping its index, term and type. */
  replaceData(index: number, data: Uint8Array): Entry {
    assert(index > this.snapshotIndex && index <= this.commitIndex, 'only committed entries in the log are rewritten');
    const position = index - this.snapshotIndex - 1;
    const entry = { ...this.entries[position]!, data };
    this.entries[position] = entry;
    return entry;
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** Raft §5.4.1: a candidate's log is at least as up to date as ours if its last term is higher,
   *  or equal with a last index at least as high. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const ourTerm = this.lastTerm();
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex());
  }

  /** The membership in force: set by the newest Config entry in the log, appended or not (thesis §4.1). */
  membership(): Membership {
    return this.configs.length > 0 ? this.configs[this.configs.length - 1]!.membership : this.snapshotValue.meta.membership;
  }

  /** The membership as of `index` (for a snapshot taken there). */
  membershipAt(index: number): Membership {
    for (let i = this.configs.length - 1; i >= 0; i--) {
      if (this.configs[i]!.index <= index) return this.configs[i]!.membership;
    }
    return this.snapshotValue.meta.membership;
  }

  /** Index of the newest Config entry, or the snapshot's index. */
  lastConfigIndex(): number {
    return this.configs.length > 0 ? this.configs[this.configs.length - 1]!.index : this.snapshotIndex;
  }

  /** Entries [from, to] inclusive, stopping once `maxBytes` of data is reached (at least one entry). */
  slice(from: number, to: number, maxBytes = Infinity): Entry[] {
    assert(from > this.snapshotIndex, 'slice starts after the snapshot');
    const last = Math.min(to, this.lastIndex());
    const out: Entry[] = [];
    let bytes = 0;
    for (let index = from; index <= last; index++) {
      const entry = this.entries[index - this.snapshotIndex - 1]!;
      bytes += entry.data.byteLength;
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(entry);
    }
    return out;
  }

  /** The leader appends its own new entries. */
  append(entry: Entry): void {
    assert(entry.index === this.lastIndex() + 1, 'leader appends at the end of its log');
    assert(entry.term >= this.lastTerm(), 'appended entry is not from an older term');
    this.entries.push(entry);
    this.noteConfig(entry);
  }

  /**
   * A follower takes entries from an Append whose (prevIndex, prevTerm) matched. Entries already
   * present with the same term are kept (a duplicate or reordered Append must not truncate what a
   * later one added); from the first conflict on, the log is replaced. Returns the index of the
   * last entry of the Append, now matched.
   */
  appendAfter(prevIndex: number, entries: readonly Entry[]): number {
    assert(this.term(prevIndex) !== undefined, 'appendAfter at an index we hold');
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      assert(entry.index === prevIndex + 1 + i, 'Append entries are contiguous after prevIndex');
      const existing = this.term(entry.index);
      if (existing === entry.term) continue;
      if (existing !== undefined) this.truncateAfter(entry.index - 1);
      for (const rest of entries.slice(i)) {
        this.entries.push(rest);
        this.noteConfig(rest);
      }
      break;
    }
    return prevIndex + entries.length;
  }

  /** Drops every entry after `index`. Never drops a committed entry. */
  private truncateAfter(index: number): void {
    assert(index >= this.commitIndex, 'truncation below commitIndex would lose committed entries');
    this.entries.length = index - this.snapshotIndex;
    this.stableIndex = Math.min(this.stableIndex, index);
    while (this.configs.length > 0 && this.configs[this.configs.length - 1]!.index > index) this.configs.pop();
  }

  commitTo(index: number): void {
    if (index <= this.commitIndex) return;
    assert(index <= this.lastIndex(), 'commitIndex within the log');
    this.commitIndex = index;
  }

  /** For fast backtracking (etcd's findConflictByTerm): the highest index at or below `index`
   *  whose term is at most `term`, and that term. Stops at the snapshot. */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    let i = Math.min(index, this.lastIndex());
    while (i > this.snapshotIndex) {
      const t = this.term(i)!;
      if (t <= term) return { index: i, term: t };
      i--;
    }
    return { index: i, term: this.term(i) ?? 0 };
  }

  /** The entries not yet durable on this node. */
  unstableEntries(): Entry[] {
    return this.stableIndex >= this.lastIndex() ? [] : this.slice(this.stableIndex + 1, this.lastIndex());
  }

  /** Compaction named by the state machine: `snapshot` covers everything up to its index. */
  compact(snapshot: Snapshot): void {
    const index = snapshot.meta.index;
    assert(index <= this.commitIndex, 'only committed entries are compacted');
    assert(snapshot.meta.term === this.term(index), 'snapshot term matches the log');
    this.entries = this.entries.slice(index - this.snapshotIndex);
    this.snapshotValue = snapshot;
    this.configs = this.configs.filter((c) => c.index > index);
  }

  /** A snapshot from the leader replaces the whole log. */
  restore(snapshot: Snapshot): void {
    assert(snapshot.meta.index > this.commitIndex, 'a restored snapshot is ahead of what we committed');
    this.entries = [];
    this.configs = [];
    this.snapshotValue = snapshot;
    this.commitIndex = snapshot.meta.index;
    this.stableIndex = snapshot.meta.index;
  }

  private noteConfig(entry: Entry): void {
    if (entry.type === EntryType.Config) this.configs.push({ index: entry.index, membership: decodeMembership(entry.data) });
  }
}
