import {
  anomalies,
  Anomaly,
  Collector,
  invalidatingAnomalies,
  type AnomalyCounts,
  type AnomalyExample,
  type AnomalyExamples,
  type OutcomeCounts,
} from './anomaly.js';
import { ConsumerChecks, type AckedSend, type GroupVerdict, type QueueVerdict } from './consumer-checks.js';
import { HalfChecks, type HalfVerdict } from './half-checks.js';
import type { CommitEvent, ConsumeEvent, DeliverEvent, FaultEvent, HistoryEvent, LeaderEvent, OffsetsEvent, PollEvent, ProtocolOpEvent, PublishEvent, ReceiveEvent, SendEvent, SettleEvent, SubscriptionEvent, TxnEvent, TxnReadEvent } from './history.js';
import { MqttChecks, type MqttVerdict } from './mqtt-checks.js';
import { TxnChecks, type TxnVerdict } from './txn-checks.js';

export * from './anomaly.js';
export type { GroupVerdict, QueueVerdict } from './consumer-checks.js';
export type { MqttVerdict } from './mqtt-checks.js';
export type { HalfVerdict } from './half-checks.js';
export type { TxnVerdict } from './txn-checks.js';

/** The checker's findings for one partition. */
export interface PartitionVerdict {
  /** `topic/partition`. */
  readonly key: string;
  readonly topic: string;
  readonly partition: number;
  readonly counts: AnomalyCounts;
  readonly examples: AnomalyExamples;
  readonly sends: OutcomeCounts;
  /** Unknown sends (info or pending) whose value was read: they were written after all. */
  readonly unknownRead: number;
  /** Distinct values read from the partition. */
  readonly valuesRead: number;
  /** The highest offset any poll read, or -1. */
  readonly maxReadOffset: number;
  /** Whether a final read covered this partition's whole log. */
  readonly finalRead: boolean;
}

/** A fault's window, from its start event to its end event (or the end of the run). */
export interface FaultWindow {
  readonly name: string;
  readonly target?: string;
  readonly startMs: number;
  readonly endMs: number;
  /** False when the history has no end event: the window is closed at the run's end. */
  readonly ended: boolean;
}

/** How long one fault kept writes from being acknowledged. */
export interface FaultAvailability extends FaultWindow {
  /**
   * Time from the fault's start until the worst-hit partition acknowledged a send invoked after
   * the start; null when some partition with sends after the start never acknowledged one
   * (`recovered` false) or no partition had sends after the start.
   */
  readonly unavailableMs: number | null;
  readonly recovered: boolean;
  /** Per partition with sends invoked after the start: time to its first such acknowledgement. */
  readonly partitions: Readonly<Record<string, number | null>>;
  /**
   * The longest time without an acknowledged send, on the worst-hit partition, while the fault
   * was in force or just after (until AFTER_FAULT_MS past its end): from the fault's start or an
   * acknowledgement in that window to the next acknowledgement, wherever that falls. A partition
   * with no traffic from the start on does not count. Null when the fault never `recovered`.
   */
  readonly longestGapMs: number | null;
}

/** How long after a fault's end its consequences still count for `longestGapMs`. */
export const AFTER_FAULT_MS = 5_000;

/** A change of leader seen in the history's leader events. */
export interface LeaderChange {
  readonly time: number;
  /** `topic/partition`, or `partition` alone when the event names no topic. */
  readonly partition: string;
  readonly from: number | null;
  readonly to: number;
  readonly term: number;
}

/** Write availability over the run. */
export interface Availability {
  readonly faults: readonly FaultAvailability[];
  /** Over recovered faults only; null when there are none. */
  readonly unavailableMsMax: number | null;
  readonly unavailableMsMedian: number | null;
  /** Faults after which some partition never acknowledged a send again. */
  readonly unrecoveredFaults: number;
  readonly leaderChanges: number;
  /** Acknowledged sends per second over the span of the workload's sends (first invoke to the
   *  last completion), so that setup and final reads do not dilute it. */
  readonly okSendsPerSecond: number;
}

/** Latency of acknowledged sends, invoke to ok. */
export interface LatencySummary {
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
}

/** Everything the checker concluded about a history. */
export interface Verdict {
  /** True only when no invalidating anomaly was found. */
  readonly valid: boolean;
  readonly counts: AnomalyCounts;
  /** Examples over all partitions, capped at `examplesMax` per anomaly. */
  readonly examples: AnomalyExamples;
  readonly partitions: readonly PartitionVerdict[];
  readonly sends: OutcomeCounts;
  readonly polls: OutcomeCounts;
  /** Records returned by ok polls, counting re-reads. */
  readonly recordsRead: number;
  readonly durationMs: number;
  readonly latency: LatencySummary;
  readonly availability: Availability;
  /** Consumer groups of the history (empty when it has none, as older histories). */
  readonly groups: readonly GroupVerdict[];
  /** Queue subscriptions of the history (empty when it has none). */
  readonly queues: readonly QueueVerdict[];
  /** The MQTT workload's figures; null when the history has none. */
  readonly mqtt: MqttVerdict | null;
  /** The half-message workload's figures; null when the history has none. */
  readonly halves: HalfVerdict | null;
  /** The transaction workload's figures; null when the history has none. */
  readonly txns: TxnVerdict | null;
}

