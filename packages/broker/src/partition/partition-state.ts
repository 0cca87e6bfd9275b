/** The fields of a record batch's header that the partition state machine decides on. */
export interface BatchFacts {
  readonly recordCount: number;
  readonly maxTimestampMs: number;
  /** -1 for a producer without idempotence. */
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
}

import { QueueState, type QueueCommand, type QueueOutcome } from '../queue/queue-state.js';

/** A command of the partition log other than a record batch. Its entry starts with "{" (0x7b),
 *  which no batch does (a batch starts with its magic byte, 1). */
export type PartitionCommand =
  /** Moves the log start up (retention.ms, retention.bytes, DeleteRecords). The leader decides
   *  the offset; every replica applies the same command, so every replica agrees. */
  | { readonly type: 'Trim'; readonly logStartOffset: number }
  | QueueCommand;

/** What applying one batch did. Every replica computes the same outcome for the same log. */
export type BatchOutcome =
  | { readonly kind: 'appended'; readonly baseOffset: number; readonly recordCount: number }
  /** An idempotent retry of a batch already in the log: stored once, answered with its offsets
   *  (-1 when the original is older than the remembered window). */
  | { readonly kind: 'duplicate'; readonly baseOffset: number; readonly recordCount: number }
  | { readonly kind: 'rejected'; readonly reason: 'OutOfOrderSequence' | 'ProducerFenced'; readonly message: string };

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
  nextOffset = 0;
  logStartOffset = 0;
  /** The queue subscriptions of the partition (queue/queue-state.ts). */
  queues = new QueueState();
  private readonly producers = new Map<number, ProducerEntry>();

  /** Decides a batch's fate without changing anything. */
  decide(batch: BatchFacts): BatchOutcome {
    if (batch.producerId < 0) return { kind: 'appended', baseOffset: this.nextOffset, recordCount: batch.recordCount };
    const producer = this.producers.get(batch.producerId);
    // A new producer (or a new epoch of one) starts at sequence 0 (Kafka's rule). Accepting any
    // first sequence would store batch 1 when batch 0 was lost in flight, then answer batch 0's
    // retry as a duplicate that was never written.
    if (producer === undefined || batch.producerEpoch > producer.epoch) {
      if (batch.baseSequence !== 0) {
        return { kind: 'rejected', reason: 'OutOfOrderSequence', message: `producer ${batch.producerId} epoch ${batch.producerEpoch} must start at sequence 0 (got ${batch.baseSequence})` };
      }
      return { kind: 'appended', baseOffset: this.nextOffset, recordCount: batch.recordCount };
    }
    if (batch.producerEpoch < producer.epoch) {
      return { kind: 'rejected', reason: 'ProducerFenced', message: `producer ${batch.producerId} epoch ${batch.producerEpoch} is older than its current epoch ${producer.epoch}` };
    }
    const lastSequence = batch.baseSequence + batch.recordCount - 1;
    const newest = producer.batches[producer.batches.length - 1]!;
    if (batch.baseSequence <= newest.lastSequence) {
      const original = producer.batches.find((b) => b.baseSequence === batch.baseSequence && b.lastSequence === lastSequence);
      return { kind: 'duplicate', baseOffset: original?.baseOffset ?? -1, recordCount: batch.recordCount };
    }
    if (batch.baseSequence !== newest.lastSequence + 1) {
      return {
        kind: 'rejected',
        reason: 'OutOfOrderSequence',
        message: `producer ${batch.producerId} sent sequence ${batch.baseSequence} but ${newest.lastSequence + 1} was expected`,
      };
    }
    return { kind: 'appended', baseOffset: this.nextOffset, recordCount: batch.recordCount };
  }

  /** Decides a batch's fate and records it: the state machine's transition function. */
  applyBatch(batch: BatchFacts): BatchOutcome {
    const outcome = this.decide(batch);
    if (outcome.kind !== 'appended') return outcome;
    this.nextOffset += batch.recordCount;
    if (batch.producerId < 0) return outcome;
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

  /** Applies a command: Trim answers the log start after it, a queue command its outcome. */
  applyCommand(command: PartitionCommand): number | QueueOutcome {
    if (command.type !== 'Trim') return this.queues.apply(command, this.nextOffset, this.logStartOffset);
    this.logStartOffset = Math.max(this.logStartOffset, Math.min(command.logStartOffset, this.nextOffset));
    this.queues.trimmed(this.logStartOffset);
    return this.logStartOffset;
  }

  clone(): PartitionState {
    const copy = new PartitionState();
    copy.nextOffset = this.nextOffset;
    copy.logStartOffset = this.logStartOffset;
    copy.queues = this.queues.clone();
    for (const [id, p] of this.producers) copy.producers.set(id, { epoch: p.epoch, batches: p.batches.map((b) => ({ ...b })) });
    return copy;
  }

  /** A compact JSON form, for raft snapshots of the partition. */
  toJSON(): object {
    return { nextOffset: this.nextOffset, logStartOffset: this.logStartOffset, producers: [...this.producers], queues: this.queues.toJSON() };
  }

  static fromJSON(value: { nextOffset: number; logStartOffset: number; producers: [number, ProducerEntry][]; queues?: ReturnType<QueueState['toJSON']> }): PartitionState {
    const state = new PartitionState();
    state.nextOffset = value.nextOffset;
    state.logStartOffset = value.logStartOffset;
    state.queues = QueueState.fromJSON(value.queues);
    for (const [id, p] of value.producers) state.producers.set(id, p);
    return state;
  }
}
