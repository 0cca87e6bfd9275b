import { Anomaly, zeroOutcomes, type AnomalyExample, type OutcomeCounts, type OutcomeTally } from './anomaly.js';
import type {
  CommitEvent,
  ConsumeEvent,
  DeliverEvent,
  OffsetsEvent,
  PartitionOffset,
  SettleEvent,
  SubscriptionEvent,
  SubscriptionPartition,
} from './history.js';

// The checks of the consumer-group and queue-subscription workloads. The checker pairs each
// invoke with its completion and hands both here; after the whole history, check() asks for the
// anomalies of each partition (with the partition's acknowledged sends) and for the summaries.

/** What these checks need of an acknowledged send. */
export interface AckedSend {
  readonly value: string;
  readonly offset: number;
  readonly invokeTime: number;
  readonly doneTime: number;
  readonly process: string;
}

/** Adds one anomaly of the partition being analysed. */
export type AddAnomaly = (anomaly: Anomaly, example: () => AnomalyExample) => void;

/** What the checker found out about one consumer group on one topic. */
export interface GroupVerdict {
  readonly group: string;
  readonly topic: string;
  /** Records members reported consuming, counting each time. */
  readonly consumed: number;
  /** Distinct records (partition, offset) consumed. */
  readonly distinct: number;
  /** Records consumed more than once: at-least-once delivery at work (after a rebalance, a
   *  member resumes from the committed offset), not an anomaly. */
  readonly processedTwice: number;
  readonly consumes: OutcomeCounts;
  readonly commits: OutcomeCounts;
  readonly offsetReads: OutcomeCounts;
  /** The committed offsets and high watermarks of the last final read, or null if none. */
  readonly final: { readonly offsets: readonly PartitionOffset[]; readonly endOffsets: readonly PartitionOffset[] } | null;
}

/** What the checker found out about one queue subscription on one topic. */
export interface QueueVerdict {
  readonly subscription: string;
  readonly topic: string;
  /** Records handed to members (ok deliveries), counting each time. */
  readonly deliveries: OutcomeCounts;
  /** Deliveries with a delivery count above 1. */
  readonly redeliveries: number;
  /** Distinct records (partition, offset) delivered. */
  readonly distinct: number;
  readonly acks: OutcomeCounts;
  readonly nacks: OutcomeCounts;
  readonly describes: OutcomeCounts;
  /** Records the subscription dead-lettered, per its last final description; null if none. */
  readonly deadLettered: number | null;
  /** The last final description, or null. */
  readonly final: readonly SubscriptionPartition[] | null;
}

type GroupOp = ConsumeEvent | CommitEvent | OffsetsEvent;
type QueueOp = DeliverEvent | SettleEvent | SubscriptionEvent;
type Completion<E> = Exclude<E, { type: 'invoke' }>;

/** A committed offset of one partition, as committed or read back; -1 for none. */
interface OffsetObservation {
  readonly invokeTime: number;
  readonly doneTime: number;
  readonly offset: number;
  readonly process: string;
  readonly what: 'commit' | 'read';
}

interface OffsetRead {
  readonly invokeTime: number;
  readonly doneTime: number;
  readonly process: string;
  readonly offsets: ReadonlyMap<number, number>;
}

class GroupState {
  readonly consumes = zeroOutcomes();
  readonly commits = zeroOutcomes();
  readonly offsetReads = zeroOutcomes();
  consumed = 0;
  /** partition → offset → times consumed. */
  readonly consumedAt = new Map<number, Map<number, number>>();
  /** partition → values consumed. */
  readonly values = new Map<number, Set<string>>();
  /** partition → acknowledged commits of it. */
  readonly commitsOf = new Map<number, OffsetObservation[]>();
  readonly reads: OffsetRead[] = [];
  final: { readonly offsets: ReadonlyMap<number, number>; readonly endOffsets: ReadonlyMap<number, number>; readonly time: number } | null = null;

  constructor(
    readonly topic: string,
    readonly group: string,
  ) {}
}

interface Delivery {
  readonly member: string;
  readonly count: number;
  readonly invokeTime: number;
  readonly doneTime: number;
}

interface Ack {
  readonly member: string;
  readonly count: number;
  readonly invokeTime: number;
  readonly doneTime: number;
  readonly process: string;
}

class QueueRecord {
  /** In completion order. */
  readonly deliveries: Delivery[] = [];
  /** Acks the broker applied. */
  readonly acks: Ack[] = [];
  /** An ack of unknown outcome: it may have settled the record. */
  ackUnknown = false;
}

