import { commitTimedOut, encodeTxnMarker, notEnoughReplicas } from '@herald/protocol';
import { assert, EntryType } from '@herald/raft';
import type { Clock } from '../host/clock.js';
import { ProposalStage } from '../host/raft-group.js';
import { QueueLeader, type QueueSettings } from '../queue/queue-leader.js';
import type { QueueCommand, QueueOutcome } from '../queue/queue-state.js';
import { HalfLeader } from '../transactions/half-leader.js';
import { encodeCommand, encodeMarkerEntry, EntryKind } from '../store-format.js';
import type { TxnMarkerMeta } from '../transactions/txn-partition.js';
import type { PartitionCommand } from './partition-commands.js';
import { applyEntry, type EntryOutcome, type PartitionLog } from './partition-log.js';
import type { BatchFacts, BatchOutcome, PartitionState } from './partition-state.js';

/** How much durability a producer waits for (DESIGN.md "acks"). */
export const Acks = { None: 'none', Leader: 'leader', Quorum: 'quorum', All: 'all' } as const;
export type Acks = (typeof Acks)[keyof typeof Acks];

const stageOf: Record<Acks, ProposalStage> = {
  none: ProposalStage.Appended,
  leader: ProposalStage.Durable,
  quorum: ProposalStage.Applied,
  all: ProposalStage.HeldByIsr,
};

export interface ProduceResult {
  readonly baseOffset: number;
  readonly recordCount: number;
  readonly duplicate: boolean;
}

export interface PartitionLeaderSettings {
  readonly minInsyncReplicas: number;
  readonly queue: QueueSettings;
  readonly clock: Clock;
  /** The number of the ongoing transaction of `producerId` at `producerEpoch` that this
   *  partition was added to, as the transaction coordinator's replicated state says; throws the
   *  refusal (InvalidTxnState, ProducerFenced) when there is none. */
  readonly transactionOf: (producerId: number, producerEpoch: number) => number;
}

/** A marker to write: which transaction, its outcome, and the coordinator's clock. */
export interface MarkerRequest extends TxnMarkerMeta {
  readonly timestampMs: number;
}

/**
 * The leader's side of a partition: produce with its acks, min.insync.replicas and idempotence
 * checks; trims of the log start; the queue subscriptions' leader (QueueLeader); and the half
 * messages' leader (HalfLeader). Everything
 * it changes goes through the partition's Raft log; what it keeps besides (the projection of
 * the uncommitted tail, the queue views) is derived, and rebuilt when leadership changes.
 */
export class PartitionLeader {
  /** Leader only: the applied state run forward over the log's uncommitted tail, so that acks
   *  NONE and LEADER are answered with the offsets the batch gets if it commits, and a batch the
   *  state machine would reject never enters the log. Rebuilt after a leadership change. */
  private projected: { state: PartitionState; index: number } | null = null;
  readonly queues: QueueLeader;
  readonly halves: HalfLeader;

  constructor(
    private readonly log: PartitionLog,
    private readonly settings: PartitionLeaderSettings,
  ) {
    this.queues = new QueueLeader(
      {
        name: log.name,
        clock: settings.clock,
        highWatermark: () => log.lastStableOffset,
        logStartOffset: () => log.logStartOffset,
        subscriptions: () => log.state.queues.subscriptions,
        decodedBatchAt: (offset) => log.decodedBatchAt(offset),
        propose: (command, timeoutMs, what) => this.proposeQueueCommand(command, timeoutMs, what),
        untilCurrentLeader: (timeoutMs, signal) => log.group.untilCurrentLeader(timeoutMs, signal),
        waitForApply: (timeoutMs, signal) => log.group.waitForApply(timeoutMs, signal),
      },
      settings.queue,
    );
    this.halves = new HalfLeader(log, { minInsyncReplicas: settings.minInsyncReplicas, clock: settings.clock });
    log.onLeadership(() => {
      this.projected = null;
      this.queues.reset();
    });
  }

  /** Appends a validated batch (see validateBatch in @herald/protocol) and answers per `acks`. */
  async produce(batch: Uint8Array, facts: BatchFacts, acks: Acks, timeoutMs: number): Promise<ProduceResult> {
    const group = this.log.group;
    group.requireLeader();
    const status = group.status();
    if ((acks === Acks.Quorum || acks === Acks.All) && status.isr.length < this.settings.minInsyncReplicas) {
      throw notEnoughReplicas(this.log.name, status.isr.length, this.settings.minInsyncReplicas);
    }
    // A retry of a batch already committed is answered with its offsets, without writing it again.
    const committed = this.log.state.decide(facts);
    if (committed.kind === 'duplicate') return toResult(committed);
    // Decided against the uncommitted tail too: a batch the state machine would reject never
    // enters the log. Applying it to the projection decides it once.
    const projection = this.projectTo(status.lastIndex);
    let index = status.lastIndex;
    // The first transactional batch of a transaction here: its begin goes first, once the
    // coordinator's state shows the partition added (KIP-890 part 1), so that a write never
    // opens a transaction no marker will close.
    const begin = facts.transactional === true && projection.txns?.isOpen(facts.producerId, facts.producerEpoch) !== true ? this.beginOf(facts, projection) : null;
    const projected = projection.applyBatch(facts);
    if (projected.kind === 'rejected') {
      if (begin !== null) this.projected = null; // it took a begin that never entered the log
      throw projected.error;
    }
    let proposal;
    try {
      if (begin !== null) {
        const begun = group.propose(encodeCommand(EntryKind.PartitionCommand, begin), ProposalStage.Appended, timeoutMs, 'the transaction begin');
        index += 1;
        assert(begun.index === index, 'a begin follows the last index it was projected from');
      }
      proposal = group.propose(batch, stageOf[acks], timeoutMs, 'the batch');
    } catch (err) {
      this.projected = null; // it took a batch that never entered the log
      throw err;
    }
    assert(proposal.index === index + 1, 'a proposal follows the last index it was projected from');
    this.projected!.index = proposal.index;
    const outcome = await proposal.result;
    if (acks === Acks.None || acks === Acks.Leader) return toResult(projected);
    const applied = outcome as BatchOutcome;
    if (applied.kind === 'rejected') throw applied.error;
    return toResult(applied);
  }

