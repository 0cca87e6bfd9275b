import type * as grpc from '@grpc/grpc-js';
import { invalidArgument, tooManyStreams } from '@herald/protocol';
import type { Logger } from 'pino';
import { CHECK_STREAMS_MAX, GROUP_OFFSET_METADATA_BYTES_MAX, GROUP_OFFSETS_MAX, HALF_ID_MAX, PRODUCE_TIMEOUT_MS_MAX } from '../limits.js';
import type { HeraldNode } from '../node.js';
import type { HalfCheckMessage } from '../transactions/check-registry.js';
import { endHalf, listHalves, sendHalf } from '../transactions/half-messages.js';
import { TRANSACTION_TIMEOUT_MAX_MS, transactionalIdOf } from '../transactions/txn-coordinator.js';
import { CallContext } from './context.js';
import { toServiceError } from './errors.js';
import { groupName } from './group-service.js';
import { partitionId, unary } from './services.js';
import { bytes, intInRange, topicName } from './validate.js';

// Request shapes as proto-loader delivers them (defaults filled, longs as numbers, enums as
// strings). Every field is validated before use.
interface SendHalfRequest { topic: string; partition: number; id: string; producerGroup: string; batch: Buffer; timeoutMs: number }
interface EndHalfRequest { topic: string; partition: number; id: string; decision: string; timeoutMs: number; answersCheck: boolean }
interface ProducerFields { transactionalId: string; producerId: number; producerEpoch: number }
interface AddToTransactionRequest extends ProducerFields { partitions: { topic: string; partition: number }[]; groups: string[] }
interface CommitTransactionOffsetsRequest extends ProducerFields { group: string; offsets: { topic: string; partition: number; offset: number; metadata: string }[] }

/** A transaction's default timeout (kafkajs's and the Java client's transaction.timeout.ms). */
const TRANSACTION_TIMEOUT_DEFAULT_MS = 60_000;
/** The most partitions or groups one AddToTransaction names. */
const TRANSACTION_ADD_MAX = 10_000;

/** The producer fields of a transactional request, checked. */
function producerOf(req: ProducerFields): { transactionalId: string; producerId: number; producerEpoch: number } {
  return {
    transactionalId: transactionalIdOf(req.transactionalId),
    producerId: intInRange(req.producerId, 'producer_id', 0, Number.MAX_SAFE_INTEGER),
    producerEpoch: intInRange(req.producerEpoch, 'producer_epoch', 0, 0x7fff),
  };
}

const HALF_ID = new RegExp(`^[a-zA-Z0-9._-]{1,${HALF_ID_MAX}}$`);

function halfId(value: unknown): string {
  if (typeof value !== 'string' || !HALF_ID.test(value)) {
    throw invalidArgument('id', `${JSON.stringify(String(value).slice(0, 200))} is not a half message id (1 to ${HALF_ID_MAX} characters of a-z, A-Z, 0-9, ".", "_", "-")`);
  }
  return value;
}

const producerGroup = (value: unknown) => groupName(value, 'producer_group', 'producer group');

function decision(value: unknown): boolean {
  if (value === 'HALF_DECISION_COMMIT') return true;
  if (value === 'HALF_DECISION_ROLLBACK') return false;
  throw invalidArgument('decision', `must be HALF_DECISION_COMMIT or HALF_DECISION_ROLLBACK (got ${String(value)})`);
}

/** TransactionService (proto/herald/v1/transactions.proto): half messages with check-back
 *  (SendHalf, EndHalf and ListHalves go to the partition's leader; WatchChecks to every node),
 *  and transactions across partitions (to the controller, node.transactions). */