/** Tuning of check(). */
export interface CheckOptions {
  /** Examples kept per anomaly, per partition and in total. Default 5. */
  readonly examplesMax?: number;
}

/** The history breaks the invoke/completion protocol: a harness bug, not a broker anomaly. */
export class HistoryError extends Error {
  constructor(
    readonly eventIndex: number,
    message: string,
  ) {
    super(`history event ${eventIndex}: ${message}`);
    this.name = 'HistoryError';
  }
}

// ---------------------------------------------------------------------------------------------
// Internal state. Everything is keyed by value or offset in Maps, so check() is linear in the
// history apart from a few sorts.

type Outcome = 'pending' | 'ok' | 'fail' | 'info';

interface SendState {
  readonly f: 'send';
  readonly value: string;
  readonly producer: string;
  readonly process: string;
  readonly invokeTime: number;
  outcome: Outcome;
  doneTime: number;
  /** Meaningful only when outcome is 'ok'. */
  ackOffset: number;
}

interface ReadState {
  readonly offset: number;
  readonly time: number;
  /** Further offsets the value was read at, with the time of the first such read. */
  others: { offset: number; time: number }[] | null;
}

interface ConsumerState {
  epoch: number;
  lastOffset: number;
}

interface PendingPoll {
  readonly f: 'poll';
  readonly topic: string;
}

type ConsumerOp = ConsumeEvent | CommitEvent | OffsetsEvent | DeliverEvent | SettleEvent | SubscriptionEvent;

/** A group or queue operation outstanding: its invoke. */
interface PendingConsumerOp {
  readonly f: ConsumerOp['f'];
  readonly invoke: ConsumerOp;
}

/** A process's outstanding operation; a send's state doubles as its pending entry. */
interface PendingProtocolOp {
  readonly f: ProtocolOpEvent['f'];
  readonly invoke: ProtocolOpEvent;
}
type Pending = SendState | PendingPoll | PendingConsumerOp | PendingProtocolOp;

const isMqttOp = (event: ConsumerOp | ProtocolOpEvent): event is PublishEvent | ReceiveEvent => event.f === 'publish' || event.f === 'receive';
const isTxnOp = (event: ConsumerOp | ProtocolOpEvent): event is TxnEvent | TxnReadEvent => event.f === 'txn' || event.f === 'txn-read';
const isHalfOp = (event: ConsumerOp | ProtocolOpEvent): event is Exclude<ProtocolOpEvent, PublishEvent | ReceiveEvent | TxnEvent | TxnReadEvent> => event.f.startsWith('half-');

interface SkipCandidate {
  readonly process: string;
  readonly fromOffset: number;
  readonly toOffset: number;
  readonly time: number;
}

/** A node's whole copy of a topic, read by one process: of the `partitions` it holds a replica
 *  of, or of every partition. */
interface NodeCopy {
  readonly node: number;
  readonly partitions?: ReadonlySet<number>;
}

class PartitionState {
  readonly key: string;
  /** Insertion order is invoke order: producer order checks rely on it. */
  readonly sends = new Map<string, SendState>();
  /** value → where it was first read. */
  readonly reads = new Map<string, ReadState>();
  /** offset → first value read there. Plain strings: a million reads allocate nothing more. */
  readonly readAt = new Map<number, string>();
  /** offset → every distinct value seen there (read or acknowledged), only once there are two. */
  readonly conflicts = new Map<number, Map<string, number>>();
  readonly consumers = new Map<string, ConsumerState>();
  /** Values read per single-node process since its last reset (only for polls naming a node). */
  readonly nodeReads = new Map<string, Set<string>>();
  readonly skipCandidates: SkipCandidate[] = [];
  readonly nonmonotonicPolls: AnomalyExample[] = [];
  nonmonotonicPollCount = 0;
  maxReadOffset = -1;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {
    this.key = `${topic}/${partition}`;
  }

  /** Records that `value` was seen at `offset`, which already holds `first` (seen at `firstTime`). */
  noteConflict(offset: number, first: string, firstTime: number, value: string, time: number): void {
    let values = this.conflicts.get(offset);
    if (!values) {
      values = new Map([[first, firstTime]]);
      this.conflicts.set(offset, values);
    }
    if (!values.has(value)) values.set(value, time);
  }

