import * as grpc from '@grpc/grpc-js';
import { HeraldError, invalidArgument, MetadataKey, tooManyStreams, toWireError } from '@herald/protocol';
import type { Logger } from 'pino';
import { checkMember, checkOffset, countFetched, fetch, startOffset, type GroupMemberRead, type StartPosition } from '../consume.js';
import type { Clock } from '../host/clock.js';
import { FETCH_BYTES_DEFAULT, FETCH_BYTES_MAX, PARTITION_ID_MAX, PARTITIONS_MAX, PRODUCE_STREAM_INFLIGHT_MAX, PRODUCE_TIMEOUT_MS_MAX, TOPIC_MESSAGE_BYTES_MAX, WAIT_MS_MAX } from '../limits.js';
import type { HeraldNode } from '../node.js';
import { Acks } from '../partition/partition-leader.js';
import { Isolation, type FetchResult } from '../partition/partition-log.js';
import { produce, ProducePipeline, type ProduceRequest } from '../produce.js';
import { addNode, describeNodes, removeNode } from '../nodes.js';
import { planDecommission, planRebalance, reassignPartitions } from '../reassign.js';
import type { PartitionReassignment } from '../meta/meta-state.js';
import { createTopic, deleteRecords, deleteTopic, describeTopic, replicationFactorOf, transferController, transferLeadership, type TopicDescription } from '../topics.js';
import { CallContext } from './context.js';
import { toServiceError } from './errors.js';
import { StreamBudget } from './stream-budget.js';
import { bytes, intInRange, topicConfigs, topicName } from './validate.js';

// Request shapes as proto-loader delivers them (defaults filled, longs as numbers, enums as
// strings). Every field is validated before use: nothing here is trusted.
interface WireProduceRequest { topic: string; partition: number; acks: string; batch: Buffer; timeoutMs: number; correlationId: number }
/** A consumer-group member's fetch or subscription names its group, member id and generation. */
interface MemberFields { group: string; memberId: string; generation: number }
interface WireFetchRequest extends MemberFields { topic: string; partition: number; offset: number; maxBytes: number; maxWaitMs: number; isolation: string }
interface SubscribeRequest extends MemberFields { topic: string; partition: number; startPosition: string; startOffset: number; startTimestampMs: number; maxBytes: number; isolation: string }
interface ListOffsetsRequest { topic: string; partition: number; position: string; timestampMs: number; isolation: string }
interface CreateTopicRequest { name: string; partitions?: number; replicationFactor?: number; configs: Record<string, string> }
interface TransferLeadershipRequest { topic: string; partition: number; toNodeId: number }

const acksOf: Record<string, Acks> = {
  ACKS_UNSPECIFIED: Acks.Quorum,
  ACKS_NONE: Acks.None,
  ACKS_LEADER: Acks.Leader,
  ACKS_QUORUM: Acks.Quorum,
  ACKS_ALL: Acks.All,
};

/**
 * Wraps a handler: authenticates the call (CallContext), runs it, holds the answer back while
 * the principal is over a quota, measures it, and maps whatever it throws (at once or later) to
 * a status (errors.ts).
 */
export function unary<Req, Res>(
  node: HeraldNode,
  log: Logger,
  method: string,
  fn: (req: Req, call: grpc.ServerUnaryCall<Req, Res>, ctx: CallContext) => Promise<Res>,
): grpc.handleUnaryCall<Req, Res> {
  return handle(node, log, method, async (call) => {
    const ctx = CallContext.of(node, call);
    const response = await fn(call.request, call, ctx);
    await ctx.release();
    return response;
  });
}

