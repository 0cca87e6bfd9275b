import { Anomaly, zeroOutcomes, type OutcomeCounts } from './anomaly.js';
import type { AddAnomaly } from './consumer-checks.js';
import type { HalfCheckEvent, HalfEndEvent, HalfListEvent, HalfReadEvent, HalfSendEvent, ListedHalf } from './history.js';

// The checks of the half-message workload (half-workload.ts), after the contract of
// docs/transactions.md: a half message is invisible until committed, visible exactly once after
// its commit, never after its rollback; a decision is final. Half messages are named by their
// record's value (unique in the run), since a send of unknown outcome has no id the workload
// knows, yet may be stored and decided by a check-back.

/** What the checker found out about the half messages. */
export interface HalfVerdict {
  readonly sends: OutcomeCounts;
  /** Decisions asked by producers (EndHalf), commits and rollbacks together. */
  readonly ends: OutcomeCounts;
  /** Check-backs answered by a member of the producer group, by answer. */
  readonly checkAnswers: Readonly<Record<'commit' | 'rollback' | 'unknown', number>>;
  /** Half messages the final listing shows, by state and by who decided them; null without a
   *  final listing. */
  readonly listed: Readonly<Record<string, number>> | null;
  /** Distinct half-message records read, and whether a read covered the whole topic. */
  readonly visible: number;
  readonly finalRead: boolean;
}

type Completion<E> = Exclude<E, { type: 'invoke' }>;
type HalfOp = HalfSendEvent | HalfEndEvent | HalfCheckEvent | HalfReadEvent | HalfListEvent;

interface Half {
  readonly value: string;
  readonly topic: string;
  readonly process: string;
  id: string | null;
  /** The earliest time a commit of it was asked: a producer's EndHalf invoke, or a check-back
   *  answered commit. */
  commitAskedAt: number;
  /** Acknowledged decisions. */
  committed: boolean;
  rolledBack: boolean;
  listed: ListedHalf | null;
}

interface Read {
  readonly offset: number;
  readonly partition: number;
  readonly time: number;
}

/** Collects the half-message operations of a history, then reports their anomalies. */
export class HalfChecks {
  private readonly halves = new Map<string, Half>();
  private readonly byId = new Map<string, Half>();
  /** value → reads of it (one per distinct offset, the first time). */
  private readonly reads = new Map<string, Read[]>();
  private readonly sendCounts = zeroOutcomes();
  private readonly endCounts = zeroOutcomes();
  private readonly checkAnswers = { commit: 0, rollback: 0, unknown: 0 };
  private listing: readonly ListedHalf[] | null = null;
  private finalRead = false;
  private seen = false;

  invoked(event: HalfOp): void {
    this.seen = true;
    if (event.f === 'half-send') {
      this.sendCounts.invoked += 1;
      this.halves.set(event.value, { value: event.value, topic: event.topic, process: event.process, id: null, commitAskedAt: Number.POSITIVE_INFINITY, committed: false, rolledBack: false, listed: null });
    } else if (event.f === 'half-end') {
      this.endCounts.invoked += 1;
      const half = this.halves.get(event.value);
      if (half !== undefined && event.commit) half.commitAskedAt = Math.min(half.commitAskedAt, event.time);
    }
  }

