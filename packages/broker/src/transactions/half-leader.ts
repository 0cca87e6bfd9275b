import { invalidArgument, notEnoughReplicas, tooManyHalfMessages, type BatchHeader } from '@herald/protocol';
import { assert } from '@herald/raft';
import type { Clock } from '../host/clock.js';
import type { PartitionLog } from '../partition/partition-log.js';
import type { PartitionCommand } from '../partition/partition-commands.js';
import { encodeCommand, encodeHalfEntry, EntryKind, halfEntryParts } from '../store-format.js';
import { DecidedBy, type DecidedHalf, type HalfCommand, type HalfOutcome, type PendingHalf } from './half-state.js';

/** Undecided half messages a partition holds at most: each keeps its raft entry (and all after
 *  it) from compaction, so their number is bounded. */
export const PENDING_HALVES_MAX = 10_000;

/** When check-backs happen (transaction.check.after.ms, .interval.ms, .max). */
export interface CheckSettings {
  readonly afterMs: number;
  readonly intervalMs: number;
  readonly max: number;
}

/** A check-back for the producer group's live members (HalfCheck in transactions.proto). */
export interface HalfCheckNotice {
  readonly id: string;
  readonly producerGroup: string;
  readonly checks: number;
  readonly createdMs: number;
  readonly batch: Uint8Array;
}

/** What a sweep did: check-backs sent (delivered: to how many members) and rollbacks after
 *  transaction.check.max checks. */
export interface SweepResult {
  readonly checks: readonly { readonly id: string; readonly delivered: number }[];
  readonly rolledBack: number;
}

/** A half message as `herald txn` shows it. */
export type HalfView = ({ readonly state: 'pending' } & PendingHalf) | ({ readonly state: 'committed' | 'rolled-back' } & DecidedHalf);

/** A decided end, as EndHalf answers it. */
export interface EndResult {
  readonly committed: boolean;
  readonly baseOffset: number;
  readonly recordCount: number;
  readonly duplicate: boolean;
}

/**
 * The leader's side of a partition's half messages (RocketMQ's transactional messages): stores
 * them, decides them, and checks back undecided ones. Everything it changes is a command of the
 * partition's raft log (HalfState applies it on every replica); it keeps nothing of its own
 * beyond the sweeps in flight, so a new leader carries on where the old one stopped, with the
 * same check counts.
 */
