/**
 * The anomalies the checker looks for, named as in RELIABILITY.md (and Jepsen's Kafka
 * checker), with the consumer-group and queue-subscription guarantees after them. Those in
 * `invalidatingAnomalies` make a run invalid; the rest are reported but do not.
 *
 * Producers and plain consumers:
 * - `lost`: an acknowledged send never read, although reads reached past its offset (or a final
 *   read covered the whole log).
 * - `duplicated`: one value read at two or more offsets of a partition.
 * - `unexpected`: a value read that was never sent to that partition.
 * - `nonmonotonic-send` (reordered): one producer's acknowledged values for one partition whose
 *   offsets do not increase in the order the producer invoked the sends.
 * - `inconsistent-offsets`: two different values at one offset (read there or acknowledged
 *   there), or an acknowledged value read only at offsets other than its acknowledged one.
 * - `G1a` (failed-read): a send reported `fail` whose value was read.
 * - `lost-on-node`: an acknowledged value read somewhere, but missing from a final read of one
 *   node's replica alone (a poll ok carrying `node` and `final`): replicas disagree.
 * - `unknown`: sends with an `info` completion or none at all; they may or may not have been
 *   written, so they are never counted lost.
 * - `unseen`: an acknowledged send not read, above every offset any poll reached and with no
 *   final read: the run ended before a reader got there. Not evidence of loss.
 * - `poll-skip`: one consumer's successive reads of a partition jumped over an offset that some
 *   other poll read.
 * - `nonmonotonic-poll`: one consumer's successive reads of a partition went back or repeated.
 *
 * Consumer groups:
 * - `group-offset-regressed`: a group's committed offset of a partition, as committed (ok) or
 *   read back, below one committed or read by an operation that completed before this one began.
 * - `group-behind`: after the drain, a committed offset below the partition's high watermark.
 * - `group-unconsumed`: after the drain, an acknowledged send no member of the group consumed.
 *
 * Queue subscriptions:
 * - `queue-redelivered-after-ack`: a record delivered again after an ack of it was applied: a
 *   delivery with a higher count than the acked one (whenever it was handed out: a lease with a
 *   higher count before the ack would have made the broker refuse the ack), or another delivery
 *   with the acked count asked for after the ack resolved.
 * - `queue-nonmonotonic-delivery`: two deliveries of a record with the same delivery count, or
 *   a member handed a record with a lower count than it was handed before.
 * - `queue-unacked`: after the drain, an acknowledged send the subscription has not settled
 *   (at or above its ack floor), or settled although no ack of it succeeded or had an unknown
 *   outcome (and nothing was dead-lettered); or a partition whose ack floor is below its high
 *   watermark.
 *
 * MQTT (mqtt-checks.ts):
 * - `mqtt-lost`: a QoS 1 publish acknowledged (PUBACK) that the persistent-session subscriber
 *   never received, although it drained.
 * - `mqtt-unexpected`: a message received that no client published.
 * - `mqtt-reordered`: two acknowledged publishes of one client (one MQTT topic, so one
 *   partition) first received in the other order than they were acknowledged.
 *
 * Half messages (half-checks.ts):
 * - `half-visible-before-commit`: a half message's record read before any commit of it was
 *   asked (by its producer, or by a check-back answer), or never asked at all.
 * - `half-visible-after-rollback`: a record read whose half message was rolled back (the
 *   rollback acknowledged, or the broker's final listing says so).
 * - `half-duplicated`: a half message's record read at two or more offsets.
 * - `half-lost-commit`: a half message whose commit was acknowledged (or listed as committed)
 *   missing from the final read of the whole topic.
 * - `half-undecided`: a half message still pending after the drain (check-backs had no time to
 *   decide it); reported, not invalidating.
 *
 * Transactions (txn-checks.ts; after Jepsen's Kafka checker and its 2024 Bufstream analysis):
 * - `txn-aborted-read`: a read-committed read returned a record of a transaction that did not
 *   commit (aborted on purpose, refused, never asked to commit) or that no transaction wrote.
 * - `txn-torn`: a reader saw part of a transaction: the complete final read holds some of its
 *   records but not all, or a reader read a partition past a record of a transaction the final
 *   read shows committed without returning that record.
 * - `txn-lost-commit`: a transaction whose commit was acknowledged with a record missing from
 *   the complete final read.
 * - `txn-duplicated`: one record read at two offsets, or (exactly once) one input record whose
 *   processing is in the committed log twice.
 * - `txn-unprocessed`: after the drain, a committed input record whose processing is not in the
 *   committed log (exactly once broken the other way).
 * - `txn-cycle` (G1c): a cycle of write-read dependencies among committed transactions (T1 wrote
 *   a record T2 read, ..., back to T1), a transaction reading its own write included.
 */
