import type * as grpc from '@grpc/grpc-js';
import { HeraldError } from '@herald/protocol';
import type { Logger } from 'pino';
import type { HeraldNode } from '../node.js';
import type { Partition } from '../partition/partition.js';
import type { Receipt } from '../queue/queue-state.js';
import { groupName } from './group-service.js';
import { unary } from './services.js';
import { intInRange, invalid, topicName } from './validate.js';

// Request shapes as proto-loader delivers them (defaults filled, longs as numbers, enums as
// strings). Every field is validated before use.
interface ReceiveRequest {
  topic: string;
  partition: number;
  subscription: string;
  memberId: string;
  maxRecords: number;
  ackTimeoutMs: number;
  maxWaitMs: number;
  startPosition: string;
  orderedByKey: boolean;
}
interface SettleRequest {
  topic: string;
  partition: number;
  subscription: string;
  receipts: { offset: number; deliveryCount: number }[];
  delayMs: number;
  reject: boolean;
  ackTimeoutMs: number;
}

const PARTITION_MAX = 1023;
const RECORDS_DEFAULT = 100;
const RECORDS_MAX = 10_000;
const ACK_TIMEOUT_DEFAULT_MS = 30_000;
const ACK_TIMEOUT_MAX_MS = 12 * 3_600_000;
const DELAY_MAX_MS = 7 * 86_400_000;
const MEMBER_BYTES_MAX = 512;

const subscriptionName = (value: unknown) => groupName(value, 'subscription', 'subscription');

function ackTimeout(value: unknown): number {
  return intInRange(value, 'ack_timeout_ms', 100, ACK_TIMEOUT_MAX_MS, ACK_TIMEOUT_DEFAULT_MS);
}

function receipts(value: unknown): Receipt[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid('receipts', 'at least one receipt is required');
  if (value.length > RECORDS_MAX) throw invalid('receipts', `at most ${RECORDS_MAX.toLocaleString('en-US')} per call (got ${value.length.toLocaleString('en-US')})`);
  return value.map((r: { offset: unknown; deliveryCount: unknown }, i) => [
    intInRange(r.offset, `receipts[${i}].offset`, 0, Number.MAX_SAFE_INTEGER),
    intInRange(r.deliveryCount, `receipts[${i}].delivery_count`, 1, Number.MAX_SAFE_INTEGER),
  ]);
}

/** QueueService (proto/herald/v1/queues.proto): per-message acknowledgement on the log. Every call
 *  but the two admin ones goes to the partition's leader. */
