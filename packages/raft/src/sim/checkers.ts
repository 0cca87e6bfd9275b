import { decodeMembership } from '../membership.js';
import { EntryType, type Entry, type NodeId, type Role } from '../types.js';

/** A safety property failed. Names the property, the seed and the step, so the run replays. */
export class SafetyViolation extends Error {
  constructor(
    readonly property: string,
    readonly seed: number,
    readonly step: number,
    detail: string,
  ) {
    super(`${property} violated (seed ${seed}, step ${step}): ${detail}`);
    this.name = 'SafetyViolation';
  }
}

/** A node's log as the checkers see it: a snapshot followed by contiguous entries. */
export interface LogView {
  readonly snapshotIndex: number;
  readonly snapshotTerm: number;
  readonly lastIndex: number;
  /** The entry at `index`, or undefined outside (snapshotIndex, lastIndex]. */
  entry(index: number): Entry | undefined;
  /** Changes whenever an entry is overwritten or a snapshot replaces the log; an append alone
   *  leaves it. Lets leader completeness re-check only what may have changed. */
  readonly epoch: number;
}

/** A plain LogView over an array, for tests and synthetic histories. */
export function logView(
  entries: readonly Entry[],
  snapshot: { index: number; term: number } = { index: 0, term: 0 },
  epoch = 0,
): LogView {
  return {
    snapshotIndex: snapshot.index,
    snapshotTerm: snapshot.term,
    lastIndex: snapshot.index + entries.length,
    entry: (index) => (index > snapshot.index ? entries[index - snapshot.index - 1] : undefined),
    epoch,
  };
}

/** The identity of an entry, readable in a violation: term, type and data ("3|normal|s7p12",
 *  "2|config|voters=1,2,3 learners=", "4|normal|" for a no-op; data that is not printable text
 *  as hex). Two entries at one index are the same entry iff their keys are equal. */
export function entryKey(entry: Entry): string {
  let key = keys.get(entry);
  if (key === undefined) {
    key = `${entry.term}|${entry.type}|${entry.type === EntryType.Config ? membershipText(entry.data) : dataText(entry.data)}`;
    keys.set(entry, key);
  }
  return key;
}

/** Entries are immutable and shared between logs, so their keys are computed once. */
const keys = new WeakMap<Entry, string>();

function membershipText(data: Uint8Array): string {
  const { voters, learners } = decodeMembership(data);
  return `voters=${voters.join(',')} learners=${learners.join(',')}`;
}

