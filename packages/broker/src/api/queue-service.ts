import type * as grpc from '@grpc/grpc-js';
import { invalidArgument } from '@herald/protocol';
import type { Logger } from 'pino';
import {
  QUEUE_ACK_TIMEOUT_DEFAULT_MS,
  QUEUE_ACK_TIMEOUT_MAX_MS,
  QUEUE_ACK_TIMEOUT_MIN_MS,
  QUEUE_MEMBER_BYTES_MAX,
  QUEUE_NACK_DELAY_MAX_MS,
  QUEUE_RECORDS_DEFAULT,
  QUEUE_RECORDS_MAX,
  WAIT_MS_MAX,
} from '../limits.js';
import type { HeraldNode } from '../node.js';
import type { Partition } from '../partition/partition.js';
import type { Receipt } from '../queue/queue-state.js';
import { deleteSubscription, describeSubscriptions } from '../queues.js';
import { groupName } from './group-service.js';
import { partitionId, unary } from './services.js';
import { intInRange, topicName } from './validate.js';

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

const subscriptionName = (value: unknown) => groupName(value, 'subscription', 'subscription');

function ackTimeout(value: unknown): number {
  return intInRange(value, 'ack_timeout_ms', QUEUE_ACK_TIMEOUT_MIN_MS, QUEUE_ACK_TIMEOUT_MAX_MS, QUEUE_ACK_TIMEOUT_DEFAULT_MS);
}

function receipts(value: unknown): Receipt[] {
  if (!Array.isArray(value) || value.length === 0) throw invalidArgument('receipts', 'at least one receipt is required');
  if (value.length > QUEUE_RECORDS_MAX) throw invalidArgument('receipts', `at most ${QUEUE_RECORDS_MAX.toLocaleString('en-US')} per call (got ${value.length.toLocaleString('en-US')})`);
  return value.map((r: { offset: unknown; deliveryCount: unknown }, i) => [
    intInRange(r.offset, `receipts[${i}].offset`, 0, Number.MAX_SAFE_INTEGER),
    intInRange(r.deliveryCount, `receipts[${i}].delivery_count`, 1, Number.MAX_SAFE_INTEGER),
  ]);
}

/** QueueService (proto/herald/v1/queues.proto): per-message acknowledgement on the log. Every call
 *  but the two admin ones goes to the partition's leader. */
export function queueService(node: HeraldNode, log: Logger): grpc.UntypedServiceImplementation {
  const locate = (req: { topic: string; partition: number }): Partition => node.partition(topicName(req.topic), partitionId(req.partition)).partition;

  const settle = (method: string, kind: 'ack' | 'nack' | 'extend') =>
    unary(node, log, method, async (req: SettleRequest, _call, ctx) => {
      const sub = subscriptionName(req.subscription);
      ctx.authorize('read', 'queue', sub);
      ctx.authorize('read', 'topic', topicName(req.topic));
      const partition = locate(req);
      const list = receipts(req.receipts);
      const queues = partition.leader.queues;
      const outcome =
        kind === 'ack'
          ? await queues.ack(sub, list)
          : kind === 'nack'
            ? await queues.nack(sub, list, { delayMs: intInRange(req.delayMs, 'delay_ms', 0, QUEUE_NACK_DELAY_MAX_MS), reject: req.reject === true })
            : await queues.extend(sub, list, ackTimeout(req.ackTimeoutMs));
      node.metrics.queueSettled.inc({ topic: partition.settings.topic, subscription: sub, kind: kind === 'nack' && req.reject ? 'reject' : kind }, outcome.applied.length);
      return { refused: outcome.refused.map((r) => ({ offset: r.offset, reason: r.why, deliveryCount: r.deliveries })) };
    });

  return {
    receive: unary(node, log, 'Receive', async (req: ReceiveRequest, call, ctx) => {
      const subscription = subscriptionName(req.subscription);
      ctx.authorize('read', 'queue', subscription);
      ctx.authorize('read', 'topic', topicName(req.topic));
      const partition = locate(req);
      if (typeof req.memberId !== 'string' || Buffer.byteLength(req.memberId) > QUEUE_MEMBER_BYTES_MAX) throw invalidArgument('member_id', `must be text of at most ${QUEUE_MEMBER_BYTES_MAX} bytes`);
      let start: 'earliest' | 'latest';
      if (req.startPosition === 'START_POSITION_EARLIEST') start = 'earliest';
      else if (req.startPosition === 'START_POSITION_LATEST' || req.startPosition === 'START_POSITION_UNSPECIFIED') start = 'latest';
      else throw invalidArgument('start_position', `a subscription starts at START_POSITION_EARLIEST or START_POSITION_LATEST (got ${String(req.startPosition)})`);
      const abort = new AbortController();
      call.on('cancelled', () => abort.abort());
      const leased = await partition.leader.queues.receive({
        subscription,
        member: req.memberId,
        maxRecords: intInRange(req.maxRecords, 'max_records', 1, QUEUE_RECORDS_MAX, QUEUE_RECORDS_DEFAULT),
        ackTimeoutMs: ackTimeout(req.ackTimeoutMs),
        maxWaitMs: Math.min(intInRange(req.maxWaitMs, 'max_wait_ms', 0, WAIT_MS_MAX), node.config.limits.fetchMaxWaitMs),
        start,
        orderedByKey: req.orderedByKey === true,
        signal: abort.signal,
      });
      ctx.count('fetch', leased.reduce((n, r) => n + (r.value?.byteLength ?? 0) + (r.key?.byteLength ?? 0), 0));
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
    ack: settle('Ack', 'ack'),
    nack: settle('Nack', 'nack'),
    extend: settle('Extend', 'extend'),

    describeSubscriptions: unary(node, log, 'DescribeSubscriptions', async (req: { topic: string; subscription: string }, _call, ctx) => {
      const only = req.subscription === '' ? undefined : subscriptionName(req.subscription);
      if (only !== undefined) ctx.authorize('describe', 'queue', only);
      const subscriptions = describeSubscriptions(node, topicName(req.topic), only).filter((s) => ctx.allows('describe', 'queue', s.name));
      return { subscriptions: subscriptions.map((s) => ({ ...s, partitions: s.partitions.map((p) => ({ ...p, members: [...p.members] })) })) };
    }),

    deleteSubscription: unary(node, log, 'DeleteSubscription', async (req: { topic: string; subscription: string }, _call, ctx) => {
      const subscription = subscriptionName(req.subscription);
      ctx.authorize('delete', 'queue', subscription);
      return { partitions: await deleteSubscription(node, topicName(req.topic), subscription) };
    }),
  };
}
