import { invalidTxnState, outOfOrderSequence, producerFenced, type HeraldError } from '@herald/protocol';
import { QueueState, type QueueOutcome } from '../queue/queue-state.js';
import { HalfState, type HalfMeta, type HalfOutcome } from '../transactions/half-state.js';
import { TxnPartitionState, type TxnBeginOutcome, type TxnMarkerMeta } from '../transactions/txn-partition.js';
import type { PartitionCommand } from './partition-commands.js';

/** The fields of a record batch's header that the partition state machine decides on. */
export interface BatchFacts {
  readonly recordCount: number;
  readonly maxTimestampMs: number;
  /** -1 for a producer without idempotence. */
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  /** Written inside a transaction (the batch's transactional bit). */
  readonly transactional?: boolean;
}

/** What applying one batch did. Every replica computes the same outcome for the same log. */
export type BatchOutcome =
  | { readonly kind: 'appended'; readonly baseOffset: number; readonly recordCount: number }
  /** An idempotent retry of a batch already in the log: stored once, answered with its offsets
   *  (-1 when the original is older than the remembered window). */
  | { readonly kind: 'duplicate'; readonly baseOffset: number; readonly recordCount: number }
  | { readonly kind: 'rejected'; readonly error: HeraldError };

/** What applying one command did: a Trim, the log start after it; a queue command, its outcome. */
export type CommandOutcome =
  | { readonly kind: 'trimmed'; readonly logStartOffset: number }
  | { readonly kind: 'queue'; readonly outcome: QueueOutcome }
  /** A half message stored, checked, committed or rolled back (transactions/half-state.ts). */
  | { readonly kind: 'half'; readonly outcome: HalfOutcome }
  /** A transaction begun on the partition (transactions/txn-partition.ts). */
  | { readonly kind: 'txn'; readonly outcome: TxnBeginOutcome };

/** The last batches of one idempotent producer, newest last. */
interface ProducerEntry {
  epoch: number;
  batches: { baseSequence: number; lastSequence: number; baseOffset: number; recordCount: number }[];
}

/** Kafka remembers the last 5 batches per producer; a producer keeps at most that many in flight. */
export const PRODUCER_BATCHES_REMEMBERED = 5;

/**
 * A partition's replicated state, apart from the records themselves: the next offset to assign
 * and the idempotent-producer table. Offsets are assigned here, at apply time, not when the leader
 * receives the batch, so every replica numbers every record the same. The leader also runs a copy
 * of this over its not-yet-committed tail to answer acks NONE and LEADER with offsets.
 */
export class PartitionState {
  private next = 0;
  private start = 0;
  private queueState = new QueueState();
  private halfState = new HalfState();
  /** Null until a transaction touches the partition: until then nothing here costs a thing. */
  private txnState: TxnPartitionState | null = null;
  private readonly producers = new Map<number, ProducerEntry>();

  /** The offset the next record gets: the high watermark, once applied. */
  get nextOffset(): number {
    return this.next;
  }

  /** The first offset still readable (retention and DeleteRecords move it up). */
  get logStartOffset(): number {
    return this.start;
  }

  /** The queue subscriptions of the partition (queue/queue-state.ts). */
  get queues(): QueueState {
    return this.queueState;
  }

  /** The half messages of the partition (transactions/half-state.ts). */
  get halves(): HalfState {
    return this.halfState;
  }

  /** The transactions of the partition; null when none ever began here. */
  get txns(): TxnPartitionState | null {
    return this.txnState;
  }

  /** Read-committed readers stop here: the high watermark unless a transaction is open. */
  get lastStableOffset(): number {
    return this.txnState === null ? this.next : this.txnState.lastStableOffset(this.next);
  }

  /** Applies a transaction marker: it takes the next offset (readers are served its control
   *  batch there, and skip it) and ends its producer's transaction here. */
  applyMarker(meta: TxnMarkerMeta): BatchOutcome {
    const outcome: BatchOutcome = { kind: 'appended', baseOffset: this.next, recordCount: 1 };
    this.txnState ??= new TxnPartitionState();
    this.txnState.end(meta, this.next);
    this.next += 1;
    return outcome;
  }

  /** Stores a half message held in the raft entry at `raftIndex`: no offsets until committed. */
  applyHalf(meta: HalfMeta, batch: BatchFacts & { readonly bytes: number }, raftIndex: number): CommandOutcome {
    return { kind: 'half', outcome: this.halfState.prepare(meta, { recordCount: batch.recordCount, maxTimestampMs: batch.maxTimestampMs, bytes: batch.bytes }, raftIndex) };
  }