class SubscriptionState {
  readonly deliveries = zeroOutcomes();
  readonly acks = zeroOutcomes();
  readonly nacks = zeroOutcomes();
  readonly describes = zeroOutcomes();
  redeliveries = 0;
  /** partition → offset → what happened to the record. */
  readonly records = new Map<number, Map<number, QueueRecord>>();
  final: readonly SubscriptionPartition[] | null = null;

  constructor(
    readonly topic: string,
    readonly subscription: string,
  ) {}

  record(partition: number, offset: number): QueueRecord {
    let byOffset = this.records.get(partition);
    if (byOffset === undefined) this.records.set(partition, (byOffset = new Map()));
    let record = byOffset.get(offset);
    if (record === undefined) byOffset.set(offset, (record = new QueueRecord()));
    return record;
  }
}

const tally = (counts: OutcomeTally, type: 'ok' | 'fail' | 'info'): void => {
  counts[type] += 1;
};

/**
 * Collects the group and queue operations of a history and checks them: a group's committed
 * offsets never go back and reach the end after the drain, with every acknowledged send
 * consumed; a queue record acked is never delivered again, delivery counts go up, and every
 * acknowledged send is settled after the drain.
 */
export class ConsumerChecks {
  private readonly groups = new Map<string, GroupState>();
  private readonly subscriptions = new Map<string, SubscriptionState>();

  /** The partitions these operations touched, per topic, so the verdict lists them. */
  readonly partitions = new Map<string, Set<number>>();

  /** Takes an invoke of a group or queue operation. */
  invoked(event: GroupOp | QueueOp): void {
    if (event.f === 'consume' || event.f === 'commit' || event.f === 'offsets') {
      const group = this.group(event.topic, event.group);
      (event.f === 'consume' ? group.consumes : event.f === 'commit' ? group.commits : group.offsetReads).invoked += 1;
      return;
    }
    const sub = this.subscription(event.topic, event.subscription);
    (event.f === 'deliver' ? sub.deliveries : event.f === 'ack' ? sub.acks : event.f === 'nack' ? sub.nacks : sub.describes).invoked += 1;
  }

  /** Takes an operation that never completed. */
  unfinished(event: GroupOp | QueueOp): void {
    if (event.f === 'consume' || event.f === 'commit' || event.f === 'offsets') {
      const group = this.group(event.topic, event.group);
      (event.f === 'consume' ? group.consumes : event.f === 'commit' ? group.commits : group.offsetReads).pending += 1;
      return;
    }
    const sub = this.subscription(event.topic, event.subscription);
    (event.f === 'deliver' ? sub.deliveries : event.f === 'ack' ? sub.acks : event.f === 'nack' ? sub.nacks : sub.describes).pending += 1;
  }

  /** Takes a completion with its invoke; returns a problem with the pair, or null. */
  completed(invoke: GroupOp | QueueOp, event: GroupOp | QueueOp): string | null {
    if (event.type === 'invoke') return 'an invoke is not a completion';
    switch (invoke.f) {
      case 'consume':
      case 'commit':
      case 'offsets':
        return this.groupCompleted(invoke, event as Completion<GroupOp>);
      default:
        return this.queueCompleted(invoke, event as Completion<QueueOp>);
    }
  }

  private groupCompleted(invoke: GroupOp, event: Completion<GroupOp>): string | null {
    if (event.f !== invoke.f || event.group !== invoke.group || event.topic !== invoke.topic) {
      return `${event.type} of ${event.f} on ${event.topic}/${event.group} does not match its invoke`;
    }
    const group = this.group(invoke.topic, invoke.group);
    switch (event.f) {
      case 'consume': {
        tally(group.consumes, event.type);
        if (event.type !== 'ok') return null;
        for (const record of event.records) {
          group.consumed += 1;
          this.touch(invoke.topic, record.partition);
          let counts = group.consumedAt.get(record.partition);
          if (counts === undefined) group.consumedAt.set(record.partition, (counts = new Map()));
          counts.set(record.offset, (counts.get(record.offset) ?? 0) + 1);
          let values = group.values.get(record.partition);
          if (values === undefined) group.values.set(record.partition, (values = new Set()));
          values.add(record.value);
        }
        return null;
      }
      case 'commit': {
        tally(group.commits, event.type);
        if (event.type !== 'ok') return null;
        for (const { partition, offset } of event.offsets) {
          this.touch(invoke.topic, partition);
          let list = group.commitsOf.get(partition);
          if (list === undefined) group.commitsOf.set(partition, (list = []));
          list.push({ invokeTime: invoke.time, doneTime: event.time, offset, process: event.process, what: 'commit' });
        }
        return null;
      }
      case 'offsets': {
        tally(group.offsetReads, event.type);
        if (event.type !== 'ok') return null;
        const offsets = new Map(event.offsets.map((o) => [o.partition, o.offset]));
        for (const partition of offsets.keys()) this.touch(invoke.topic, partition);
        group.reads.push({ invokeTime: invoke.time, doneTime: event.time, process: event.process, offsets });
        if (event.final === true && event.endOffsets !== undefined) {
          for (const { partition } of event.endOffsets) this.touch(invoke.topic, partition);
          group.final = { offsets, endOffsets: new Map(event.endOffsets.map((o) => [o.partition, o.offset])), time: event.time };
        }
        return null;
      }
    }
  }