  /** When `value` was first read at `offset` (NaN if never). */
  readTime(value: string, offset: number): number {
    const read = this.reads.get(value);
    if (!read) return Number.NaN;
    if (read.offset === offset) return read.time;
    return read.others?.find((other) => other.offset === offset)?.time ?? Number.NaN;
  }
}

/**
 * Checks a history for the anomalies in `Anomaly` and measures write availability. Pure: the
 * same history gives the same verdict. Throws HistoryError when the history itself breaks the
 * invoke/completion protocol (a completion without an invoke, a process invoking twice).
 */
export function check(history: readonly HistoryEvent[], options: CheckOptions = {}): Verdict {
  const examplesMax = options.examplesMax ?? 5;
  const topics = new Map<string, PartitionState[]>();
  const pending = new Map<string, Pending>();
  /** A process's consumer epoch: bumped on reset, so its old positions no longer count. */
  const epochs = new Map<string, number>();
  const finalTopics = new Set<string>();
  /** Single-node processes whose last ok poll was final: topic → process → node. */
  const nodeCopies = new Map<string, Map<string, NodeCopy>>();
  const sendCounts = { invoked: 0, ok: 0, fail: 0, info: 0, pending: 0 };
  const pollCounts = { invoked: 0, ok: 0, fail: 0, info: 0, pending: 0 };
  const consumerChecks = new ConsumerChecks();
  const mqttChecks = new MqttChecks();
  const halfChecks = new HalfChecks();
  const txnChecks = new TxnChecks();
  let recordsRead = 0;
  let durationMs = 0;

  const partitionState = (topic: string, partition: number): PartitionState => {
    let list = topics.get(topic);
    if (!list) {
      list = [];
      topics.set(topic, list);
    }
    let state = list[partition];
    if (!state) {
      state = new PartitionState(topic, partition);
      list[partition] = state;
    }
    return state;
  };

  for (let i = 0; i < history.length; i++) {
    const event = history[i]!;
    if (event.time > durationMs) durationMs = event.time;
    if (event.type === 'fault' || event.type === 'leader') continue;
    if (event.type === 'invoke') {
      if (pending.has(event.process)) {
        throw new HistoryError(i, `process ${event.process} invoked ${event.f} while its previous operation is outstanding`);
      }
      if (event.f === 'send') {
        sendCounts.invoked += 1;
        const partition = partitionState(event.topic, event.partition);
        if (partition.sends.has(event.value)) {
          throw new HistoryError(i, `value ${event.value} was sent twice to ${partition.key}; values must be unique`);
        }
        const send: SendState = {
          f: 'send',
          value: event.value,
          producer: event.producer,
          process: event.process,
          invokeTime: event.time,
          outcome: 'pending',
          doneTime: Number.NaN,
          ackOffset: -1,
        };
        partition.sends.set(event.value, send);
        pending.set(event.process, send);
      } else if (event.f !== 'poll' && isTxnOp(event)) {
        const problem = txnChecks.invoked(event as Extract<TxnEvent | TxnReadEvent, { type: 'invoke' }>);
        if (problem !== null) throw new HistoryError(i, problem);
        pending.set(event.process, { f: event.f, invoke: event });
      } else if (event.f !== 'poll' && (isMqttOp(event) || isHalfOp(event))) {
        if (isMqttOp(event)) mqttChecks.invoked(event);
        else halfChecks.invoked(event);
        pending.set(event.process, { f: event.f, invoke: event });
      } else if (event.f !== 'poll') {
        consumerChecks.invoked(event);
        pending.set(event.process, { f: event.f, invoke: event });
      } else {
        pollCounts.invoked += 1;
        if (event.reset === true) {
          epochs.set(event.process, (epochs.get(event.process) ?? 0) + 1);
          nodeCopies.get(event.topic)?.delete(event.process);
          for (const state of topics.get(event.topic) ?? []) state?.nodeReads.delete(event.process);
        }
        pending.set(event.process, { f: 'poll', topic: event.topic });
      }
      continue;
    }
    const invoke = pending.get(event.process);
    if (!invoke) throw new HistoryError(i, `${event.type} of ${event.f} by process ${event.process} has no invoke`);
    if (invoke.f !== event.f) {
      throw new HistoryError(i, `${event.type} of ${event.f} by process ${event.process} completes a ${invoke.f}`);
    }
    pending.delete(event.process);
    if (invoke.f === 'send') {
      const completion = event as Exclude<SendEvent, { type: 'invoke' }>;
      if (completion.value !== invoke.value) {
        throw new HistoryError(i, `${event.type} of value ${completion.value} completes the send of ${invoke.value}`);
      }
      invoke.outcome = completion.type;
      invoke.doneTime = completion.time;
      sendCounts[completion.type] += 1;
      if (completion.type === 'ok') invoke.ackOffset = completion.offset;
      continue;
    }
    if ('invoke' in invoke && isTxnOp(invoke.invoke)) {
      const problem = txnChecks.completed(invoke.invoke, event as Exclude<TxnEvent | TxnReadEvent, { type: 'invoke' }>);
      if (problem !== null) throw new HistoryError(i, problem);
      continue;
    }
    if ('invoke' in invoke && (isMqttOp(invoke.invoke) || isHalfOp(invoke.invoke))) {
      const op = invoke.invoke;
      // The completion's f matched the invoke's above.
      const problem = isMqttOp(op) ? mqttChecks.completed(op, event as Exclude<PublishEvent | ReceiveEvent, { type: 'invoke' }>) : halfChecks.completed(op, event as Parameters<HalfChecks['completed']>[1]);
      if (problem !== null) throw new HistoryError(i, problem);
      continue;
    }
    if (invoke.f !== 'poll') {
      const problem = consumerChecks.completed((invoke as PendingConsumerOp).invoke, event as ConsumerOp);
      if (problem !== null) throw new HistoryError(i, problem);
      continue;
    }
    const completion = event as Exclude<PollEvent, { type: 'invoke' }>;
    pollCounts[completion.type] += 1;
    if (completion.type === 'info') {
      // The poll may have moved the consumer's position without our seeing the records, so the
      // next poll's offsets are not comparable with the last ones we saw.
      epochs.set(event.process, (epochs.get(event.process) ?? 0) + 1);
      continue;
    }
    if (completion.type !== 'ok') continue;
    if (completion.final === true) finalTopics.add(invoke.topic);
    const epoch = epochs.get(event.process) ?? 0;
    for (const record of completion.records) {
      recordsRead += 1;
      const partition = partitionState(invoke.topic, record.partition);
      recordRead(partition, record.offset, record.value, completion.time, event.process, epoch, examplesMax);
      if (completion.node !== undefined) {
        let values = partition.nodeReads.get(event.process);
        if (!values) {
          values = new Set();
          partition.nodeReads.set(event.process, values);
        }
        values.add(record.value);
      }
    }
    if (completion.node !== undefined && completion.final === true) {
      let copies = nodeCopies.get(invoke.topic);
      if (!copies) {
        copies = new Map();
        nodeCopies.set(invoke.topic, copies);
      }
      copies.set(event.process, { node: completion.node, ...(completion.partitions === undefined ? {} : { partitions: new Set(completion.partitions) }) });
    }
  }

  for (const invoke of pending.values()) {
    if (invoke.f === 'send') sendCounts.pending += 1;
    else if (invoke.f === 'poll') pollCounts.pending += 1;
    else if (isMqttOp(invoke.invoke)) mqttChecks.unfinished(invoke.invoke);
    else if (isHalfOp(invoke.invoke)) halfChecks.unfinished(invoke.invoke);
    else if (isTxnOp(invoke.invoke)) continue; // a transaction never completed stays unknown
    else consumerChecks.unfinished(invoke.invoke);
  }

  // Partitions only the group or queue workloads saw are listed too.
  for (const [topic, ids] of consumerChecks.partitions) for (const id of ids) partitionState(topic, id);
  const total = new Collector(examplesMax);
  const partitions: PartitionVerdict[] = [];
  const sortedTopics = [...topics.keys()].sort();
  for (const topic of sortedTopics) {
    for (const partition of topics.get(topic)!) {
      if (!partition) continue;
      const own = new Collector(examplesMax);
      const add = (anomaly: Anomaly, example: () => AnomalyExample): void => {
        own.add(anomaly, example);
        total.add(anomaly, example);
      };
      consumerChecks.analyzePartition(topic, partition.partition, partition.key, ackedSends(partition), add);
      partitions.push(analyzePartition(partition, finalTopics.has(topic), nodeCopies.get(topic) ?? new Map(), examplesMax, own, total));
    }
  }

  mqttChecks.analyze((anomaly, example) => total.add(anomaly, example));
  halfChecks.analyze((anomaly, example) => total.add(anomaly, example));
  txnChecks.analyze((anomaly, example) => total.add(anomaly, example));

  const counts = total.counts;
  const valid = anomalies.every((name) => !invalidatingAnomalies.has(name) || counts[name] === 0);
  const states = sortedTopics.flatMap((topic) => topics.get(topic)!.filter((p) => p !== undefined));
  return {
    valid,
    counts,
    examples: total.examples,
    partitions,
    sends: sendCounts,
    polls: pollCounts,
    recordsRead,
    durationMs,
    latency: latencySummary(states),
    availability: availability(history, states, sendCounts.ok),
    groups: consumerChecks.groupVerdicts(),
    queues: consumerChecks.queueVerdicts(),
    mqtt: mqttChecks.verdict(),
    halves: halfChecks.verdict(),
    txns: txnChecks.verdict(),
  };
}

