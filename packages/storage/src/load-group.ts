import type { ClassicLevel } from 'classic-level';
import type { Entry, HardState, PersistedState, Snapshot } from '@herald/raft';
import { assert } from './assert.js';
import { decodeEntry, decodeHardState, decodeSnapshot } from './codec.js';
import type { GroupKeys } from './keys.js';
import type { GroupBounds } from './store-batch.js';

/** What load() found for one group. */
export interface LoadedGroup {
  /** What can be trusted, or null when nothing is stored or `fatal` is set. When repairIndex is
   *  nonzero this is the longest verified prefix: the snapshot (or, when the snapshot itself is
   *  lost, an empty one at index 0 with no members) and the entries after it up to the first
   *  problem, with hardState.commitIndex lowered to the last index kept. */
  readonly state: PersistedState | null;
  /** 0 when intact. Otherwise the highest log index this node may once have acknowledged (the
   *  highest entry key present, or the persisted commitIndex, whichever is larger; at least 1):
   *  raft must not vote or campaign in this group until it again holds the log up to here from
   *  a leader. */
  readonly repairIndex: number;
  /** Human-readable, one per problem, e.g. "entry 57 of group p.7.3 failed its checksum". */
  readonly problems: readonly string[];
  /** True when the hard state is missing, unreadable or older than the log: the node's term and
   *  vote are unknown, so it could vote twice in one term. The group must not start on this
   *  node; an operator removes the replica and adds it back empty. */
  readonly fatal: boolean;
}

/** The node's database: keys and values are raw bytes. */
export type Database = ClassicLevel<Buffer, Buffer>;

/** A stand-in for a lost snapshot: the state before index 1, knowing no members. Its empty
 *  membership keeps the node from campaigning even without repairIndex; a leader's snapshot or
 *  log from index 1 replaces it. */
function placeholderSnapshot(): Snapshot {
  return { meta: { index: 0, term: 0, membership: { voters: [], learners: [] } }, data: new Uint8Array(0) };
}

const entryReadBatchSize = 256;

/**
 * Reads and verifies one group. Never deletes or rewrites anything: whatever is not trusted is
 * left for raft to replace after a leader repairs this replica (RELIABILITY.md "Storage faults":
 * a checksum failure below the commit index is repaired from peers, never fixed by truncation).
 */
export async function loadGroup(
  db: Database,
  keys: GroupKeys,
  bounds: GroupBounds,
): Promise<{ loaded: LoadedGroup; snapshotIndex: number | null }> {
  const { groupId } = keys;
  const problems: string[] = [];
  let fatal = false;

  const rawHardState = await readValue(db, keys.hardState);
  const rawSnapshot = await readValue(db, keys.snapshot);
  if (rawHardState === undefined && rawSnapshot === undefined && bounds.lastIndex === 0) {
    return { loaded: { state: null, repairIndex: 0, problems, fatal }, snapshotIndex: null };
  }

  // The hard state: without a trusted term and vote the node could vote twice in one term, and
  // nothing else on this disk can tell them, so any doubt here is fatal.
  let hardState: HardState | null = null;
  if (rawHardState === undefined) {
    problems.push(`hard state of group ${groupId} is missing, though its log or snapshot is stored; term and vote are unknown`);
    fatal = true;
  } else if (rawHardState instanceof Corruption) {
    problems.push(`hard state of group ${groupId} is unreadable (${rawHardState.message}); term and vote are unknown`);
    fatal = true;
  } else {
    const decoded = decodeHardState(rawHardState);
    if (decoded.ok) hardState = decoded.value;
    else {
      problems.push(`hard state of group ${groupId} ${decoded.reason}; term and vote are unknown`);
      fatal = true;
    }
  }

  // The snapshot: without it the entries after it cannot be anchored (the term at its index is
  // what the first entry's log-matching check needs), so none of them is used.
  let snapshot: Snapshot | null = null;
  if (rawSnapshot === undefined) {
    problems.push(`snapshot of group ${groupId} is missing; the log after it is not used until a leader repairs this replica`);
  } else if (rawSnapshot instanceof Corruption) {
    problems.push(`snapshot of group ${groupId} is unreadable (${rawSnapshot.message}); the log after it is not used until a leader repairs this replica`);
  } else {
    const decoded = decodeSnapshot(rawSnapshot);
    if (decoded.ok) snapshot = decoded.value;
    else problems.push(`snapshot of group ${groupId} ${decoded.reason}; the log after it is not used until a leader repairs this replica`);
  }
  if (snapshot !== null && hardState !== null && snapshot.meta.term > hardState.term) {
    problems.push(`hard state of group ${groupId} has term ${hardState.term}, below the term ${snapshot.meta.term} of its snapshot: it is older than the log, so its vote may not be the last one cast`);
    fatal = true;
  }

  const entries: Entry[] = [];
  if (snapshot !== null) {
    const checked = await readEntries(db, keys, snapshot, hardState, entries);
    if (checked.problem !== null) problems.push(checked.problem);
    if (checked.hardStateStale) fatal = true;
  }
  const lastTrusted = snapshot === null ? 0 : snapshot.meta.index + entries.length;
  if (lastTrusted < bounds.lastIndex && problems.length > 0) {
    problems.push(`entries ${lastTrusted + 1} to ${bounds.lastIndex} of group ${groupId} are not trusted until a leader repairs this replica`);
  }
  if (hardState !== null && hardState.commitIndex > lastTrusted) {
    problems.push(`commitIndex ${hardState.commitIndex} of group ${groupId} is beyond its last trusted index ${lastTrusted}`);
  }

  if (problems.length === 0) {
    assert(hardState !== null, 'an intact group has a hard state');
    assert(snapshot !== null, 'an intact group has a snapshot');
    assert(!fatal, 'an intact group is not fatal');
    // An unfinished repair (the node restarted before a leader repaired it) goes on.
    return { loaded: { state: { hardState, snapshot, entries }, repairIndex: hardState.repairIndex ?? 0, problems, fatal }, snapshotIndex: snapshot.meta.index };
  }
  const repairIndex = Math.max(bounds.lastIndex, hardState?.commitIndex ?? 0, hardState?.repairIndex ?? 0, 1);
  if (fatal || hardState === null) {
    return { loaded: { state: null, repairIndex, problems, fatal: true }, snapshotIndex: snapshot?.meta.index ?? null };
  }
  const trustedSnapshot = snapshot ?? placeholderSnapshot();
  const state: PersistedState = {
    // Lowering commitIndex is safe: it is volatile state in Raft (Figure 2) that a leader sends
    // again; persisting it only spares re-applying. Term and vote are kept as they are.
    hardState: { ...hardState, commitIndex: Math.min(hardState.commitIndex, lastTrusted) },
    snapshot: trustedSnapshot,
    entries,
  };
  return { loaded: { state, repairIndex, problems, fatal: false }, snapshotIndex: trustedSnapshot.meta.index };
}