  private queueCompleted(invoke: QueueOp, event: Completion<QueueOp>): string | null {
    if (event.f !== invoke.f || event.subscription !== invoke.subscription || event.topic !== invoke.topic) {
      return `${event.type} of ${event.f} on ${event.topic}/${event.subscription} does not match its invoke`;
    }
    const sub = this.subscription(invoke.topic, invoke.subscription);
    switch (event.f) {
      case 'deliver': {
        tally(sub.deliveries, event.type);
        if (event.type !== 'ok') return null;
        this.touch(invoke.topic, event.partition);
        if (event.deliveryCount > 1) sub.redeliveries += 1;
        sub.record(event.partition, event.offset).deliveries.push({ member: event.process, count: event.deliveryCount, invokeTime: invoke.time, doneTime: event.time });
        return null;
      }
      case 'ack':
      case 'nack': {
        const settle = invoke as SettleEvent;
        if (event.partition !== settle.partition || event.offset !== settle.offset || event.deliveryCount !== settle.deliveryCount) {
          return `${event.type} of ${event.f} of ${event.partition}/${event.offset} (delivery ${event.deliveryCount}) completes one of ${settle.partition}/${settle.offset} (delivery ${settle.deliveryCount})`;
        }
        tally(event.f === 'ack' ? sub.acks : sub.nacks, event.type);
        if (event.f === 'nack' || event.type === 'fail') return null;
        this.touch(invoke.topic, event.partition);
        const record = sub.record(event.partition, event.offset);
        if (event.type === 'info') record.ackUnknown = true;
        else record.acks.push({ member: event.member, count: event.deliveryCount, invokeTime: invoke.time, doneTime: event.time, process: event.process });
        return null;
      }
      case 'subscription': {
        tally(sub.describes, event.type);
        if (event.type === 'ok' && event.final === true) {
          sub.final = event.partitions;
          for (const { partition } of event.partitions) this.touch(invoke.topic, partition);
        }
        return null;
      }
    }
  }

  /**
   * The anomalies of one partition: the group and queue rules. `acked` are the partition's
   * acknowledged sends; `key` is `topic/partition`, for the examples.
   */
  analyzePartition(topic: string, partition: number, key: string, acked: readonly AckedSend[], add: AddAnomaly): void {
    for (const group of this.groups.values()) {
      if (group.topic === topic) analyzeGroupPartition(group, partition, key, acked, add);
    }
    for (const sub of this.subscriptions.values()) {
      if (sub.topic === topic) analyzeQueuePartition(sub, partition, key, acked, add);
    }
  }

