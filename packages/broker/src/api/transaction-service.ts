import type * as grpc from '@grpc/grpc-js';
import { invalidArgument, tooManyStreams } from '@herald/protocol';
import type { Logger } from 'pino';
import { CHECK_STREAMS_MAX, HALF_ID_MAX, PRODUCE_TIMEOUT_MS_MAX } from '../limits.js';
import type { HeraldNode } from '../node.js';
import type { HalfCheckMessage } from '../transactions/check-registry.js';
import { endHalf, listHalves, sendHalf } from '../transactions/half-messages.js';
import { CallContext } from './context.js';
import { toServiceError } from './errors.js';
import { groupName } from './group-service.js';
import { partitionId, unary } from './services.js';
import { bytes, intInRange, topicName } from './validate.js';

// Request shapes as proto-loader delivers them (defaults filled, longs as numbers, enums as
// strings). Every field is validated before use.
interface SendHalfRequest { topic: string; partition: number; id: string; producerGroup: string; batch: Buffer; timeoutMs: number }
interface EndHalfRequest { topic: string; partition: number; id: string; decision: string; timeoutMs: number; answersCheck: boolean }

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

/** TransactionService (proto/herald/v1/transactions.proto): half messages with check-back.
 *  SendHalf, EndHalf and ListHalves go to the partition's leader; WatchChecks to every node. */
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