  /** Decides a batch's fate without changing anything. */
  decide(batch: BatchFacts): BatchOutcome {
    if (batch.transactional === true) {
      const refusal = this.txnState === null ? invalidTxnState(`producer ${batch.producerId} has no ongoing transaction on this partition; add the partition to the transaction first`) : this.txnState.refusal(batch.producerId, batch.producerEpoch, 'this partition');
      if (refusal !== null) return { kind: 'rejected', error: refusal };
    }
    if (batch.producerId < 0) return { kind: 'appended', baseOffset: this.nextOffset, recordCount: batch.recordCount };
    const producer = this.producers.get(batch.producerId);
    // A new producer (or a new epoch of one) starts at sequence 0 (Kafka's rule). Accepting any
    // first sequence would store batch 1 when batch 0 was lost in flight, then answer batch 0's
    // retry as a duplicate that was never written.
    if (producer === undefined || batch.producerEpoch > producer.epoch) {
      if (batch.baseSequence !== 0) {
        return { kind: 'rejected', error: outOfOrderSequence(batch.producerId, 0, batch.baseSequence) };
      }
      return { kind: 'appended', baseOffset: this.nextOffset, recordCount: batch.recordCount };
    }
    if (batch.producerEpoch < producer.epoch) {
      return { kind: 'rejected', error: producerFenced(batch.producerId, batch.producerEpoch, producer.epoch) };
    }
    const lastSequence = batch.baseSequence + batch.recordCount - 1;
    const newest = producer.batches[producer.batches.length - 1]!;
    if (batch.baseSequence <= newest.lastSequence) {
      const original = producer.batches.find((b) => b.baseSequence === batch.baseSequence && b.lastSequence === lastSequence);
      return { kind: 'duplicate', baseOffset: original?.baseOffset ?? -1, recordCount: batch.recordCount };
    }
    if (batch.baseSequence !== newest.lastSequence + 1) {
      return { kind: 'rejected', error: outOfOrderSequence(batch.producerId, newest.lastSequence + 1, batch.baseSequence) };
    }
    return { kind: 'appended', baseOffset: this.nextOffset, recordCount: batch.recordCount };
  }

  /** Decides a batch's fate and records it: the state machine's transition function. */
  applyBatch(batch: BatchFacts): BatchOutcome {
    const outcome = this.decide(batch);
    if (outcome.kind !== 'appended') return outcome;
    this.next += batch.recordCount;
    if (batch.producerId < 0) return outcome;
    if (batch.transactional === true) this.txnState!.appended(batch.producerId, outcome.baseOffset);
    const record = { baseSequence: batch.baseSequence, lastSequence: batch.baseSequence + batch.recordCount - 1, baseOffset: outcome.baseOffset, recordCount: batch.recordCount };
    const producer = this.producers.get(batch.producerId);
    if (producer === undefined || batch.producerEpoch > producer.epoch) {
      this.producers.set(batch.producerId, { epoch: batch.producerEpoch, batches: [record] });
    } else {
      producer.batches.push(record);
      if (producer.batches.length > PRODUCER_BATCHES_REMEMBERED) producer.batches.shift();
    }
    return outcome;
  }

  /** Applies a command (see CommandOutcome); `where` names the partition in refusals. */
  applyCommand(command: PartitionCommand, where = 'the partition'): CommandOutcome {
    if (command.type === 'TxnBegin') {
      this.txnState ??= new TxnPartitionState();
      return { kind: 'txn', outcome: this.txnState.begin(command, where) };
    }
    if (command.type === 'HalfCheck') return { kind: 'half', outcome: this.halfState.check(command) };
    if (command.type === 'HalfEnd') {
      const outcome = this.halfState.end(command, this.next, where);
      if (outcome.kind === 'committed' && !outcome.duplicate) this.next += outcome.recordCount;
      return { kind: 'half', outcome };
    }
    if (command.type !== 'Trim') return { kind: 'queue', outcome: this.queues.apply(command, this.nextOffset, this.logStartOffset) };
    this.start = Math.max(this.start, Math.min(command.logStartOffset, this.next));
    this.queueState.trimmed(this.start);
    this.txnState?.trimmed(this.start);
    return { kind: 'trimmed', logStartOffset: this.logStartOffset };
  }

  clone(): PartitionState {
    const copy = new PartitionState();
    copy.next = this.next;
    copy.start = this.start;
    copy.queueState = this.queueState.clone();
    copy.halfState = this.halfState.clone();
    copy.txnState = this.txnState?.clone() ?? null;
    for (const [id, p] of this.producers) copy.producers.set(id, { epoch: p.epoch, batches: p.batches.map((b) => ({ ...b })) });
    return copy;
  }

  /** A compact JSON form, for raft snapshots of the partition. */
  toJSON(): object {
    return { nextOffset: this.nextOffset, logStartOffset: this.logStartOffset, producers: [...this.producers], queues: this.queues.toJSON(), halves: this.halfState.toJSON(), ...(this.txnState === null ? {} : { txns: this.txnState.toJSON() }) };
  }

  static fromJSON(value: {
    nextOffset: number;
    logStartOffset: number;
    producers: [number, ProducerEntry][];
    queues?: ReturnType<QueueState['toJSON']>;
    halves?: ReturnType<HalfState['toJSON']>;
    txns?: ReturnType<TxnPartitionState['toJSON']>;
  }): PartitionState {
    const state = new PartitionState();
    state.next = value.nextOffset;
    state.start = value.logStartOffset;
    state.queueState = QueueState.fromJSON(value.queues);
    state.halfState = HalfState.fromJSON(value.halves);
    state.txnState = value.txns === undefined ? null : TxnPartitionState.fromJSON(value.txns);
    for (const [id, p] of value.producers) state.producers.set(id, p);
    return state;
  }
}