  /** Every group seen, by topic and name. */
  groupVerdicts(): GroupVerdict[] {
    return [...this.groups.values()]
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.group.localeCompare(b.group))
      .map((group) => {
        let distinct = 0;
        let processedTwice = 0;
        for (const counts of group.consumedAt.values()) {
          distinct += counts.size;
          for (const n of counts.values()) if (n > 1) processedTwice += 1;
        }
        const sorted = (offsets: ReadonlyMap<number, number>): PartitionOffset[] =>
          [...offsets].sort((a, b) => a[0] - b[0]).map(([partition, offset]) => ({ partition, offset }));
        return {
          group: group.group,
          topic: group.topic,
          consumed: group.consumed,
          distinct,
          processedTwice,
          consumes: group.consumes,
          commits: group.commits,
          offsetReads: group.offsetReads,
          final: group.final === null ? null : { offsets: sorted(group.final.offsets), endOffsets: sorted(group.final.endOffsets) },
        };
      });
  }

  /** Every queue subscription seen, by topic and name. */
  queueVerdicts(): QueueVerdict[] {
    return [...this.subscriptions.values()]
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.subscription.localeCompare(b.subscription))
      .map((sub) => {
        let distinct = 0;
        for (const byOffset of sub.records.values()) for (const record of byOffset.values()) if (record.deliveries.length > 0) distinct += 1;
        return {
          subscription: sub.subscription,
          topic: sub.topic,
          deliveries: sub.deliveries,
          redeliveries: sub.redeliveries,
          distinct,
          acks: sub.acks,
          nacks: sub.nacks,
          describes: sub.describes,
          deadLettered: sub.final === null ? null : sub.final.reduce((n, p) => n + p.deadLettered, 0),
          final: sub.final,
        };
      });
  }

  private group(topic: string, name: string): GroupState {
    const key = `${topic}\u0000${name}`;
    let group = this.groups.get(key);
    if (group === undefined) this.groups.set(key, (group = new GroupState(topic, name)));
    return group;
  }

  private subscription(topic: string, name: string): SubscriptionState {
    const key = `${topic}\u0000${name}`;
    let sub = this.subscriptions.get(key);
    if (sub === undefined) this.subscriptions.set(key, (sub = new SubscriptionState(topic, name)));
    return sub;
  }

  private touch(topic: string, partition: number): void {
    let set = this.partitions.get(topic);
    if (set === undefined) this.partitions.set(topic, (set = new Set()));
    set.add(partition);
  }
}

const describeOffset = (offset: number): string => (offset < 0 ? 'none' : String(offset));

/**
 * A group's committed offset of one partition is a register that only goes up: every
 * acknowledged commit and every read of it must be at least the value of any such operation
 * that completed before it began (operations that overlap are not ordered). Then, after the
 * drain, it must have reached the high watermark, and every acknowledged send must have been
 * consumed by some member.
 */
function analyzeGroupPartition(group: GroupState, partition: number, key: string, acked: readonly AckedSend[], add: AddAnomaly): void {
  const observations: OffsetObservation[] = [...(group.commitsOf.get(partition) ?? [])];
  for (const read of group.reads) {
    observations.push({ invokeTime: read.invokeTime, doneTime: read.doneTime, offset: read.offsets.get(partition) ?? -1, process: read.process, what: 'read' });
  }
  const byDone = [...observations].sort((a, b) => a.doneTime - b.doneTime);
  const byInvoke = [...observations].sort((a, b) => a.invokeTime - b.invokeTime);
  let highest: OffsetObservation | null = null;
  let next = 0;
  for (const op of byInvoke) {
    while (next < byDone.length && byDone[next]!.doneTime < op.invokeTime) {
      const done = byDone[next++]!;
      if (highest === null || done.offset > highest.offset) highest = done;
    }
    if (highest === null || op.offset >= highest.offset) continue;
    const before = highest;
    add(Anomaly.GroupOffsetRegressed, () => ({
      partition: key,
      values: [],
      offsets: [before.offset, op.offset],
      times: [before.doneTime, op.invokeTime, op.doneTime],
      process: op.process,
      note: `group ${group.group}: ${op.what === 'commit' ? 'committed' : 'read back'} ${describeOffset(op.offset)} after a ${before.what} of ${before.offset} by ${before.process} had completed`,
    }));
  }

  const final = group.final;
  if (final === null) return;
  const committed = final.offsets.get(partition) ?? 0;
  const endOffset = final.endOffsets.get(partition);
  if (endOffset !== undefined && committed < endOffset) {
    add(Anomaly.GroupBehind, () => ({
      partition: key,
      values: [],
      offsets: [committed, endOffset],
      times: [final.time],
      note: `group ${group.group}: committed offset ${describeOffset(final.offsets.get(partition) ?? -1)} after the drain, high watermark ${endOffset}`,
    }));
  }
  const values = group.values.get(partition);
  for (const send of acked) {
    if (values?.has(send.value) === true) continue;
    add(Anomaly.GroupUnconsumed, () => ({
      partition: key,
      values: [send.value],
      offsets: [send.offset],
      times: [send.invokeTime, send.doneTime],
      process: send.process,
      note: send.offset < committed
        ? `group ${group.group} committed past it (to ${committed}) without consuming it`
        : `group ${group.group} never consumed it; its committed offset stayed at ${describeOffset(final.offsets.get(partition) ?? -1)}`,
    }));
  }
}