/** The partition's acknowledged sends, as the group and queue checks need them. */
function ackedSends(state: PartitionState): AckedSend[] {
  const acked: AckedSend[] = [];
  for (const send of state.sends.values()) {
    if (send.outcome !== 'ok') continue;
    acked.push({ value: send.value, offset: send.ackOffset, invokeTime: send.invokeTime, doneTime: send.doneTime, process: send.process });
  }
  return acked;
}

function recordRead(
  partition: PartitionState,
  offset: number,
  value: string,
  time: number,
  process: string,
  epoch: number,
  examplesMax: number,
): void {
  const read = partition.reads.get(value);
  if (!read) {
    partition.reads.set(value, { offset, time, others: null });
  } else if (read.offset !== offset) {
    read.others ??= [];
    if (!read.others.some((other) => other.offset === offset)) read.others.push({ offset, time });
  }
  const first = partition.readAt.get(offset);
  if (first === undefined) partition.readAt.set(offset, value);
  else if (first !== value) partition.noteConflict(offset, first, partition.readTime(first, offset), value, time);
  if (offset > partition.maxReadOffset) partition.maxReadOffset = offset;

  const consumer = partition.consumers.get(process);
  if (!consumer || consumer.epoch !== epoch) {
    partition.consumers.set(process, { epoch, lastOffset: offset });
    return;
  }
  const lastOffset = consumer.lastOffset;
  consumer.lastOffset = offset;
  if (offset <= lastOffset) {
    partition.nonmonotonicPollCount += 1;
    if (partition.nonmonotonicPolls.length < examplesMax) {
      partition.nonmonotonicPolls.push({
        partition: partition.key,
        values: [value],
        offsets: [lastOffset, offset],
        times: [time],
        process,
        note: `read offset ${offset} after offset ${lastOffset}`,
      });
    }
  } else if (offset > lastOffset + 1) {
    // Whether an offset in between exists is known only once every poll has been seen.
    partition.skipCandidates.push({ process, fromOffset: lastOffset, toOffset: offset, time });
  }
}