export function transactionService(node: HeraldNode, log: Logger): grpc.UntypedServiceImplementation {
  const timeout = (value: unknown) => intInRange(value, 'timeout_ms', 1, PRODUCE_TIMEOUT_MS_MAX, node.config.limits.produceTimeoutMs);
  return {
    sendHalf: unary(node, log, 'SendHalf', async (req: SendHalfRequest, _call, ctx) => {
      const topic = topicName(req.topic);
      ctx.authorize('write', 'topic', topic);
      const request = { topic, partition: partitionId(req.partition), id: halfId(req.id), producerGroup: producerGroup(req.producerGroup), batch: bytes(req.batch, 'batch'), timeoutMs: timeout(req.timeoutMs) };
      const result = await sendHalf(node, request);
      ctx.count('produce', request.batch.byteLength);
      return result;
    }),

    endHalf: unary(node, log, 'EndHalf', async (req: EndHalfRequest, _call, ctx) => {
      const topic = topicName(req.topic);
      ctx.authorize('write', 'topic', topic);
      const result = await endHalf(node, { topic, partition: partitionId(req.partition), id: halfId(req.id), commit: decision(req.decision), answersCheck: req.answersCheck === true, timeoutMs: timeout(req.timeoutMs) });
      const committed = result.committed && result.baseOffset >= 0;
      return { baseOffset: result.baseOffset, lastOffset: committed ? result.baseOffset + result.recordCount - 1 : -1, recordCount: result.recordCount, duplicate: result.duplicate };
    }),

    listHalves: unary(node, log, 'ListHalves', async (req: { topic: string; includeDecided: boolean }, _call, ctx) => {
      const topic = topicName(req.topic);
      ctx.authorize('describe', 'topic', topic);
      const { partitions, halves } = listHalves(node, topic, req.includeDecided === true);
      return {
        partitions,
        halves: halves.map((h) =>
          h.state === 'pending'
            ? { partition: h.partition, id: h.id, producerGroup: h.producerGroup, state: h.state, recordCount: h.recordCount, createdMs: h.createdMs, checks: h.checks, lastCheckMs: h.lastCheckMs, decidedMs: 0, decidedBy: '', baseOffset: -1 }
            : { partition: h.partition, id: h.id, producerGroup: h.producerGroup, state: h.state, recordCount: h.recordCount, createdMs: h.createdMs, checks: h.checks, lastCheckMs: 0, decidedMs: h.decidedMs, decidedBy: h.by, baseOffset: h.baseOffset },
        ),
      };
    }),

    initTransactions: unary(node, log, 'InitTransactions', async (req: { transactionalId: string; timeoutMs: number }, _call, ctx) => {
      const transactionalId = transactionalIdOf(req.transactionalId);
      ctx.authorize('write', 'transactional-id', transactionalId);
      const timeoutMs = intInRange(req.timeoutMs, 'timeout_ms', 1, TRANSACTION_TIMEOUT_MAX_MS, TRANSACTION_TIMEOUT_DEFAULT_MS);
      return node.transactions.initProducerId(transactionalId, timeoutMs);
    }),

    addToTransaction: unary(node, log, 'AddToTransaction', async (req: AddToTransactionRequest, _call, ctx) => {
      const p = producerOf(req);
      ctx.authorize('write', 'transactional-id', p.transactionalId);
      if (req.partitions.length + req.groups.length > TRANSACTION_ADD_MAX) throw invalidArgument('partitions', `at most ${TRANSACTION_ADD_MAX} partitions and groups per request`);
      if (req.partitions.length + req.groups.length === 0) throw invalidArgument('partitions', 'name at least one partition or group');
      const partitions = req.partitions.map((tp, i) => ({ topic: topicName(tp.topic, `partitions[${i}].topic`), partition: partitionId(tp.partition, `partitions[${i}].partition`) }));
      const groups = req.groups.map((g, i) => groupName(g, `groups[${i}]`));
      for (const topic of new Set(partitions.map((tp) => tp.topic))) ctx.authorize('write', 'topic', topic);
      for (const group of groups) ctx.authorize('read', 'group', group);
      if (partitions.length > 0) await node.transactions.addPartitions(p.transactionalId, p.producerId, p.producerEpoch, partitions);
      for (const group of groups) await node.transactions.addOffsets(p.transactionalId, p.producerId, p.producerEpoch, group);
      return {};
    }),

    commitTransactionOffsets: unary(node, log, 'CommitTransactionOffsets', async (req: CommitTransactionOffsetsRequest, _call, ctx) => {
      const p = producerOf(req);
      ctx.authorize('write', 'transactional-id', p.transactionalId);
      const group = groupName(req.group);
      ctx.authorize('read', 'group', group);
      if (req.offsets.length === 0 || req.offsets.length > GROUP_OFFSETS_MAX) throw invalidArgument('offsets', `1 to ${GROUP_OFFSETS_MAX} offsets per commit (got ${req.offsets.length})`);
      const offsets = req.offsets.map((o, i) => {
        if (Buffer.byteLength(o.metadata) > GROUP_OFFSET_METADATA_BYTES_MAX) throw invalidArgument(`offsets[${i}].metadata`, `must be at most ${GROUP_OFFSET_METADATA_BYTES_MAX} bytes`);
        return { topic: topicName(o.topic, `offsets[${i}].topic`), partition: partitionId(o.partition, `offsets[${i}].partition`), offset: intInRange(o.offset, `offsets[${i}].offset`, 0, Number.MAX_SAFE_INTEGER), metadata: o.metadata };
      });
      for (const topic of new Set(offsets.map((o) => o.topic))) ctx.authorize('read', 'topic', topic);
      await node.transactions.commitOffsets(p.transactionalId, group, p.producerId, p.producerEpoch, offsets);
      return {};
    }),

    endTransaction: unary(node, log, 'EndTransaction', async (req: ProducerFields & { commit: boolean }, _call, ctx) => {
      const p = producerOf(req);
      ctx.authorize('write', 'transactional-id', p.transactionalId);
      // The SDK takes a new epoch per transaction (KIP-890 part 2).
      return { producerEpoch: await node.transactions.endTxn(p.transactionalId, p.producerId, p.producerEpoch, req.commit === true, true) };
    }),

    listTransactions: unary(node, log, 'ListTransactions', async (_req: object, _call, ctx) => {
      ctx.authorize('describe', 'cluster');
      return {
        transactions: node.transactions.describe().map((t) => ({
          transactionalId: t.transactionalId,
          producerId: t.producerId,
          producerEpoch: t.producerEpoch,
          status: t.status,
          txn: t.txn,
          partitions: t.partitions.map((tp) => ({ topic: tp.topic, partition: tp.partition })),
          groups: t.groups.map((g) => g.group),
          startedMs: t.startedMs,
          timeoutMs: t.timeoutMs,
        })),
      };
    }),

    /** Check-backs of one producer group until the client cancels. One check-back at a time is
     *  written to a stream, within the node's check-back budget (CheckRegistry); one the stream
     *  cannot take at once (its reader is behind) is not counted as delivered, and the leader
     *  asks again at the next interval. */
    watchChecks(call: grpc.ServerWritableStream<{ producerGroup: string }, object>) {
      let ctx: CallContext;
      let group: string;
      try {
        ctx = CallContext.of(node, call);
        group = producerGroup(call.request.producerGroup);
        if (node.checks.size >= CHECK_STREAMS_MAX) throw tooManyStreams(CHECK_STREAMS_MAX, `node ${node.nodeId}'s WatchChecks`);
      } catch (err) {
        call.emit('error', toServiceError(err, log));
        return;
      }
      /** The check-back being written (one at a time): called once it is flushed or the stream ends. */
      let writing: (() => void) | undefined;
      let open = true;
      const unwatch = node.checks.watch(group, {
        mayWrite: (topic) => ctx.allows('write', 'topic', topic),
        send: (check: HalfCheckMessage, flushed: () => void) => {
          if (!open || call.cancelled || writing !== undefined) return false;
          writing = flushed;
          call.write(check, () => {
            writing = undefined;
            flushed();
          });
          return true;
        },
      });
      node.metrics.checkStreams.inc();
      const close = () => {
        if (!open) return;
        open = false;
        unwatch();
        writing?.();
        writing = undefined;
        node.metrics.checkStreams.dec();
      };
      call.on('cancelled', close);
      call.on('error', close);
      call.on('close', close);
    },
  };
}