function dataText(data: Uint8Array): string {
  const printable = data.every((byte) => byte >= 0x20 && byte < 0x7f);
  return printable ? String.fromCharCode(...data) : `0x${Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Folds one applied entry into a state machine digest (FNV-1a over the key, seeded with the
 *  previous digest). Equal digests at one index mean, with overwhelming likelihood, equal
 *  applied prefixes; it is how a snapshot is compared with what other nodes applied. */
export function foldDigest(digest: number, entry: Entry): number {
  let h = (digest ^ 0x811c9dc5) >>> 0;
  const key = `${entry.index}#${entryKey(entry)}`;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** What the checkers remember between steps. One per simulated raft group. */
export class SafetyHistory {
  /** The step being checked; the cluster bumps it. Named in every violation. */
  step = 0;
  /** The leader seen in each term. */
  readonly leaderByTerm = new Map<number, NodeId>();
  /** Every entry ever persisted anywhere, keyed `index:term`: its key and its predecessor's term. */
  readonly persisted = new Map<string, { key: string; prevTerm: number }>();
  /** committed[i] is the key of the entry committed at index i, once any node has committed it,
   *  and committedTerm[i] the term of the first node seen committing it: the term in which it was
   *  committed (the leader sees its own commits first). */
  readonly committed: string[] = [''];
  readonly committedTerm: number[] = [0];
  /** applied[i] is the key of the first entry any node applied at index i, and digest[i] that
   *  node's state machine digest after applying it. */
  readonly applied: string[] = [''];
  readonly digest: number[] = [0];
  /** Per node: the highest commitIndex seen in its current life, and the highest it persisted. */
  readonly commitIndexLive = new Map<NodeId, number>();
  readonly commitIndexPersisted = new Map<NodeId, number>();
  /** Per node: up to where its log was shown to hold the committed prefix, as leader of a term. */
  readonly completeness = new Map<NodeId, { term: number; epoch: number; upTo: number }>();

  /** `group` names the group in violations when a cluster runs several (SimCluster's groups). */
  constructor(
    readonly seed: number,
    readonly group?: number,
  ) {}

  /** The highest index known committed. */
  get commitIndex(): number {
    return this.committed.length - 1;
  }

  violation(property: string, detail: string): SafetyViolation {
    return new SafetyViolation(property, this.seed, this.step, this.group === undefined ? detail : `group ${this.group}: ${detail}`);
  }
}

/** Election safety (Raft §5.2): at most one leader per term, ever. */
export function checkElectionSafety(h: SafetyHistory, node: { id: NodeId; role: Role; term: number }): void {
  if (node.role !== 'leader') return;
  const leader = h.leaderByTerm.get(node.term);
  if (leader !== undefined && leader !== node.id) {
    throw h.violation('election safety', `nodes ${leader} and ${node.id} are both leaders of term ${node.term}`);
  }
  h.leaderByTerm.set(node.term, node.id);
}

/** Log matching (Raft §5.3), in its inductive form: an (index, term) names one entry, forever,
 *  and always the same predecessor term. Two logs sharing an (index, term) therefore agree on
 *  every entry up to it. Checks the entries of `log` from `fromIndex` on (those just written). */
export function checkLogMatching(h: SafetyHistory, id: NodeId, log: LogView, fromIndex: number): void {
  for (let index = Math.max(fromIndex, log.snapshotIndex + 1); index <= log.lastIndex; index++) {
    const entry = log.entry(index) as Entry;
    const prevTerm = index - 1 === log.snapshotIndex ? log.snapshotTerm : (log.entry(index - 1) as Entry).term;
    const key = entryKey(entry);
    const at = `${index}:${entry.term}`;
    const seen = h.persisted.get(at);
    if (seen === undefined) h.persisted.set(at, { key, prevTerm });
    else if (seen.key !== key || seen.prevTerm !== prevTerm) {
      throw h.violation('log matching', `node ${id} holds at index ${index} term ${entry.term} entry ` +
        `[${key}] after term ${prevTerm}; another log holds [${seen.key}] after term ${seen.prevTerm}`);
    }
  }
}

/** commitIndex never decreases, and what it covers never changes: the entries a node newly
 *  commits (from `previous` + 1 up to its commitIndex) agree with what any node committed there.
 *  `previous` is the node's commitIndex before this step. Records newly committed entries. */
export function checkCommitIndex(
  h: SafetyHistory,
  node: { id: NodeId; term: number; commitIndex: number; persistedCommitIndex: number; log: LogView },
  previous: number,
): void {
  const live = h.commitIndexLive.get(node.id) ?? 0;
  if (node.commitIndex < live) {
    throw h.violation('commitIndex monotonic', `node ${node.id} commitIndex went from ${live} to ${node.commitIndex}`);
  }
  const persisted = h.commitIndexPersisted.get(node.id) ?? 0;
  if (node.persistedCommitIndex < persisted) {
    throw h.violation('commitIndex monotonic',
      `node ${node.id} persisted commitIndex went from ${persisted} to ${node.persistedCommitIndex}`);
  }
  h.commitIndexLive.set(node.id, node.commitIndex);
  h.commitIndexPersisted.set(node.id, node.persistedCommitIndex);
  for (let index = Math.max(previous, node.log.snapshotIndex) + 1; index <= node.commitIndex; index++) {
    const entry = node.log.entry(index);
    if (entry === undefined) {
      throw h.violation('commitIndex', `node ${node.id} commitIndex ${node.commitIndex} is past its last index ${node.log.lastIndex}`);
    }
    const key = entryKey(entry);
    const committed = h.committed[index];
    if (committed === undefined) {
      if (index !== h.committed.length) {
        throw h.violation('commitIndex', `node ${node.id} committed index ${index} but nothing is known committed at ${h.committed.length}`);
      }
      h.committed.push(key);
      h.committedTerm.push(node.term);
    } else if (committed !== key) {
      throw h.violation('committed entries are final', `node ${node.id} committed [${key}] at index ${index}; [${committed}] was committed there before`);
    }
  }
}

/** A restarted node's commitIndex starts where its disk left it, not lower. */
export function checkRestartCommitIndex(h: SafetyHistory, node: { id: NodeId; commitIndex: number }): void {
  const persisted = h.commitIndexPersisted.get(node.id) ?? 0;
  if (node.commitIndex < persisted) {
    throw h.violation('commitIndex monotonic', `node ${node.id} restarted with commitIndex ${node.commitIndex} below its persisted ${persisted}`);
  }
  h.commitIndexLive.set(node.id, node.commitIndex);
}

/** Leader completeness (Raft §5.4): a leader's log holds every entry committed in its term or
 *  an earlier one (those below its snapshot through the snapshot's index and term). A stale
 *  leader of an older term, cut off from the rest, need not hold what newer leaders committed. */
export function checkLeaderCompleteness(h: SafetyHistory, node: { id: NodeId; role: Role; term: number; log: LogView }): void {
  if (node.role !== 'leader') return;
  const { log } = node;
  const memo = h.completeness.get(node.id);
  let from = log.snapshotIndex + 1;
  if (memo !== undefined && memo.term === node.term && memo.epoch === log.epoch) from = Math.max(from, memo.upTo + 1);
  else if (log.snapshotIndex > 0 && log.snapshotIndex <= h.commitIndex) {
    const committed = h.committed[log.snapshotIndex] as string;
    if (!committed.startsWith(`${log.snapshotTerm}|`)) {
      throw h.violation('leader completeness', `leader ${node.id} of term ${node.term} has a snapshot at index ` +
        `${log.snapshotIndex} term ${log.snapshotTerm}, but [${committed}] is committed there`);
    }
  }
  let index = from;
  for (; index <= h.commitIndex && (h.committedTerm[index] as number) <= node.term; index++) {
    const entry = log.entry(index);
    const committed = h.committed[index] as string;
    if (entry === undefined || entryKey(entry) !== committed) {
      throw h.violation('leader completeness', `leader ${node.id} of term ${node.term} lacks committed entry ` +
        `[${committed}] at index ${index}; it holds ${entry === undefined ? 'nothing' : `[${entryKey(entry)}]`}`);
    }
  }
  h.completeness.set(node.id, { term: node.term, epoch: log.epoch, upTo: Math.max(index - 1, log.snapshotIndex) });
}

/** State machine safety (Raft §5.4.3): no two nodes apply different entries at one index. Also
 *  compares the state machine digests after the entry. */
export function checkStateMachineSafety(h: SafetyHistory, id: NodeId, entry: Entry, digest: number): void {
  const key = entryKey(entry);
  const first = h.applied[entry.index];
  if (first === undefined) {
    h.applied[entry.index] = key;
    h.digest[entry.index] = digest;
    return;
  }
  if (first !== key) {
    throw h.violation('state machine safety', `node ${id} applied [${key}] at index ${entry.index}; another node applied [${first}]`);
  }
  if (h.digest[entry.index] !== digest) {
    throw h.violation('state machine safety', `node ${id} state after index ${entry.index} differs from another node's (digests differ)`);
  }
}

/** A state machine restored from a snapshot holds what other nodes applied up to its index, and
 *  the snapshot's (index, term) is that of the entry committed there. */
export function checkSnapshotRestore(h: SafetyHistory, id: NodeId, snapshot: { index: number; term: number; digest: number }): void {
  const known = h.digest[snapshot.index];
  if (known !== undefined && known !== snapshot.digest) {
    throw h.violation('state machine safety', `node ${id} restored a snapshot at index ${snapshot.index} whose state differs from what was applied there`);
  }
  const committed = h.committed[snapshot.index];
  if (snapshot.index > 0 && committed !== undefined && !committed.startsWith(`${snapshot.term}|`)) {
    throw h.violation('state machine safety', `node ${id} restored a snapshot at index ${snapshot.index} term ${snapshot.term}, but [${committed}] is committed there`);
  }
}

/** Applied entries are exactly the committed prefix, in order: each applied entry is the next
 *  index, is within the node's commitIndex, and is the entry committed there. */
export function checkAppliedPrefix(
  h: SafetyHistory,
  node: { id: NodeId; appliedIndex: number; commitIndex: number },
  entry: Entry,
): void {
  if (entry.index !== node.appliedIndex + 1) {
    throw h.violation('applied prefix', `node ${node.id} applied index ${entry.index} right after ${node.appliedIndex}`);
  }
  if (entry.index > node.commitIndex) {
    throw h.violation('applied prefix', `node ${node.id} applied index ${entry.index} beyond its commitIndex ${node.commitIndex}`);
  }
  const committed = h.committed[entry.index];
  if (committed !== entryKey(entry)) {
    throw h.violation('applied prefix', `node ${node.id} applied [${entryKey(entry)}] at index ${entry.index}, ` +
      `but ${committed === undefined ? 'no entry is known committed there' : `[${committed}] is committed there`}`);
  }
}