/** A handler that needs no credentials: the logins of AuthService. */
export function publicUnary<Req, Res>(node: HeraldNode, log: Logger, method: string, fn: (req: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return handle(node, log, method, (call) => fn(call.request, call));
}

function handle<Req, Res>(node: HeraldNode, log: Logger, method: string, run: (call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const stop = node.metrics.requestSeconds.startTimer({ method });
    new Promise<Res>((resolve) => resolve(run(call))).then(
      (response) => {
        stop();
        node.metrics.requests.inc({ method, code: 'OK' });
        callback(null, response);
      },
      (err: unknown) => {
        stop();
        const serviceError = toServiceError(err, log);
        node.metrics.requests.inc({ method, code: grpc.status[serviceError.code] });
        callback(serviceError);
      },
    );
  };
}

/** A partition id field. */
export function partitionId(value: unknown, field = 'partition'): number {
  return intInRange(value, field, 0, PARTITION_ID_MAX);
}

function produceRequest(node: HeraldNode, req: WireProduceRequest): ProduceRequest {
  const acks = acksOf[req.acks];
  if (acks === undefined) throw invalidArgument('acks', `unknown acks level ${String(req.acks)}`);
  return {
    topic: topicName(req.topic),
    partition: partitionId(req.partition),
    acks,
    batch: bytes(req.batch, 'batch'),
    timeoutMs: intInRange(req.timeoutMs, 'timeout_ms', 1, PRODUCE_TIMEOUT_MS_MAX, node.config.limits.produceTimeoutMs),
  };
}

export function produceService(node: HeraldNode, log: Logger): grpc.UntypedServiceImplementation {
  return {
    produce: unary(node, log, 'Produce', async (req: WireProduceRequest, _call, ctx) => {
      const request = produceRequest(node, req);
      ctx.authorize('write', 'topic', request.topic);
      const answer = await produce(node, request);
      ctx.count('produce', request.batch.byteLength);
      return answer;
    }),
    /** Pipelined produce: many requests in flight, each answered with its correlation id (answers
     *  may come in any order); a refusal is answered in-band and the stream goes on. Batches for
     *  one partition are proposed in request order (ProducePipeline). */
    produceStream(call: grpc.ServerDuplexStream<WireProduceRequest, object>) {
      let ctx: CallContext;
      try {
        ctx = CallContext.of(node, call);
      } catch (err) {
        call.emit('error', toServiceError(err, log));
        return;
      }
      const pipeline = new ProducePipeline(node);
      let inflight = 0;
      let ended = false;
      const finishIfDone = () => {
        if (ended && inflight === 0) call.end();
      };
      call.on('data', (req: WireProduceRequest) => {
        inflight++;
        if (inflight >= PRODUCE_STREAM_INFLIGHT_MAX) call.pause();
        const stop = node.metrics.requestSeconds.startTimer({ method: 'ProduceStream' });
        let answer;
        try {
          const request = produceRequest(node, req);
          ctx.authorize('write', 'topic', request.topic);
          ctx.count('request', 1);
          answer = pipeline.submit(request).then(async (produced) => {
            ctx.count('produce', request.batch.byteLength);
            await ctx.release();
            return produced;
          });
        } catch (err) {
          answer = Promise.reject(err);
        }
        answer
          .then(
            (produced) => {
              node.metrics.requests.inc({ method: 'ProduceStream', code: 'OK' });
              call.write({ correlationId: req.correlationId, produced });
            },
            (err: unknown) => {
              const status = toServiceError(err, log);
              node.metrics.requests.inc({ method: 'ProduceStream', code: grpc.status[status.code] });
              const error = err instanceof HeraldError ? toWireError(err) : { reason: 'Unknown', message: 'internal error; see server log', details: {} };
              call.write({ correlationId: req.correlationId, error });
            },
          )
          .finally(() => {
            stop();
            inflight--;
            if (inflight < PRODUCE_STREAM_INFLIGHT_MAX / 2) call.resume();
            finishIfDone();
          });
      });
      call.on('end', () => {
        ended = true;
        finishIfDone();
      });
      call.on('error', () => {});
    },
  };
}

/** The member fields of a read, when it names a consumer group. */
function memberRead(req: MemberFields): GroupMemberRead | undefined {
  if (typeof req.group !== 'string' || req.group === '') return undefined;
  if (typeof req.memberId !== 'string') throw invalidArgument('member_id', 'must be a string');
  return { group: req.group, memberId: req.memberId, generation: intInRange(req.generation, 'generation', 0, Number.MAX_SAFE_INTEGER) };
}

/** The isolation a read asks for (consume.proto Isolation): read committed unless it says. */
function isolationOf(isolation: string): Isolation {
  switch (isolation) {
    case 'ISOLATION_UNSPECIFIED':
    case 'ISOLATION_READ_COMMITTED':
      return Isolation.ReadCommitted;
    case 'ISOLATION_READ_UNCOMMITTED':
      return Isolation.ReadUncommitted;
    default:
      throw invalidArgument('isolation', `unknown isolation ${String(isolation)}`);
  }
}

function startPosition(position: string, offset: unknown, timestampMs: unknown): StartPosition {
  switch (position) {
    case 'START_POSITION_EARLIEST':
      return { kind: 'earliest' };
    case 'START_POSITION_UNSPECIFIED':
    case 'START_POSITION_LATEST':
      return { kind: 'latest' };
    case 'START_POSITION_OFFSET':
      return { kind: 'offset', offset: intInRange(offset, 'start_offset', 0, Number.MAX_SAFE_INTEGER) };
    case 'START_POSITION_TIMESTAMP':
      return { kind: 'timestamp', timestampMs: intInRange(timestampMs, 'timestamp_ms', 0, Number.MAX_SAFE_INTEGER) };
    default:
      throw invalidArgument('start_position', `unknown position ${String(position)}`);
  }
}

/** Writes `message` to a server stream and resolves once it is flushed to the connection
 *  ('flushed'), the stream ended ('aborted'), or the reader took nothing for `stallMs`
 *  ('stalled'). */
function writeWithin(call: grpc.ServerWritableStream<unknown, object>, message: object, stallMs: number, clock: Clock, signal: AbortSignal): Promise<'flushed' | 'stalled' | 'aborted'> {
  if (signal.aborted) return Promise.resolve('aborted');
  return new Promise((resolve) => {
    const done = (outcome: 'flushed' | 'stalled' | 'aborted') => {
      timer.cancel();
      signal.removeEventListener('abort', aborted);
      resolve(outcome);
    };
    const aborted = () => done('aborted');
    const timer = clock.setTimeout(() => done('stalled'), stallMs);
    signal.addEventListener('abort', aborted);
    call.write(message, () => done('flushed'));
  });
}

/** The end of a stream whose reader stopped reading. */
function readerTooSlow(stallMs: number): HeraldError {
  return new HeraldError('TooManyStreams', `this stream's reader took nothing for ${stallMs} ms: it was ended so that it holds no memory; subscribe again from the next offset`, {
    [MetadataKey.Limit]: String(stallMs),
  });
}

function fetchedBytes(result: FetchResult): number {
  return result.batches.reduce((n, b) => n + b.bytes.byteLength, 0);
}

function toWireBatches(result: FetchResult) {
  return {
    batches: result.batches.map((b) => ({ baseOffset: b.baseOffset, recordCount: b.recordCount, batch: b.bytes })),
    highWatermark: result.highWatermark,
    logStartOffset: result.logStartOffset,
    lastStableOffset: result.lastStableOffset,
  };
}

export function consumeService(node: HeraldNode, log: Logger): grpc.UntypedServiceImplementation {
  const streams = new StreamBudget(node.config.limits.streamBufferBytes, (held) => node.metrics.streamBufferBytes.set(held));
  let openSubscriptions = 0;
  return {
    /** Any replica serves reads, of committed records only (below its high watermark). */
    fetch: unary(node, log, 'Fetch', async (req: WireFetchRequest, call, ctx) => {
      const topic = topicName(req.topic);
      ctx.authorize('read', 'topic', topic);
      const abort = new AbortController();
      call.on('cancelled', () => abort.abort());
      const result = await fetch(node, {
        topic,
        partition: partitionId(req.partition),
        offset: intInRange(req.offset, 'offset', 0, Number.MAX_SAFE_INTEGER),
        maxBytes: intInRange(req.maxBytes, 'max_bytes', 1, FETCH_BYTES_MAX, FETCH_BYTES_DEFAULT),
        maxWaitMs: intInRange(req.maxWaitMs, 'max_wait_ms', 0, WAIT_MS_MAX),
        member: memberRead(req),
        isolation: isolationOf(req.isolation),
        signal: abort.signal,
      });
      ctx.count('fetch', fetchedBytes(result));
      return toWireBatches(result);
    }),

    /** Pushes committed batches from a start position until the client cancels, respecting the
     *  stream's flow control: nothing more is read while the client is behind. */
    subscribe(call: grpc.ServerWritableStream<SubscribeRequest, object>) {
      const req = call.request;
      let partition;
      let member: GroupMemberRead | undefined;
      let offset: number;
      let maxBytes: number;
      let isolation: Isolation;
      let topic: string;
      let ctx: CallContext;
      try {
        ctx = CallContext.of(node, call);
        topic = topicName(req.topic);
        ctx.authorize('read', 'topic', topic);
        partition = node.partition(topic, partitionId(req.partition)).partition;
        member = memberRead(req);
        checkMember(node, member, partition);
        maxBytes = intInRange(req.maxBytes, 'max_bytes', 1, FETCH_BYTES_MAX, FETCH_BYTES_DEFAULT);
        isolation = isolationOf(req.isolation);
        offset = startOffset(partition, startPosition(req.startPosition, req.startOffset, req.startTimestampMs), isolation);
      } catch (err) {
        call.emit('error', toServiceError(err, log));
        return;
      }
      if (openSubscriptions >= node.config.limits.maxSubscribeStreams) {
        call.emit('error', toServiceError(tooManyStreams(node.config.limits.maxSubscribeStreams, `node ${node.nodeId}'s Subscribe`), log));
        return;
      }
      const abort = new AbortController();
      call.on('cancelled', () => abort.abort());
      call.on('error', () => abort.abort());
      openSubscriptions++;
      node.metrics.subscriptions.inc();
      void (async () => {
        try {
          while (!abort.signal.aborted) {
            await partition.log.waitForData(offset, 5_000, abort.signal, isolation);
            if (abort.signal.aborted) break;
            try {
              // A rebalance took the partition, or retention removed what the reader was at.
              checkMember(node, member, partition);
              checkOffset(partition, offset);
            } catch (err) {
              call.emit('error', toServiceError(err, log));
              abort.abort();
              break;
            }
            const result = partition.log.fetch(offset, maxBytes, isolation);
            if (result.batches.length === 0) continue;
            const last = result.batches[result.batches.length - 1]!;
            offset = last.baseOffset + last.recordCount;
            countFetched(node, topic, result);
            const bytes = fetchedBytes(result);
            ctx.count('fetch', bytes);
            await ctx.release();
            if (!(await streams.acquire(bytes, abort.signal))) break;
            if (abort.signal.aborted) {
              streams.release(bytes); // the stream ended while it waited: nothing to write
              break;
            }
            const flushed = await writeWithin(call, toWireBatches(result), node.config.limits.streamStallMs, node.clock, abort.signal).finally(() => streams.release(bytes));
            if (flushed === 'stalled') {
              node.metrics.streamsCut.inc();
              call.emit('error', toServiceError(readerTooSlow(node.config.limits.streamStallMs), log));
              abort.abort();
            }
          }
        } finally {
          openSubscriptions--;
          node.metrics.subscriptions.dec();
          if (!call.cancelled) call.end();
        }
      })();
    },

    listOffsets: unary(node, log, 'ListOffsets', async (req: ListOffsetsRequest, _call, ctx) => {
      const topic = topicName(req.topic);
      ctx.authorize('read', 'topic', topic);
      const { partition } = node.partition(topic, partitionId(req.partition));
      const offset = startOffset(partition, startPosition(req.position, 0, req.timestampMs), isolationOf(req.isolation));
      const { highWatermark, logStartOffset, lastStableOffset } = partition.log;
      return { offset, timestampMs: req.timestampMs, highWatermark, logStartOffset, lastStableOffset };
    }),
  };
}

/** The highest node id: a u32 in the Raft membership entry's encoding, kept within int32. */
const NODE_ID_MAX = 2_147_483_647;

const ADD_NODE_WAIT_MS_DEFAULT = 30_000;
const ADD_NODE_WAIT_MS_MAX = 120_000;

/** What AddNode asks (admin.proto AddNodeRequest, as proto-loader decodes it). */
interface AddNodeRequest {
  id: number;
  host: string;
  clientPort: number;
  peerPort: number;
  kafkaHost?: string;
  kafkaPort?: number;
  waitMs: number;
}

/** Partitions one ReassignPartitions names at most. */
const REASSIGNMENTS_MAX = 10_000;

/** How long recording reassignments may take to commit. */
const REASSIGN_TIMEOUT_MS = 10_000;

/** The highest replication throttle: 10 GiB/s, beyond any link. */
const THROTTLE_BYTES_PER_SECOND_MAX = 10 * 2 ** 30;

function throttleOf(value: unknown): number | undefined {
  return value === undefined ? undefined : intInRange(value, 'throttle_bytes_per_second', 0, THROTTLE_BYTES_PER_SECOND_MAX);
}

/** One validated PartitionReassignment of a request. */
function partitionReassignment(value: unknown, field: string): PartitionReassignment {
  const r = (value ?? {}) as { topic?: unknown; partition?: unknown; replicas?: unknown };
  const replicas = Array.isArray(r.replicas) ? r.replicas : [];
  if (replicas.length === 0) throw invalidArgument(`${field}.replicas`, 'name at least one node');
  return {
    topic: topicName(r.topic, `${field}.topic`),
    partition: partitionId(r.partition, `${field}.partition`),
    replicas: replicas.map((id, i) => intInRange(id, `${field}.replicas[${i}]`, 1, NODE_ID_MAX)),
  };
}

/** A host name or IPv4 address that peers and clients dial as host:port. */
function hostName(value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9._-]{1,253}$/.test(value)) {
    throw invalidArgument(field, `"${String(value).slice(0, 300)}" is not a host name or IPv4 address (1 to 253 characters of a-z, A-Z, 0-9, ".", "_", "-")`);
  }
  return value;
}