function analyzePartition(
  state: PartitionState,
  finalRead: boolean,
  nodeCopies: ReadonlyMap<string, NodeCopy>,
  examplesMax: number,
  own: Collector,
  total: Collector,
): PartitionVerdict {
  const add = (anomaly: Anomaly, example: () => AnomalyExample): void => {
    own.add(anomaly, example);
    total.add(anomaly, example);
  };
  const key = state.key;
  const sends = { invoked: state.sends.size, ok: 0, fail: 0, info: 0, pending: 0 };
  let unknownRead = 0;
  /** offset → the first value acknowledged there. */
  const ackAt = new Map<number, SendState>();
  /** producer → offset of its last acknowledged send, in invoke order. */
  const lastOffsetByProducer = new Map<string, SendState>();
  /** Acknowledged values read, but never at their acknowledged offset. */
  const misplaced: { send: SendState; read: ReadState }[] = [];

  for (const send of state.sends.values()) {
    sends[send.outcome] += 1;
    const read = state.reads.get(send.value);
    if (send.outcome === 'pending' || send.outcome === 'info') {
      if (read) unknownRead += 1;
      add(Anomaly.Unknown, () => ({
        partition: key,
        values: [send.value],
        offsets: read ? readOffsets(read) : [],
        times: Number.isNaN(send.doneTime) ? [send.invokeTime] : [send.invokeTime, send.doneTime],
        process: send.process,
        note: read ? 'read: it was written' : 'not read',
      }));
      continue;
    }
    if (send.outcome === 'fail') {
      if (read) {
        add(Anomaly.G1a, () => ({
          partition: key,
          values: [send.value],
          offsets: readOffsets(read),
          times: [send.invokeTime, send.doneTime, read.time],
          process: send.process,
          note: 'send failed, value read',
        }));
      }
      continue;
    }

    // Acknowledged.
    const offset = send.ackOffset;
    if (!read) {
      const lost = finalRead || offset <= state.maxReadOffset;
      add(lost ? Anomaly.Lost : Anomaly.Unseen, () => ({
        partition: key,
        values: [send.value],
        offsets: [offset],
        times: [send.invokeTime, send.doneTime],
        process: send.process,
        note: lost
          ? finalRead ? 'acknowledged, absent from the final read' : `acknowledged, never read; reads reached offset ${state.maxReadOffset}`
          : `acknowledged at an offset above every read (${state.maxReadOffset})`,
      }));
    } else {
      if (read.offset !== offset && !(read.others?.some((other) => other.offset === offset) ?? false)) misplaced.push({ send, read });
      for (const [process, { node, partitions }] of nodeCopies) {
        if (partitions?.has(state.partition) === false) continue; // not a replica of it
        if (state.nodeReads.get(process)?.has(send.value) === true) continue;
        add(Anomaly.LostOnNode, () => ({
          partition: key,
          values: [send.value],
          offsets: [offset],
          times: [send.invokeTime, send.doneTime],
          process,
          note: `acknowledged and read elsewhere, but absent from node ${node}'s whole copy`,
        }));
      }
    }
    const acked = ackAt.get(offset);
    if (!acked) ackAt.set(offset, send);
    else state.noteConflict(offset, acked.value, acked.doneTime, send.value, send.doneTime);
    const readThere = state.readAt.get(offset);
    if (readThere !== undefined && readThere !== send.value) {
      state.noteConflict(offset, readThere, state.readTime(readThere, offset), send.value, send.doneTime);
    }

    const previous = lastOffsetByProducer.get(send.producer);
    if (previous && offset <= previous.ackOffset) {
      add(Anomaly.NonmonotonicSend, () => ({
        partition: key,
        values: [previous.value, send.value],
        offsets: [previous.ackOffset, offset],
        times: [previous.invokeTime, send.invokeTime],
        process: send.process,
        note: `producer ${send.producer} sent ${previous.value} first`,
      }));
    }
    lastOffsetByProducer.set(send.producer, send);
  }

  for (const [value, read] of state.reads) {
    if (!state.sends.has(value)) {
      add(Anomaly.Unexpected, () => ({
        partition: key,
        values: [value],
        offsets: readOffsets(read),
        times: [read.time],
        note: 'read, never sent to this partition',
      }));
    }
    if (read.others !== null) {
      const others = read.others;
      add(Anomaly.Duplicated, () => ({
        partition: key,
        values: [value],
        offsets: readOffsets(read),
        times: [read.time, ...others.map((other) => other.time)],
      }));
    }
  }

  for (const [offset, values] of state.conflicts) {
    add(Anomaly.InconsistentOffsets, () => ({
      partition: key,
      values: [...values.keys()],
      offsets: [offset],
      times: [...values.values()],
      note: `${values.size} different values at one offset`,
    }));
  }
  for (const { send, read } of misplaced) {
    if (state.conflicts.has(send.ackOffset)) continue; // already counted at that offset
    add(Anomaly.InconsistentOffsets, () => ({
      partition: key,
      values: [send.value],
      offsets: [send.ackOffset, ...readOffsets(read)],
      times: [send.doneTime, read.time],
      process: send.process,
      note: `acknowledged at offset ${send.ackOffset}, read at ${readOffsets(read).join(', ')}`,
    }));
  }

  if (state.skipCandidates.length > 0) {
    const offsets = Float64Array.from(state.readAt.keys()).sort();
    for (const skip of state.skipCandidates) {
      const skipped = upperBound(offsets, skip.fromOffset);
      const resumed = lowerBound(offsets, skip.toOffset);
      if (resumed - skipped <= 0) continue; // nobody read anything in between
      add(Anomaly.PollSkip, () => ({
        partition: key,
        values: [],
        offsets: [skip.fromOffset, skip.toOffset],
        times: [skip.time],
        process: skip.process,
        note: `skipped ${resumed - skipped} offset(s) other polls read`,
      }));
    }
  }
  for (const example of state.nonmonotonicPolls) {
    own.examples[Anomaly.NonmonotonicPoll].push(example);
    if (total.examples[Anomaly.NonmonotonicPoll].length < examplesMax) total.examples[Anomaly.NonmonotonicPoll].push(example);
  }
  own.counts[Anomaly.NonmonotonicPoll] += state.nonmonotonicPollCount;
  total.counts[Anomaly.NonmonotonicPoll] += state.nonmonotonicPollCount;

  return {
    key,
    topic: state.topic,
    partition: state.partition,
    counts: own.counts,
    examples: own.examples,
    sends,
    unknownRead,
    valuesRead: state.reads.size,
    maxReadOffset: state.maxReadOffset,
    finalRead,
  };
}