export const Anomaly = {
  Lost: 'lost',
  Duplicated: 'duplicated',
  Unexpected: 'unexpected',
  NonmonotonicSend: 'nonmonotonic-send',
  InconsistentOffsets: 'inconsistent-offsets',
  G1a: 'G1a',
  LostOnNode: 'lost-on-node',
  Unknown: 'unknown',
  Unseen: 'unseen',
  PollSkip: 'poll-skip',
  NonmonotonicPoll: 'nonmonotonic-poll',
  GroupOffsetRegressed: 'group-offset-regressed',
  GroupBehind: 'group-behind',
  GroupUnconsumed: 'group-unconsumed',
  QueueRedeliveredAfterAck: 'queue-redelivered-after-ack',
  QueueNonmonotonicDelivery: 'queue-nonmonotonic-delivery',
  QueueUnacked: 'queue-unacked',
  MqttLost: 'mqtt-lost',
  MqttUnexpected: 'mqtt-unexpected',
  MqttReordered: 'mqtt-reordered',
  HalfVisibleBeforeCommit: 'half-visible-before-commit',
  HalfVisibleAfterRollback: 'half-visible-after-rollback',
  HalfDuplicated: 'half-duplicated',
  HalfLostCommit: 'half-lost-commit',
  HalfUndecided: 'half-undecided',
  TxnAbortedRead: 'txn-aborted-read',
  TxnTorn: 'txn-torn',
  TxnLostCommit: 'txn-lost-commit',
  TxnDuplicated: 'txn-duplicated',
  TxnUnprocessed: 'txn-unprocessed',
  TxnCycle: 'txn-cycle',
} as const;
export type Anomaly = (typeof Anomaly)[keyof typeof Anomaly];

/** Every anomaly, in report order. */
export const anomalies: readonly Anomaly[] = Object.values(Anomaly);

/** The anomalies that make a run invalid. The others are reported for a person to judge. */
export const invalidatingAnomalies: ReadonlySet<Anomaly> = new Set<Anomaly>([
  Anomaly.Lost,
  Anomaly.Duplicated,
  Anomaly.Unexpected,
  Anomaly.NonmonotonicSend,
  Anomaly.InconsistentOffsets,
  Anomaly.G1a,
  Anomaly.LostOnNode,
  Anomaly.GroupOffsetRegressed,
  Anomaly.GroupBehind,
  Anomaly.GroupUnconsumed,
  Anomaly.QueueRedeliveredAfterAck,
  Anomaly.QueueNonmonotonicDelivery,
  Anomaly.QueueUnacked,
  Anomaly.MqttLost,
  Anomaly.MqttUnexpected,
  Anomaly.MqttReordered,
  Anomaly.HalfVisibleBeforeCommit,
  Anomaly.HalfVisibleAfterRollback,
  Anomaly.HalfDuplicated,
  Anomaly.HalfLostCommit,
  Anomaly.TxnAbortedRead,
  Anomaly.TxnTorn,
  Anomaly.TxnLostCommit,
  Anomaly.TxnDuplicated,
  Anomaly.TxnUnprocessed,
  Anomaly.TxnCycle,
]);

/** One instance of an anomaly, enough for a person to find it in the history. */
export interface AnomalyExample {
  /** `topic/partition`. */
  readonly partition: string;
  readonly values: readonly string[];
  readonly offsets: readonly number[];
  /** Times of the events involved (invoke, completion, read), in milliseconds since run start. */
  readonly times: readonly number[];
  readonly process?: string;
  readonly note?: string;
}

export type AnomalyCounts = Readonly<Record<Anomaly, number>>;
export type AnomalyExamples = Readonly<Record<Anomaly, readonly AnomalyExample[]>>;

/** How many operations of one kind completed each way; `pending` never completed. */
export interface OutcomeCounts {
  readonly invoked: number;
  readonly ok: number;
  readonly fail: number;
  readonly info: number;
  readonly pending: number;
}

/** Mutable outcome counts, for counting. */
export type OutcomeTally = { -readonly [K in keyof OutcomeCounts]: number };

export const zeroOutcomes = (): OutcomeTally => ({ invoked: 0, ok: 0, fail: 0, info: 0, pending: 0 });

/** Counts of anomalies and the first examples of each. */
export class Collector {
  readonly counts: Record<Anomaly, number> = zeroCounts();
  readonly examples: Record<Anomaly, AnomalyExample[]> = emptyExamples();

  constructor(private readonly examplesMax: number) {}

  add(anomaly: Anomaly, example: () => AnomalyExample): void {
    this.counts[anomaly] += 1;
    const list = this.examples[anomaly];
    if (list.length < this.examplesMax) list.push(example());
  }
}

const zeroCounts = (): Record<Anomaly, number> =>
  Object.fromEntries(anomalies.map((name) => [name, 0])) as Record<Anomaly, number>;
const emptyExamples = (): Record<Anomaly, AnomalyExample[]> =>
  Object.fromEntries(anomalies.map((name) => [name, []])) as unknown as Record<Anomaly, AnomalyExample[]>;