  /** The begin command of a transactional batch's transaction, applied to the projection;
   *  throws the coordinator's refusal, or the partition's. */
  private beginOf(facts: BatchFacts, projection: PartitionState): PartitionCommand {
    const begin: PartitionCommand = { type: 'TxnBegin', producerId: facts.producerId, producerEpoch: facts.producerEpoch, txn: this.settings.transactionOf(facts.producerId, facts.producerEpoch) };
    const outcome = projection.applyCommand(begin, this.log.name);
    assert(outcome.kind === 'txn', 'a begin answers a transaction outcome');
    if (outcome.outcome.kind === 'rejected') throw outcome.outcome.error;
    return begin;
  }

  /**
   * Writes a transaction marker (the coordinator's second phase, KIP-98's WriteTxnMarkers) and
   * resolves once it is applied here, or at once when it already is: every call for the same
   * transaction is answered the same, so the coordinator retries freely, through leader changes.
   */
  async writeMarker(marker: MarkerRequest, timeoutMs: number): Promise<void> {
    const group = this.log.group;
    group.requireLeader();
    const ended = () => this.log.state.txns?.hasEnded(marker.producerId, marker.txn) === true;
    if (ended()) return;
    const meta: TxnMarkerMeta = { producerId: marker.producerId, producerEpoch: marker.producerEpoch, txn: marker.txn, commit: marker.commit };
    const batch = await encodeTxnMarker({ ...meta, coordinatorEpoch: 0, timestampMs: marker.timestampMs });
    group.requireLeader();
    const status = group.status();
    const projection = this.projectTo(status.lastIndex);
    if (projection.txns?.hasEnded(marker.producerId, marker.txn) === true) {
      // Written already and not applied yet: wait for it.
      await group.waitUntil(ended, timeoutMs);
      if (!ended()) throw commitTimedOut(`${this.log.name}: the transaction marker`, timeoutMs);
      return;
    }
    projection.applyMarker(meta);
    let proposal;
    try {
      proposal = group.propose(encodeMarkerEntry(meta, batch), ProposalStage.Applied, timeoutMs, 'the transaction marker');
    } catch (err) {
      this.projected = null;
      throw err;
    }
    assert(proposal.index === status.lastIndex + 1, 'a marker follows the last index it was projected from');
    this.projected!.index = proposal.index;
    await proposal.result;
  }

  /** The applied state run forward over our log's entries up to `index`, incrementally. */
  private projectTo(index: number): PartitionState {
    if (this.projected === null || this.projected.index > index) this.projected = { state: this.log.state.clone(), index: this.log.appliedIndex };
    for (let i = this.projected.index + 1; i <= index; i++) {
      const entry = this.log.group.entry(i);
      assert(entry !== undefined, 'the uncommitted tail is in memory');
      if (entry.data.byteLength > 0 && entry.type === EntryType.Normal) applyEntry(this.projected.state, entry, this.log.name);
    }
    this.projected.index = Math.max(this.projected.index, index);
    return this.projected.state;
  }

  /**
   * Moves the log start up to `logStartOffset` (at most the high watermark) through the Raft log
   * and resolves with the log start once applied. Records below it are gone for every reader;
   * offsets of the others do not change.
   */
  async trim(logStartOffset: number, timeoutMs: number): Promise<number> {
    this.log.group.requireLeader();
    const target = Math.min(logStartOffset, this.log.highWatermark);
    if (target <= this.log.logStartOffset) return this.log.logStartOffset;
    const outcome = await this.proposeCommand({ type: 'Trim', logStartOffset: target }, timeoutMs, 'the deletion');
    assert(outcome.kind === 'trimmed', 'a Trim answers the log start');
    return outcome.logStartOffset;
  }

  private async proposeQueueCommand(command: QueueCommand, timeoutMs: number, what: string): Promise<QueueOutcome> {
    const outcome = await this.proposeCommand(command, timeoutMs, what);
    assert(outcome.kind === 'queue', 'a queue command answers a queue outcome');
    return outcome.outcome;
  }

  private async proposeCommand(command: PartitionCommand, timeoutMs: number, what: string): Promise<EntryOutcome> {
    return this.log.group.proposeApplied(encodeCommand(EntryKind.PartitionCommand, command), timeoutMs, what);
  }
}

function toResult(outcome: BatchOutcome): ProduceResult {
  assert(outcome.kind !== 'rejected', 'only accepted batches have a result');
  return { baseOffset: outcome.baseOffset, recordCount: outcome.recordCount, duplicate: outcome.kind === 'duplicate' };
}