function toWireTopic(topic: TopicDescription) {
  return { ...topic, partitions: topic.partitions.map((p) => ({ ...p, replicas: [...p.replicas], isr: [...p.isr], targetReplicas: [...p.targetReplicas] })) };
}

export function adminService(node: HeraldNode, log: Logger): grpc.UntypedServiceImplementation {
  return {
    createTopic: unary(node, log, 'CreateTopic', async (req: CreateTopicRequest, _call, ctx) => {
      const name = topicName(req.name, 'name');
      // Kafka's rule: create on the cluster, or create on the topic (a prefixed ACL lets a team
      // make the topics of its own prefix).
      if (!ctx.allows('create', 'cluster')) ctx.authorize('create', 'topic', name);
      const nodes = node.nodeIds().length;
      // Unset (proto3 optional) is the default; 0 is refused, never read as unset.
      const replicationFactor = req.replicationFactor === undefined ? Math.min(node.config.topicDefaults.replicationFactor, nodes) : intInRange(req.replicationFactor, 'replication_factor', 1, nodes);
      const topic = await createTopic(node, {
        name,
        partitions: req.partitions === undefined ? node.config.topicDefaults.partitions : intInRange(req.partitions, 'partitions', 1, PARTITIONS_MAX),
        replicationFactor,
        configs: topicConfigs(req.configs, replicationFactor, TOPIC_MESSAGE_BYTES_MAX),
      });
      return { topic: toWireTopic(topic) };
    }),
    deleteTopic: unary(node, log, 'DeleteTopic', async (req: { name: string }, _call, ctx) => {
      const name = topicName(req.name, 'name');
      ctx.authorize('delete', 'topic', name);
      await deleteTopic(node, name);
      return {};
    }),
    listTopics: unary(node, log, 'ListTopics', async (_req: object, _call, ctx) => ({
      topics: node.meta.state
        .allTopics()
        .filter((t) => ctx.allows('describe', 'topic', t.name))
        .map((t) => ({ name: t.name, partitions: t.partitions.length, replicationFactor: replicationFactorOf(t) })),
    })),
    describeTopic: unary(node, log, 'DescribeTopic', async (req: { name: string }, _call, ctx) => {
      const name = topicName(req.name, 'name');
      ctx.authorize('describe', 'topic', name);
      return { topic: toWireTopic(await describeTopic(node, name)) };
    }),
    describeCluster: unary(node, log, 'DescribeCluster', async (_req: object) => ({
      clusterId: 'herald',
      controllerId: node.meta.controllerId(),
      nodes: describeNodes(node),
      controllerIsr: await node.controllerIsr(),
    })),
    transferLeadership: unary(node, log, 'TransferLeadership', async (req: TransferLeadershipRequest, _call, ctx) => {
      ctx.authorize('alter', 'cluster');
      const to = intInRange(req.toNodeId, 'to_node_id', 1, Number.MAX_SAFE_INTEGER, -1);
      return transferLeadership(node, topicName(req.topic), partitionId(req.partition), to === -1 ? undefined : to);
    }),
    transferController: unary(node, log, 'TransferController', async (req: { toNodeId: number }, _call, ctx) => {
      ctx.authorize('alter', 'cluster');
      const to = intInRange(req.toNodeId, 'to_node_id', 1, Number.MAX_SAFE_INTEGER, -1);
      return transferController(node, to === -1 ? undefined : to);
    }),
    addNode: unary(node, log, 'AddNode', async (req: AddNodeRequest, _call, ctx) => {
      ctx.authorize('alter', 'cluster');
      const port = (value: unknown, field: string) => intInRange(value, field, 1, 65535);
      const record = {
        id: intInRange(req.id, 'id', 1, NODE_ID_MAX),
        host: hostName(req.host, 'host'),
        clientPort: port(req.clientPort, 'client_port'),
        peerPort: port(req.peerPort, 'peer_port'),
        ...(req.kafkaHost === undefined ? {} : { kafkaHost: hostName(req.kafkaHost, 'kafka_host') }),
        ...(req.kafkaPort === undefined ? {} : { kafkaPort: port(req.kafkaPort, 'kafka_port') }),
      };
      if (record.clientPort === record.peerPort) throw invalidArgument('peer_port', `the client and peer ports must differ (both ${record.clientPort})`);
      return { node: await addNode(node, record, intInRange(req.waitMs, 'wait_ms', 0, ADD_NODE_WAIT_MS_MAX, ADD_NODE_WAIT_MS_DEFAULT)) };
    }),
    removeNode: unary(node, log, 'RemoveNode', async (req: { id: number }, _call, ctx) => {
      ctx.authorize('alter', 'cluster');
      await removeNode(node, intInRange(req.id, 'id', 1, NODE_ID_MAX));
      return {};
    }),
    reassignPartitions: unary(node, log, 'ReassignPartitions', async (req: { reassignments: unknown[]; throttleBytesPerSecond?: number }, _call, ctx) => {
      ctx.authorize('alter', 'cluster');
      if (!Array.isArray(req.reassignments) || req.reassignments.length === 0 || req.reassignments.length > REASSIGNMENTS_MAX) {
        throw invalidArgument('reassignments', `give 1 to ${REASSIGNMENTS_MAX} partitions (got ${Array.isArray(req.reassignments) ? req.reassignments.length : 0})`);
      }
      const reassignments = req.reassignments.map((r, i) => partitionReassignment(r, `reassignments[${i}]`));
      await reassignPartitions(node, reassignments, throttleOf(req.throttleBytesPerSecond), REASSIGN_TIMEOUT_MS);
      return { reassignments };
    }),
    rebalanceCluster: unary(node, log, 'RebalanceCluster', async (req: { dryRun: boolean; throttleBytesPerSecond?: number }, _call, ctx) => {
      ctx.authorize('alter', 'cluster');
      if (!node.meta.isController()) throw node.meta.notControllerError();
      const plan = planRebalance(node.meta.state, node.nodeIds());
      if (!req.dryRun && plan.length > 0) await reassignPartitions(node, plan, throttleOf(req.throttleBytesPerSecond), REASSIGN_TIMEOUT_MS);
      return { reassignments: plan };
    }),
    decommissionNode: unary(node, log, 'DecommissionNode', async (req: { id: number; dryRun: boolean; throttleBytesPerSecond?: number; replacement?: number }, _call, ctx) => {
      ctx.authorize('alter', 'cluster');
      if (!node.meta.isController()) throw node.meta.notControllerError();
      const id = intInRange(req.id, 'id', 1, NODE_ID_MAX);
      const member = (n: number) => {
        if (!node.nodeIds().includes(n)) throw new HeraldError('NodeNotFound', `node ${n} is not a member of the cluster (nodes ${node.nodeIds().join(', ')})`);
        return n;
      };
      member(id);
      const replacement = req.replacement === undefined ? undefined : member(intInRange(req.replacement, 'replacement', 1, NODE_ID_MAX));
      if (replacement === id) throw invalidArgument('replacement', `must be another node than the one decommissioned (${id})`);
      const plan = planDecommission(node.meta.state, node.nodeIds(), id, replacement);
      if (!req.dryRun && plan.length > 0) await reassignPartitions(node, plan, throttleOf(req.throttleBytesPerSecond), REASSIGN_TIMEOUT_MS);
      return { reassignments: plan };
    }),
    /** Kafka's DeleteRecords: the leader moves the log start through raft. */
    deleteRecords: unary(node, log, 'DeleteRecords', async (req: { topic: string; partition: number; beforeOffset: number }, _call, ctx) => {
      const topic = topicName(req.topic);
      ctx.authorize('delete', 'topic', topic);
      const before = intInRange(req.beforeOffset, 'before_offset', -1, Number.MAX_SAFE_INTEGER);
      return { logStartOffset: await deleteRecords(node, topic, partitionId(req.partition), before) };
    }),
  };
}