/**
 * A queue record's deliveries against its acks and against each other, then (after the drain)
 * the subscription's final description against the partition's acknowledged sends.
 *
 * Why counts, not times, decide most of it: a delivery's lease happened before it was handed
 * out, possibly long before it was asked for (the client buffers leased records). But delivery
 * counts order leases: each lease of a record raises its count, and an ack names the count it
 * settles, which the broker refuses unless it is the record's latest lease. So an applied ack
 * of count d means no lease above d ever happened, and each count is handed out once. A
 * delivery with a lower count is an older lease, fine whenever it is handed out.
 */
function analyzeQueuePartition(sub: SubscriptionState, partition: number, key: string, acked: readonly AckedSend[], add: AddAnomaly): void {
  const records = sub.records.get(partition);
  for (const [offset, record] of records ?? []) {
    const flagged = new Set<Delivery>();
    for (const ack of record.acks) {
      const own = record.deliveries.find((d) => d.member === ack.member && d.count === ack.count);
      for (const delivery of record.deliveries) {
        if (delivery === own || flagged.has(delivery)) continue;
        const later = delivery.count > ack.count || (delivery.count === ack.count && delivery.invokeTime > ack.doneTime);
        if (!later) continue;
        flagged.add(delivery);
        add(Anomaly.QueueRedeliveredAfterAck, () => ({
          partition: key,
          values: [],
          offsets: [offset],
          times: [ack.invokeTime, ack.doneTime, delivery.invokeTime, delivery.doneTime],
          process: delivery.member,
          note: delivery.count > ack.count
            ? `subscription ${sub.subscription}: ${ack.process} acked delivery ${ack.count} (member ${ack.member}), yet ${delivery.member} was handed delivery ${delivery.count}: leased after the ack settled the record, or the ack should have been refused`
            : `subscription ${sub.subscription}: ${ack.process} acked delivery ${ack.count} (member ${ack.member}); ${delivery.member} asked later and was handed delivery ${delivery.count} again`,
        }));
      }
    }
    const byCount = new Map<number, Delivery>();
    const lastByMember = new Map<string, Delivery>();
    for (const delivery of record.deliveries) {
      const twin = byCount.get(delivery.count);
      const previous = lastByMember.get(delivery.member);
      lastByMember.set(delivery.member, delivery);
      if (twin === undefined) byCount.set(delivery.count, delivery);
      if (flagged.has(delivery)) continue;
      if (twin !== undefined) {
        add(Anomaly.QueueNonmonotonicDelivery, () => ({
          partition: key,
          values: [],
          offsets: [offset],
          times: [twin.doneTime, delivery.doneTime],
          process: delivery.member,
          note: `subscription ${sub.subscription}: delivery ${delivery.count} handed out twice, to ${twin.member} and to ${delivery.member}`,
        }));
      } else if (previous !== undefined && delivery.count < previous.count) {
        add(Anomaly.QueueNonmonotonicDelivery, () => ({
          partition: key,
          values: [],
          offsets: [offset],
          times: [previous.doneTime, delivery.doneTime],
          process: delivery.member,
          note: `subscription ${sub.subscription}: ${delivery.member} was handed delivery ${delivery.count} after delivery ${previous.count}`,
        }));
      }
    }
  }

  const final = sub.final;
  if (final === null) return;
  const described = final.find((p) => p.partition === partition);
  let flaggedSends = 0;
  for (const send of acked) {
    let note: string | null = null;
    if (described === undefined) {
      note = `subscription ${sub.subscription}: the final description has no partition ${partition}`;
    } else if (send.offset >= described.ackFloor) {
      note = `subscription ${sub.subscription}: unsettled after the drain (ack floor ${described.ackFloor}, high watermark ${described.highWatermark}, ${described.unacked} unacked)`;
    } else if (described.deadLettered === 0) {
      const record = records?.get(send.offset);
      if (record === undefined || (record.acks.length === 0 && !record.ackUnknown)) {
        note = `subscription ${sub.subscription}: settled (ack floor ${described.ackFloor}) although no ack of it was applied or of unknown outcome`;
      }
    }
    if (note === null) continue;
    flaggedSends += 1;
    const why = note;
    add(Anomaly.QueueUnacked, () => ({ partition: key, values: [send.value], offsets: [send.offset], times: [send.invokeTime, send.doneTime], process: send.process, note: why }));
  }
  if (flaggedSends === 0 && described !== undefined && (described.unacked > 0 || described.ackFloor < described.highWatermark)) {
    add(Anomaly.QueueUnacked, () => ({
      partition: key,
      values: [],
      offsets: [described.ackFloor, described.highWatermark],
      times: [],
      note: `subscription ${sub.subscription}: ack floor ${described.ackFloor} below high watermark ${described.highWatermark} after the drain (${described.unacked} unacked)`,
    }));
  }
}