export class HalfLeader {
  /** Half messages a check or a rollback is being proposed for (a sweep skips them). */
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly log: PartitionLog,
    private readonly settings: { readonly minInsyncReplicas: number; readonly clock: Clock },
  ) {}

  /** Stores a half message (validated batch, no producer id) once a majority holds it. */
  async send(id: string, producerGroup: string, batch: Uint8Array, facts: BatchHeader, timeoutMs: number): Promise<{ recordCount: number; duplicate: boolean }> {
    if (facts.producerId >= 0) throw invalidArgument('batch', 'a half message batch carries no producer id (its idempotence is by id)');
    await this.requireWritable(timeoutMs);
    const halves = this.log.state.halves;
    const known = halves.pending.get(id) ?? halves.decided.get(id);
    if (known !== undefined) return { recordCount: known.recordCount, duplicate: true };
    if (halves.pending.size >= PENDING_HALVES_MAX) throw tooManyHalfMessages(this.log.name, PENDING_HALVES_MAX);
    const entry = encodeHalfEntry({ id, producerGroup, nowMs: this.settings.clock.now() }, batch);
    const outcome = await this.propose(entry, timeoutMs, 'the half message');
    assert(outcome.kind === 'prepared', 'a half message entry answers prepared');
    return { recordCount: outcome.recordCount, duplicate: outcome.duplicate };
  }

  /** Commits or rolls back a half message; refused if it is unknown or decided the other way. */
  async end(id: string, commit: boolean, by: DecidedBy, timeoutMs: number): Promise<EndResult> {
    await this.requireWritable(timeoutMs);
    const answered = this.log.state.halves.decideEnd(id, commit, this.log.name);
    const outcome = answered ?? (await this.proposeCommand({ type: 'HalfEnd', id, commit, by, nowMs: this.settings.clock.now() }, timeoutMs));
    if (outcome.kind === 'refused') throw outcome.error;
    assert(outcome.kind === 'committed' || outcome.kind === 'rolled-back', 'a HalfEnd answers its decision');
    return outcome.kind === 'committed'
      ? { committed: true, baseOffset: outcome.baseOffset, recordCount: outcome.recordCount, duplicate: outcome.duplicate }
      : { committed: false, baseOffset: -1, recordCount: 0, duplicate: outcome.duplicate };
  }

  /**
   * Checks back the undecided half messages that are due at `nowMs`: those past
   * `settings.max` checks are rolled back; the others count one more check (a HalfCheck
   * command, so that the count survives failover) and are then offered to `deliver`, which
   * answers how many live members it reached. Leader only, once its log is applied.
   */
  async sweep(nowMs: number, settings: CheckSettings, deliver: (notice: HalfCheckNotice) => number, timeoutMs: number): Promise<SweepResult> {
    if (!this.log.group.isCurrentLeader()) return { checks: [], rolledBack: 0 };
    const due: PendingHalf[] = [];
    const expired: PendingHalf[] = [];
    for (const half of this.log.state.halves.pending.values()) {
      if (this.inFlight.has(half.id) || nowMs < checkDueMs(half, settings)) continue;
      (half.checks >= settings.max ? expired : due).push(half);
    }
    for (const half of [...due, ...expired]) this.inFlight.add(half.id);
    try {
      const [rolledBack, checks] = await Promise.all([this.rollBack(expired, nowMs, timeoutMs), this.checkBack(due, nowMs, deliver, timeoutMs)]);
      return { checks, rolledBack };
    } finally {
      for (const half of [...due, ...expired]) this.inFlight.delete(half.id);
    }
  }

  /** When the next check-back (or check-max rollback) of the undecided half messages is due
   *  (clock.now() milliseconds; past for those due or being checked now), or Infinity when none
   *  is undecided: the node's sweep sleeps until then. */
  nextCheckMs(settings: CheckSettings): number {
    let nextMs = Number.POSITIVE_INFINITY;
    for (const half of this.log.state.halves.pending.values()) nextMs = Math.min(nextMs, checkDueMs(half, settings));
    return nextMs;
  }

  /** Rolls back half messages that had all their checks; how many this rolled back. */
  private async rollBack(expired: readonly PendingHalf[], nowMs: number, timeoutMs: number): Promise<number> {
    const outcomes = await Promise.all(expired.map((half) => this.proposeCommand({ type: 'HalfEnd', id: half.id, commit: false, by: DecidedBy.CheckMax, nowMs }, timeoutMs)));
    return outcomes.filter((o) => o.kind === 'rolled-back' && !o.duplicate).length;
  }

  /** Counts one more check of each half message (one command), then offers each to `deliver`. */
  private async checkBack(due: readonly PendingHalf[], nowMs: number, deliver: (notice: HalfCheckNotice) => number, timeoutMs: number): Promise<{ id: string; delivered: number }[]> {
    if (due.length === 0) return [];
    await this.proposeCommand({ type: 'HalfCheck', ids: due.map((h) => h.id), nowMs }, timeoutMs);
    const checks: { id: string; delivered: number }[] = [];
    for (const half of due) {
      const current = this.log.state.halves.pending.get(half.id);
      const entry = this.log.group.entry(half.raftIndex);
      if (current === undefined || entry === undefined) continue; // decided meanwhile
      const notice = { id: half.id, producerGroup: half.producerGroup, checks: current.checks, createdMs: half.createdMs, batch: halfEntryParts(entry.data).batch };
      checks.push({ id: half.id, delivered: deliver(notice) });
    }
    return checks;
  }

  /** The undecided half messages, and with `decided` the remembered decisions (oldest first). */
  list(decided: boolean): HalfView[] {
    const halves = this.log.state.halves;
    const out: HalfView[] = [...halves.pending.values()].map((p) => ({ ...p, state: 'pending' as const }));
    if (decided) for (const d of halves.decided.values()) out.push({ ...d, state: d.committed ? 'committed' : 'rolled-back' });
    return out;
  }

  /** Refuses unless this replica leads with its log applied (so that its half messages are all
   *  known) and enough replicas are in sync for a QUORUM write. */
  private async requireWritable(timeoutMs: number): Promise<void> {
    const group = this.log.group;
    await group.untilCurrentLeader(timeoutMs);
    const isr = group.status().isr.length;
    if (isr < this.settings.minInsyncReplicas) throw notEnoughReplicas(this.log.name, isr, this.settings.minInsyncReplicas);
  }

  private proposeCommand(command: HalfCommand & PartitionCommand, timeoutMs: number): Promise<HalfOutcome> {
    return this.propose(encodeCommand(EntryKind.PartitionCommand, command), timeoutMs, command.type === 'HalfEnd' ? 'the decision' : 'the check-back');
  }

  private async propose(data: Uint8Array, timeoutMs: number, what: string): Promise<HalfOutcome> {
    const outcome = await this.log.group.proposeApplied(data, timeoutMs, what);
    assert(outcome.kind === 'half', 'a half message entry or command answers a half outcome');
    return outcome.outcome;
  }
}

/** When a half message is due for its next check: `afterMs` after it was stored, then
 *  `intervalMs` after each check. */
function checkDueMs(half: PendingHalf, settings: CheckSettings): number {
  return half.checks === 0 ? half.createdMs + settings.afterMs : half.lastCheckMs + settings.intervalMs;
}