  /** Returns a problem with the history itself, or null. */
  completed(invoke: HalfOp, event: Completion<HalfOp>): string | null {
    switch (event.f) {
      case 'half-send': {
        this.sendCounts[event.type] += 1;
        const half = this.halves.get(event.value);
        if (half === undefined || (invoke as HalfSendEvent).value !== event.value) return `${event.type} of half-send ${event.value} completes another operation`;
        if (event.type === 'ok') {
          half.id = event.id;
          this.byId.set(event.id, half);
        }
        return null;
      }
      case 'half-end': {
        this.endCounts[event.type] += 1;
        const half = this.halves.get(event.value);
        if (half !== undefined && event.type === 'ok') {
          if (event.commit) half.committed = true;
          else half.rolledBack = true;
        }
        return null;
      }
      case 'half-check': {
        const answer = (invoke as HalfCheckEvent).answer;
        this.checkAnswers[answer] += 1;
        const half = this.halves.get(event.value);
        if (half !== undefined && answer === 'commit') half.commitAskedAt = Math.min(half.commitAskedAt, invoke.time);
        return null;
      }
      case 'half-read': {
        if (event.type !== 'ok') return null;
        for (const record of event.records) {
          const reads = this.reads.get(record.value) ?? [];
          if (!reads.some((r) => r.offset === record.offset && r.partition === record.partition)) reads.push({ offset: record.offset, partition: record.partition, time: event.time });
          this.reads.set(record.value, reads);
        }
        if (event.final === true) this.finalRead = true;
        return null;
      }
      case 'half-list': {
        if (event.type === 'ok' && event.final === true) this.listing = event.halves;
        return null;
      }
    }
  }

  unfinished(invoke: HalfOp): void {
    if (invoke.f === 'half-send') this.sendCounts.pending += 1;
    else if (invoke.f === 'half-end') this.endCounts.pending += 1;
  }

  /** Adds the anomalies; call once, after the whole history. */
  analyze(add: AddAnomaly): void {
    for (const listed of this.listing ?? []) {
      const half = this.byId.get(listed.id);
      if (half !== undefined) half.listed = listed;
    }
    for (const [value, reads] of this.reads) {
      const half = this.halves.get(value);
      const first = reads.reduce((a, b) => (b.time < a.time ? b : a));
      const where = `${half?.topic ?? 'half'}/${first.partition}`;
      if (half === undefined || first.time < half.commitAskedAt) {
        add(Anomaly.HalfVisibleBeforeCommit, () => ({ partition: where, values: [value], offsets: [first.offset], times: [first.time], ...(half === undefined ? { note: 'never sent as a half message' } : { process: half.process, note: Number.isFinite(half.commitAskedAt) ? `commit first asked at ${half.commitAskedAt.toFixed(0)} ms` : 'no commit was ever asked' }) }));
      }
      if (half !== undefined && (half.rolledBack || half.listed?.state === 'rolled-back')) {
        add(Anomaly.HalfVisibleAfterRollback, () => ({ partition: where, values: [value], offsets: reads.map((r) => r.offset), times: [first.time], process: half.process, note: half.rolledBack ? 'its rollback was acknowledged' : `listed as rolled back by ${half.listed!.decidedBy}` }));
      }
      if (reads.length > 1) add(Anomaly.HalfDuplicated, () => ({ partition: where, values: [value], offsets: reads.map((r) => r.offset), times: reads.map((r) => r.time) }));
    }
    for (const half of this.halves.values()) {
      if (this.finalRead && (half.committed || half.listed?.state === 'committed') && !this.reads.has(half.value)) {
        add(Anomaly.HalfLostCommit, () => ({ partition: half.topic, values: [half.value], offsets: [], times: [], process: half.process, note: half.committed ? 'its commit was acknowledged' : `listed as committed by ${half.listed!.decidedBy}` }));
      }
      if (half.listed?.state === 'pending') add(Anomaly.HalfUndecided, () => ({ partition: half.topic, values: [half.value], offsets: [], times: [], process: half.process, note: `${half.id} still pending at the end` }));
    }
  }

  /** The summary, or null when the history has no half-message operations. */
  verdict(): HalfVerdict | null {
    if (!this.seen) return null;
    let listed: Record<string, number> | null = null;
    if (this.listing !== null) {
      listed = {};
      for (const half of this.listing) {
        const key = half.state === 'pending' ? 'pending' : `${half.state} by ${half.decidedBy}`;
        listed[key] = (listed[key] ?? 0) + 1;
      }
    }
    return { sends: { ...this.sendCounts }, ends: { ...this.endCounts }, checkAnswers: { ...this.checkAnswers }, listed, visible: this.reads.size, finalRead: this.finalRead };
  }
}