export function queueService(node: HeraldNode, log: Logger): grpc.UntypedServiceImplementation {
  const locate = (req: { topic: string; partition: number }): Partition =>
    node.partition(topicName(req.topic), intInRange(req.partition, 'partition', 0, PARTITION_MAX)).partition;

  const settle = (method: string, type: 'QueueAck' | 'QueueNack' | 'QueueExtend') =>
    unary(node, log, method, async (req: SettleRequest) => {
      const partition = locate(req);
      const sub = subscriptionName(req.subscription);
      const list = receipts(req.receipts);
      const nowMs = Date.now();
      const outcome = await partition.queues.settle(
        type === 'QueueAck'
          ? { type, sub, receipts: list }
          : type === 'QueueNack'
            ? { type, sub, receipts: list, nowMs, delayMs: intInRange(req.delayMs, 'delay_ms', 0, DELAY_MAX_MS), reject: req.reject === true }
            : { type, sub, receipts: list, nowMs, untilMs: nowMs + ackTimeout(req.ackTimeoutMs) },
      );
      node.metrics.queueSettled.inc({ topic: partition.settings.topic, subscription: sub, kind: type === 'QueueNack' && req.reject ? 'reject' : type.slice(5).toLowerCase() }, outcome.applied.length);
      return { refused: outcome.refused.map((r) => ({ offset: r.offset, reason: r.why })) };
    });

  return {
    receive: unary(node, log, 'Receive', async (req: ReceiveRequest, call) => {
      const partition = locate(req);
      const subscription = subscriptionName(req.subscription);
      if (typeof req.memberId !== 'string' || Buffer.byteLength(req.memberId) > MEMBER_BYTES_MAX) throw invalid('member_id', `must be text of at most ${MEMBER_BYTES_MAX} bytes`);
      let start: 'earliest' | 'latest';
      if (req.startPosition === 'START_POSITION_EARLIEST') start = 'earliest';
      else if (req.startPosition === 'START_POSITION_LATEST' || req.startPosition === 'START_POSITION_UNSPECIFIED') start = 'latest';
      else throw invalid('start_position', `a subscription starts at START_POSITION_EARLIEST or START_POSITION_LATEST (got ${String(req.startPosition)})`);
      const abort = new AbortController();
      call.on('cancelled', () => abort.abort());
      const leased = await partition.queues.receive({
        subscription,
        member: req.memberId,
        maxRecords: intInRange(req.maxRecords, 'max_records', 1, RECORDS_MAX, RECORDS_DEFAULT),
        ackTimeoutMs: ackTimeout(req.ackTimeoutMs),
        maxWaitMs: Math.min(intInRange(req.maxWaitMs, 'max_wait_ms', 0, 3_600_000), node.config.limits.fetchMaxWaitMs),
        start,
        orderedByKey: req.orderedByKey === true,
        signal: abort.signal,
      });
      const redelivered = leased.filter((r) => r.deliveryCount > 1).length;
      node.metrics.queueDelivered.inc({ topic: partition.settings.topic, subscription, kind: 'first' }, leased.length - redelivered);
      node.metrics.queueDelivered.inc({ topic: partition.settings.topic, subscription, kind: 'redelivery' }, redelivered);
      return {
        messages: leased.map((r) => ({
          offset: r.offset,
          timestampMs: r.timestampMs,
          key: r.key ?? undefined,
          value: r.value ?? undefined,
          headers: r.headers,
          deliveryCount: r.deliveryCount,
          ackDeadlineMs: r.ackDeadlineMs,
        })),
      };
    }),
    ack: settle('Ack', 'QueueAck'),
    nack: settle('Nack', 'QueueNack'),
    extend: settle('Extend', 'QueueExtend'),

    describeSubscriptions: unary(node, log, 'DescribeSubscriptions', async (req: { topic: string; subscription: string }) => {
      const name = topicName(req.topic);
      const only = req.subscription === '' ? undefined : subscriptionName(req.subscription);
      if (node.meta.state.topic(name) === undefined) throw node.meta.unknownTopicError(name);
      const out = new Map<string, { name: string; orderedByKey: boolean; partitions: object[] }>();
      const now = Date.now();
      for (const { topic, partition } of node.hostedPartitions()) {
        // A new leader still applying its log may not know every subscription yet: it does not answer.
        if (topic.name !== name || !partition.isCurrentLeader()) continue;
        for (const [subName, sub] of partition.state.queues.subscriptions) {
          if (only !== undefined && subName !== only) continue;
          let entry = out.get(subName);
          if (entry === undefined) out.set(subName, (entry = { name: subName, orderedByKey: sub.orderedByKey, partitions: [] }));
          let settledAbove = 0;
          let leased = 0;
          const members = new Set<string>();
          for (const d of sub.records.values()) {
            if (d.state === 'settled') settledAbove++;
            else if (d.state === 'leased' && d.untilMs > now) {
              leased++;
              members.add(d.member);
            }
          }
          entry.partitions.push({
            partition: partition.settings.partition,
            ackFloor: sub.floor,
            highWatermark: partition.highWatermark,
            unacked: Math.max(0, partition.highWatermark - sub.floor - settledAbove),
            leased,
            acked: sub.acked,
            redelivered: sub.redelivered,
            deadLettered: sub.deadLettered,
            members: [...members].sort(),
          });
        }
      }
      if (only !== undefined && out.size === 0) throw new HeraldError('SubscriptionNotFound', `subscription "${only}" does not exist on the partitions of "${name}" led by node ${node.nodeId}`);
      return { subscriptions: [...out.values()] };
    }),

    deleteSubscription: unary(node, log, 'DeleteSubscription', async (req: { topic: string; subscription: string }) => {
      const name = topicName(req.topic);
      const sub = subscriptionName(req.subscription);
      if (node.meta.state.topic(name) === undefined) throw node.meta.unknownTopicError(name);
      let partitions = 0;
      for (const { topic, partition } of node.hostedPartitions()) {
        if (topic.name !== name || partition.group.raft.status().role !== 'leader') continue;
        if (await partition.queues.delete(sub)) partitions++;
      }
      return { partitions };
    }),
  };
}