/**
 * Verifies the entries after the snapshot in key order and collects the longest valid prefix
 * into `entries`. Stops at the first problem, which it returns.
 */
async function readEntries(
  db: Database,
  keys: GroupKeys,
  snapshot: Snapshot,
  hardState: HardState | null,
  entries: Entry[],
): Promise<{ problem: string | null; hardStateStale: boolean }> {
  const { groupId } = keys;
  let expectedIndex = snapshot.meta.index + 1;
  let previousTerm = snapshot.meta.term;
  // Entries at or below the snapshot index are superseded by it; the next compaction deletes them.
  const iterator = db.iterator({ gte: keys.entry(expectedIndex), lt: keys.entriesEnd });
  try {
    for (;;) {
      let pairs: Array<[Buffer, Buffer]>;
      try {
        pairs = await iterator.nextv(entryReadBatchSize);
      } catch (err) {
        if (!isCorruption(err)) throw err;
        return { problem: `entries of group ${groupId} from ${expectedIndex} on are unreadable (${errorMessage(err)})`, hardStateStale: false };
      }
      if (pairs.length === 0) return { problem: null, hardStateStale: false };
      for (const [key, value] of pairs) {
        const index = keys.entryIndexOf(key);
        if (index === null) {
          return { problem: `entry ${expectedIndex} of group ${groupId} is missing (a malformed key follows)`, hardStateStale: false };
        }
        if (index !== expectedIndex) {
          return { problem: `entry ${expectedIndex} of group ${groupId} is missing (the next stored entry is ${index})`, hardStateStale: false };
        }
        const decoded = decodeEntry(value);
        if (!decoded.ok) return { problem: `entry ${index} of group ${groupId} ${decoded.reason}`, hardStateStale: false };
        const entry = decoded.value;
        if (entry.index !== index) {
          return { problem: `entry ${index} of group ${groupId} holds the value of entry ${entry.index}`, hardStateStale: false };
        }
        if (entry.term < previousTerm) {
          // Raft's log terms never decrease (§5.3); a lower term is a value from elsewhere.
          return { problem: `entry ${index} of group ${groupId} has term ${entry.term}, below the term ${previousTerm} before it`, hardStateStale: false };
        }
        if (hardState !== null && entry.term > hardState.term) {
          return {
            problem: `hard state of group ${groupId} has term ${hardState.term}, below the term ${entry.term} of entry ${index}: it is older than the log, so its vote may not be the last one cast`,
            hardStateStale: true,
          };
        }
        entries.push(entry);
        expectedIndex = index + 1;
        previousTerm = entry.term;
      }
    }
  } finally {
    await iterator.close();
  }
}

/** LevelDB found a block it cannot read: like a failed checksum, a problem to report. */
class Corruption {
  constructor(readonly message: string) {}
}

/** Reads one value; LevelDB corruption becomes a Corruption, any other failure rejects. */
async function readValue(db: Database, key: Buffer): Promise<Buffer | undefined | Corruption> {
  try {
    return await db.get(key);
  } catch (err) {
    if (!isCorruption(err)) throw err;
    return new Corruption(errorMessage(err));
  }
}

/** Whether LevelDB failed a read because it found a block it cannot read. */
export function isCorruption(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 'LEVEL_CORRUPTION';
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