const readOffsets = (read: ReadState): number[] =>
  read.others === null ? [read.offset] : [read.offset, ...read.others.map((other) => other.offset)];

/** Index of the first element greater than `target` in an ascending array. */
function upperBound(sorted: Float64Array, target: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element not less than `target` in an ascending array. */
function lowerBound(sorted: Float64Array, target: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The value at quantile `q` of an ascending array (nearest rank), or null when empty. */
export function quantile(sorted: ArrayLike<number>, q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

function latencySummary(states: readonly PartitionState[]): LatencySummary {
  let okCount = 0;
  for (const state of states) for (const send of state.sends.values()) if (send.outcome === 'ok') okCount += 1;
  const latencies = new Float64Array(okCount);
  let i = 0;
  for (const state of states) {
    for (const send of state.sends.values()) if (send.outcome === 'ok') latencies[i++] = send.doneTime - send.invokeTime;
  }
  latencies.sort();
  return {
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    maxMs: latencies.length === 0 ? null : latencies[latencies.length - 1]!,
  };
}

/**
 * Fault windows in order of their start. A start pairs with the next end of the same name and
 * target; a start with no end is closed at the end of the history.
 */
export function faultWindows(history: readonly HistoryEvent[]): FaultWindow[] {
  const open = new Map<string, FaultEvent[]>();
  const windows: FaultWindow[] = [];
  let lastTime = 0;
  for (const event of history) {
    if (event.time > lastTime) lastTime = event.time;
    if (event.type !== 'fault') continue;
    const key = `${event.name}\u0000${event.target ?? ''}`;
    if (event.phase === 'start') {
      const starts = open.get(key);
      if (starts) starts.push(event);
      else open.set(key, [event]);
      continue;
    }
    const start = open.get(key)?.shift();
    if (!start) continue; // an end without a start: nothing to draw
    windows.push(window(start, event.time, true));
  }
  for (const starts of open.values()) for (const start of starts) windows.push(window(start, lastTime, false));
  return windows.sort((a, b) => a.startMs - b.startMs);
}

function window(start: FaultEvent, endMs: number, ended: boolean): FaultWindow {
  return start.target === undefined
    ? { name: start.name, startMs: start.time, endMs, ended }
    : { name: start.name, target: start.target, startMs: start.time, endMs, ended };
}

/**
 * Leader changes: a leader event naming a leader other than the partition's previous one, or
 * the same node in a new term (a re-election). A partition's first leader is not a change, and
 * neither is an event saying there is no leader.
 */
export function leaderChanges(history: readonly HistoryEvent[]): LeaderChange[] {
  const current = new Map<string, LeaderEvent>();
  const changes: LeaderChange[] = [];
  for (const event of history) {
    if (event.type !== 'leader' || event.leader === null) continue;
    const key = event.topic === undefined ? String(event.partition) : `${event.topic}/${event.partition}`;
    const previous = current.get(key);
    current.set(key, event);
    if (!previous) continue;
    if (previous.leader === event.leader && previous.term === event.term) continue;
    changes.push({ time: event.time, partition: key, from: previous.leader, to: event.leader, term: event.term });
  }
  return changes;
}

function availability(
  history: readonly HistoryEvent[],
  states: readonly PartitionState[],
  okSends: number,
): Availability {
  let firstInvoke = Infinity;
  let lastDone = -Infinity;
  for (const state of states) {
    for (const send of state.sends.values()) {
      if (send.invokeTime < firstInvoke) firstInvoke = send.invokeTime;
      if (send.doneTime > lastDone) lastDone = send.doneTime;
    }
  }
  const sendSpanMs = lastDone - firstInvoke;
  // Per partition: acknowledged sends by invoke time, with the earliest ok time over each suffix,
  // so "first ack of a send invoked at or after t" is one binary search.
  const series = states.map((state) => {
    const acked: SendState[] = [];
    let lastInvokeTime = -Infinity;
    for (const send of state.sends.values()) {
      if (send.invokeTime > lastInvokeTime) lastInvokeTime = send.invokeTime;
      if (send.outcome === 'ok') acked.push(send);
    }
    if (!isSortedByInvokeTime(acked)) acked.sort((a, b) => a.invokeTime - b.invokeTime);
    const invokeTimes = Float64Array.from(acked, (send) => send.invokeTime);
    const firstOkFrom = new Float64Array(acked.length + 1).fill(Infinity);
    for (let i = acked.length - 1; i >= 0; i--) firstOkFrom[i] = Math.min(acked[i]!.doneTime, firstOkFrom[i + 1]!);
    const okTimes = Float64Array.from(acked, (send) => send.doneTime).sort();
    return { key: state.key, invokeTimes, firstOkFrom, okTimes, lastInvokeTime };
  });

  const faults = faultWindows(history).map((fault): FaultAvailability => {
    const partitions: Record<string, number | null> = {};
    let worst = -Infinity;
    let recovered = true;
    let affected = 0;
    for (const { key, invokeTimes, firstOkFrom, lastInvokeTime } of series) {
      if (lastInvokeTime < fault.startMs) continue; // no traffic after the fault: nothing to say
      affected += 1;
      const firstOk = firstOkFrom[lowerBound(invokeTimes, fault.startMs)]!;
      if (firstOk === Infinity) {
        partitions[key] = null;
        recovered = false;
        continue;
      }
      partitions[key] = firstOk - fault.startMs;
      worst = Math.max(worst, firstOk - fault.startMs);
    }
    recovered &&= affected > 0;
    let longestGap = 0;
    for (const { okTimes, lastInvokeTime } of series) {
      if (lastInvokeTime < fault.startMs) continue;
      longestGap = Math.max(longestGap, longestGapIn(okTimes, lastInvokeTime, fault.startMs, fault.endMs + AFTER_FAULT_MS));
    }
    return { ...fault, unavailableMs: recovered ? worst : null, recovered, partitions, longestGapMs: recovered ? longestGap : null };
  });

  const recoveredTimes = Float64Array.from(
    faults.filter((fault) => fault.unavailableMs !== null),
    (fault) => fault.unavailableMs!,
  ).sort();
  return {
    faults,
    unavailableMsMax: recoveredTimes.length === 0 ? null : recoveredTimes[recoveredTimes.length - 1]!,
    unavailableMsMedian: quantile(recoveredTimes, 0.5),
    unrecoveredFaults: faults.filter((fault) => !fault.recovered).length,
    leaderChanges: leaderChanges(history).length,
    okSendsPerSecond: sendSpanMs > 0 ? okSends / (sendSpanMs / 1000) : 0,
  };
}

/**
 * The longest stretch without an acknowledgement that starts in [fromMs, toMs): from `fromMs` or
 * an acknowledgement before `toMs` to the next acknowledgement. When none follows, the stretch
 * counts up to the last send invoked (traffic that stopped is not unavailability).
 */
function longestGapIn(okTimes: Float64Array, lastInvokeTime: number, fromMs: number, toMs: number): number {
  let previous = fromMs;
  let longest = 0;
  for (let i = upperBound(okTimes, fromMs); i < okTimes.length; i++) {
    const time = okTimes[i]!;
    longest = Math.max(longest, time - previous);
    if (time >= toMs) return longest;
    previous = time;
  }
  return Math.max(longest, lastInvokeTime - previous);
}

function isSortedByInvokeTime(sends: readonly SendState[]): boolean {
  for (let i = 1; i < sends.length; i++) if (sends[i]!.invokeTime < sends[i - 1]!.invokeTime) return false;
  return true;
}

/** One bucket of the timeline. */
export interface TimelineBucket {
  readonly startMs: number;
  /** Sends acknowledged within the bucket, by ok time. */
  readonly okSends: number;
  /** Latency of those sends; null for an empty bucket. */
  readonly latencyP50Ms: number | null;
  readonly latencyP99Ms: number | null;
}

/** The series the report plots: throughput and latency per bucket, faults, leader changes. */
export interface Timeline {
  readonly bucketMs: number;
  readonly durationMs: number;
  readonly buckets: readonly TimelineBucket[];
  readonly faults: readonly FaultWindow[];
  readonly leaderChanges: readonly LeaderChange[];
}

/**
 * Derives the timeline from a history: acknowledged sends per bucket (by ok time, so it shows
 * when writes were acknowledged) and their p50/p99 latency, fault windows and leader changes.
 */
export function computeTimeline(history: readonly HistoryEvent[], options: { bucketMs?: number } = {}): Timeline {
  const bucketMs = options.bucketMs ?? 1000;
  const invokeTimes = new Map<string, number>();
  const latencies: number[][] = [];
  let durationMs = 0;
  for (const event of history) {
    if (event.time > durationMs) durationMs = event.time;
    if (event.type === 'fault' || event.type === 'leader' || event.f !== 'send') continue;
    if (event.type === 'invoke') {
      invokeTimes.set(event.process, event.time);
      continue;
    }
    const invokeTime = invokeTimes.get(event.process);
    invokeTimes.delete(event.process);
    if (event.type !== 'ok' || invokeTime === undefined) continue;
    const index = Math.floor(event.time / bucketMs);
    (latencies[index] ??= []).push(event.time - invokeTime);
  }
  const bucketCount = Math.max(1, Math.ceil(durationMs / bucketMs));
  const buckets: TimelineBucket[] = [];
  for (let i = 0; i < Math.max(bucketCount, latencies.length); i++) {
    const sorted = Float64Array.from(latencies[i] ?? []).sort();
    buckets.push({
      startMs: i * bucketMs,
      okSends: sorted.length,
      latencyP50Ms: quantile(sorted, 0.5),
      latencyP99Ms: quantile(sorted, 0.99),
    });
  }
  return { bucketMs, durationMs, buckets, faults: faultWindows(history), leaderChanges: leaderChanges(history) };
}
