import * as grpc from '@grpc/grpc-js';
import { fencedGeneration, HeraldError, toWireError, validateBatch } from '@herald/protocol';
import { Role } from '@herald/raft';
import type { Logger } from 'pino';
import { assignReplicas } from '../meta/meta-state.js';
import { deadLetterTopicOf, type HeraldNode } from '../node.js';
import { Acks, type Partition } from '../partition/partition.js';
import { toServiceError } from './errors.js';
import { bytes, intInRange, invalid, topicConfigs, topicName } from './validate.js';

// Request shapes as proto-loader delivers them (defaults filled, longs as numbers, enums as
// strings). Every field is validated before use: nothing here is trusted.
interface ProduceRequest { topic: string; partition: number; acks: string; batch: Buffer; timeoutMs: number; correlationId: number }
/** A consumer-group member's fetch or subscription names its group, member id and generation. */
interface MemberFields { group: string; memberId: string; generation: number }
interface FetchRequest extends MemberFields { topic: string; partition: number; offset: number; maxBytes: number; maxWaitMs: number }
interface SubscribeRequest extends MemberFields { topic: string; partition: number; startPosition: string; startOffset: number; startTimestampMs: number; maxBytes: number }
interface ListOffsetsRequest { topic: string; partition: number; position: string; timestampMs: number }
interface CreateTopicRequest { name: string; partitions: number; replicationFactor: number; configs: Record<string, string> }
interface TransferLeadershipRequest { topic: string; partition: number; toNodeId: number }

const FETCH_BYTES_DEFAULT = 1 << 20;
const FETCH_BYTES_MAX = 64 << 20;
const PRODUCE_STREAM_INFLIGHT_MAX = 4096;
const PARTITIONS_MAX = 1024;

const acksOf: Record<string, Acks> = {
  ACKS_UNSPECIFIED: Acks.Quorum,
  ACKS_NONE: Acks.None,
  ACKS_LEADER: Acks.Leader,
  ACKS_QUORUM: Acks.Quorum,
  ACKS_ALL: Acks.All,
};

/** Wraps a handler: measures it, and maps whatever it throws to a status (errors.ts). */
export function unary<Req, Res>(node: HeraldNode, log: Logger, method: string, fn: (req: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const stop = node.metrics.requestSeconds.startTimer({ method });
    fn(call.request, call).then(
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

/** A validated produce request, ready to propose. */
interface PreparedProduce {
  readonly key: string;
  /** Proposes the batch now (synchronously) and resolves once acknowledged per its acks. */
  submit(): Promise<{ baseOffset: number; lastOffset: number; recordCount: number; duplicate: boolean }>;
}

/** Validates a produce request (the batch check may decompress, so it is async). Nothing is
 *  proposed until submit(): Produce submits at once, ProduceStream in request order. */
async function prepareProduce(node: HeraldNode, req: ProduceRequest): Promise<PreparedProduce> {
  const name = topicName(req.topic);
  const partitionId = intInRange(req.partition, 'partition', 0, PARTITIONS_MAX - 1);
  const acks = acksOf[req.acks];
  if (acks === undefined) throw invalid('acks', `unknown acks level ${String(req.acks)}`);
  const batch = bytes(req.batch, 'batch');
  const timeoutMs = intInRange(req.timeoutMs, 'timeout_ms', 1, 300_000, node.config.limits.produceTimeoutMs);
  const { topic, partition } = node.partition(name, partitionId);
  const maxBatchBytes = Number(topic.configs['max.message.bytes'] ?? node.config.limits.maxMessageBytes);
  const header = await validateBatch(batch, { recordBytesMax: maxBatchBytes, batchBytesMax: maxBatchBytes, recordBytesSetting: 'max.message.bytes', batchBytesSetting: 'max.message.bytes' });
  return {
    key: `${name}/${partitionId}`,
    async submit() {
      const appendStarted = performance.now();
      const result = await partition.produce(batch, header, acks, timeoutMs);
      if (acks !== Acks.None) node.metrics.appendSeconds.observe({ acks }, (performance.now() - appendStarted) / 1000);
      node.metrics.producedRecords.inc({ topic: name }, result.recordCount);
      node.metrics.producedBytes.inc({ topic: name }, batch.byteLength);
      node.metrics.produceBatchRecords.observe(result.recordCount);
      node.metrics.produceBatchBytes.observe(batch.byteLength);
      return {
        baseOffset: result.baseOffset,
        lastOffset: result.baseOffset < 0 ? -1 : result.baseOffset + result.recordCount - 1,
        recordCount: result.recordCount,
        duplicate: result.duplicate,
      };
    },
  };
}

export function produceService(node: HeraldNode, log: Logger): grpc.UntypedServiceImplementation {
  return {
    produce: unary(node, log, 'Produce', async (req: ProduceRequest) => (await prepareProduce(node, req)).submit()),
    /** Pipelined produce: many requests in flight, each answered with its correlation id (answers
     *  may come in any order); a refusal is answered in-band and the stream goes on. Requests are
     *  validated in parallel but proposed in request order per partition, so one stream's
     *  batches for a partition are stored in the order they were sent. */
    produceStream(call: grpc.ServerDuplexStream<ProduceRequest, object>) {
      let inflight = 0;
      let ended = false;
      /** Per partition: settles once the previous request was proposed (or refused). */
      const proposed = new Map<string, Promise<unknown>>();
      const finishIfDone = () => {
        if (ended && inflight === 0) call.end();
      };
      call.on('data', (req: ProduceRequest) => {
        inflight++;
        if (inflight >= PRODUCE_STREAM_INFLIGHT_MAX) call.pause();
        const stop = node.metrics.requestSeconds.startTimer({ method: 'ProduceStream' });
        const prepared = prepareProduce(node, req);
        const key = `${req.topic}/${req.partition}`;
        const turn = (proposed.get(key) ?? Promise.resolve()).then(() => prepared).then((p) => ({ ack: p.submit() }));
        const settled = turn.then(() => undefined, () => undefined);
        proposed.set(key, settled);
        void settled.then(() => {
          if (proposed.get(key) === settled) proposed.delete(key);
        });
        turn.then((t) => t.ack).then(
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
        ).finally(() => {
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

function checkOffset(partition: Partition, offset: number): void {
  const { logStartOffset } = partition.state;
  if (offset < logStartOffset || offset > partition.highWatermark) {
    throw new HeraldError('OffsetOutOfRange', `offset ${offset} of ${partition.name} is outside ${logStartOffset} to ${partition.highWatermark} (log start to high watermark)`);
  }
}

function toWireBatches(partition: Partition, result: ReturnType<Partition['fetch']>) {
  return {
    batches: result.batches.map((b) => ({ baseOffset: b.baseOffset, recordCount: b.recordCount, batch: b.bytes })),
    highWatermark: result.highWatermark,
    logStartOffset: result.logStartOffset,
  };
}

/**
 * Fences a consumer-group member's read: refused with FencedGeneration once a newer generation
 * of its group took the partition, as far as this node's copy of the metadata knows. A node
 * whose copy lags (it knows an older generation, or not the group) lets the read through.
 */
function checkMember(node: HeraldNode, req: MemberFields, partition: Partition): void {
  if (typeof req.group !== 'string' || req.group === '') return;
  const generation = intInRange(req.generation, 'generation', 0, Number.MAX_SAFE_INTEGER);
  const group = node.meta.state.groups.get(req.group);
  if (group === undefined || generation > group.generation) return;
  if (generation < group.generation) throw fencedGeneration(req.group, generation, group.generation);
  const member = group.members.find((m) => m.memberId === req.memberId);
  const { topic, partition: id } = partition.settings;
  if (member?.assignment.some((tp) => tp.topic === topic && tp.partitions.includes(id)) !== true) {
    throw new HeraldError('FencedGeneration', `member "${String(req.memberId).slice(0, 200)}" does not own ${partition.name} in generation ${generation} of consumer group "${req.group}"; join again`);
  }
}

export function consumeService(node: HeraldNode, log: Logger): grpc.UntypedServiceImplementation {
  const locate = (req: { topic: string; partition: number }) => node.partition(topicName(req.topic), intInRange(req.partition, 'partition', 0, PARTITIONS_MAX - 1)).partition;
  return {
    /** Any replica serves reads, of committed records only (below its high watermark). */
    fetch: unary(node, log, 'Fetch', async (req: FetchRequest, call) => {
      const partition = locate(req);
      checkMember(node, req, partition);
      const offset = intInRange(req.offset, 'offset', 0, Number.MAX_SAFE_INTEGER);
      const maxBytes = intInRange(req.maxBytes, 'max_bytes', 1, FETCH_BYTES_MAX, FETCH_BYTES_DEFAULT);
      const maxWaitMs = Math.min(intInRange(req.maxWaitMs, 'max_wait_ms', 0, 3_600_000), node.config.limits.fetchMaxWaitMs);
      checkOffset(partition, offset);
      const abort = new AbortController();
      call.on('cancelled', () => abort.abort());
      await partition.waitForData(offset, maxWaitMs, abort.signal);
      const result = partition.fetch(offset, maxBytes);
      node.metrics.fetchedBytes.inc({ topic: req.topic }, result.batches.reduce((n, b) => n + b.bytes.byteLength, 0));
      node.metrics.fetchedRecords.inc({ topic: req.topic }, result.batches.reduce((n, b) => n + b.recordCount, 0));
      return toWireBatches(partition, result);
    }),

    /** Pushes committed batches from a start position until the client cancels, respecting the
     *  stream's flow control: nothing more is read while the client is behind. */
    subscribe(call: grpc.ServerWritableStream<SubscribeRequest, object>) {
      const req = call.request;
      let partition: Partition;
      let offset: number;
      let maxBytes: number;
      try {
        partition = locate(req);
        checkMember(node, req, partition);
        maxBytes = intInRange(req.maxBytes, 'max_bytes', 1, FETCH_BYTES_MAX, FETCH_BYTES_DEFAULT);
        offset = startOffset(partition, req.startPosition, req.startOffset, req.startTimestampMs);
      } catch (err) {
        call.emit('error', toServiceError(err, log));
        return;
      }
      const abort = new AbortController();
      call.on('cancelled', () => abort.abort());
      call.on('error', () => abort.abort());
      node.metrics.subscriptions.inc();
      void (async () => {
        try {
          while (!abort.signal.aborted) {
            await partition.waitForData(offset, 5_000, abort.signal);
            if (abort.signal.aborted) break;
            try {
              // A rebalance took the partition, or retention removed what the reader was at.
              checkMember(node, req, partition);
              checkOffset(partition, offset);
            } catch (err) {
              call.emit('error', toServiceError(err, log));
              abort.abort();
              break;
            }
            const result = partition.fetch(offset, maxBytes);
            if (result.batches.length === 0) continue;
            const last = result.batches[result.batches.length - 1]!;
            offset = last.baseOffset + last.recordCount;
            node.metrics.fetchedBytes.inc({ topic: req.topic }, result.batches.reduce((n, b) => n + b.bytes.byteLength, 0));
            node.metrics.fetchedRecords.inc({ topic: req.topic }, result.batches.reduce((n, b) => n + b.recordCount, 0));
            if (!call.write(toWireBatches(partition, result))) await new Promise<void>((resolve) => { call.once('drain', resolve); abort.signal.addEventListener('abort', () => resolve()); });
          }
        } finally {
          node.metrics.subscriptions.dec();
          if (!call.cancelled) call.end();
        }
      })();
    },

    listOffsets: unary(node, log, 'ListOffsets', async (req: ListOffsetsRequest) => {
      const partition = locate(req);
      const offset = startOffset(partition, req.position, 0, req.timestampMs);
      return { offset, timestampMs: req.timestampMs, highWatermark: partition.highWatermark, logStartOffset: partition.state.logStartOffset };
    }),
  };
}

function startOffset(partition: Partition, position: string, offset: number, timestampMs: number): number {
  switch (position) {
    case 'START_POSITION_EARLIEST':
      return partition.state.logStartOffset;
    case 'START_POSITION_UNSPECIFIED':
    case 'START_POSITION_LATEST':
      return partition.highWatermark;
    case 'START_POSITION_OFFSET': {
      const n = intInRange(offset, 'start_offset', 0, Number.MAX_SAFE_INTEGER);
      checkOffset(partition, n);
      return n;
    }
    case 'START_POSITION_TIMESTAMP':
      return partition.offsetForTimestamp(intInRange(timestampMs, 'timestamp_ms', 0, Number.MAX_SAFE_INTEGER));
    default:
      throw invalid('start_position', `unknown position ${String(position)}`);
  }
}

export function adminService(node: HeraldNode, log: Logger): grpc.UntypedServiceImplementation {
  const nodeIds = () => node.config.peers.map((p) => p.id);
  const describe = async (name: string) => {
    const topic = node.meta.state.topic(name);
    if (topic === undefined) throw node.meta.unknownTopicError(name);
    const views = await node.describePartitions(topic);
    return {
      name: topic.name,
      replicationFactor: topic.partitions[0]?.replicas.length ?? 0,
      configs: topic.configs,
      partitions: topic.partitions.map((p, i) => ({ id: p.partition, replicas: p.replicas, ...views[i] })),
    };
  };
  return {
    createTopic: unary(node, log, 'CreateTopic', async (req: CreateTopicRequest) => {
      const name = topicName(req.name, 'name');
      const partitions = intInRange(req.partitions, 'partitions', 1, PARTITIONS_MAX, node.config.topicDefaults.partitions);
      const ids = nodeIds();
      const replicationFactor = intInRange(req.replicationFactor, 'replication_factor', 1, ids.length, Math.min(node.config.topicDefaults.replicationFactor, ids.length));
      const configs = topicConfigs(req.configs, replicationFactor, 64 << 20);
      if (!node.meta.isController()) throw node.meta.notControllerError();
      if (node.meta.state.topic(name) !== undefined) throw new HeraldError('TopicExists', `topic "${name}" already exists`);
      const create = async (topic: string, topicConfigs: Record<string, string>) => {
        const assignment = assignReplicas(partitions, replicationFactor, ids, node.meta.state.load(ids));
        const outcome = await node.meta.propose({ type: 'CreateTopic', name: topic, partitions: assignment, configs: topicConfigs }, 10_000);
        if (!outcome.ok) throw new HeraldError(outcome.reason, outcome.message);
      };
      // A topic that dead-letters gets its dead-letter topic with it (same partitions and replicas).
      const deadLetterTopic = configs['max.deliveries'] === undefined ? undefined : deadLetterTopicOf({ name, configs });
      if (deadLetterTopic === name) throw invalid('configs.dead.letter.topic', 'a topic cannot be its own dead-letter topic');
      if (deadLetterTopic !== undefined && node.meta.state.topic(deadLetterTopic) === undefined) await create(deadLetterTopic, {});
      await create(name, configs);
      return { topic: await describe(name) };
    }),
    deleteTopic: unary(node, log, 'DeleteTopic', async (req: { name: string }) => {
      const name = topicName(req.name, 'name');
      if (!node.meta.isController()) throw node.meta.notControllerError();
      const outcome = await node.meta.propose({ type: 'DeleteTopic', name }, 10_000);
      if (!outcome.ok) throw new HeraldError(outcome.reason, outcome.message);
      return {};
    }),
    listTopics: unary(node, log, 'ListTopics', async () => ({
      topics: node.meta.state.allTopics().map((t) => ({ name: t.name, partitions: t.partitions.length, replicationFactor: t.partitions[0]?.replicas.length ?? 0 })),
    })),
    describeTopic: unary(node, log, 'DescribeTopic', async (req: { name: string }) => ({ topic: await describe(topicName(req.name, 'name')) })),
    describeCluster: unary(node, log, 'DescribeCluster', async () => ({
      clusterId: 'herald',
      controllerId: node.meta.controllerId(),
      nodes: node.config.peers.map((p) => ({ id: p.id, address: `${p.host}:${p.clientPort}`, alive: p.id === node.nodeId || node.transport.isConnected(p.id) })),
    })),
    transferLeadership: unary(node, log, 'TransferLeadership', async (req: TransferLeadershipRequest) => {
      const name = topicName(req.topic);
      const { partition } = node.partition(name, intInRange(req.partition, 'partition', 0, PARTITIONS_MAX - 1));
      const raft = partition.group.raft;
      const before = raft.status();
      if (before.role !== Role.Leader) throw partition.notLeaderError();
      // 0: the leader chooses, the in-sync follower furthest along.
      const chosen = before.progress.filter((p) => p.id !== node.nodeId && p.inSync && !p.learner).sort((a, b) => b.matchIndex - a.matchIndex)[0]?.id;
      const requested = intInRange(req.toNodeId, 'to_node_id', 1, Number.MAX_SAFE_INTEGER, chosen ?? -1);
      if (requested === -1) throw new HeraldError('NotEnoughReplicas', `${partition.name} has no in-sync follower to hand leadership to`);
      const to = requested;
      if (!before.membership.voters.includes(to)) throw invalid('to_node_id', `node ${to} is not a replica of ${partition.name} (replicas: ${before.membership.voters.join(', ')})`);
      if (to === node.nodeId) return { leaderId: to, leaderTerm: before.term };
      if (!raft.transferLeadership(to)) throw new HeraldError('NotLeader', `cannot transfer ${partition.name} now; retry`);
      node.host.schedule();
      const deadline = Date.now() + node.config.raft.electionTimeoutMaxMs * 2;
      while (Date.now() < deadline) {
        const now = raft.status();
        if (now.leaderId !== 0 && now.leaderId !== node.nodeId) return { leaderId: now.leaderId, leaderTerm: now.term };
        if (now.role === Role.Leader && now.transferee === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new HeraldError('CommitTimedOut', `leadership of ${partition.name} did not move to node ${to} in time; it may still move`);
    }),
    /** Kafka's DeleteRecords: the leader moves the log start through raft. */
    deleteRecords: unary(node, log, 'DeleteRecords', async (req: { topic: string; partition: number; beforeOffset: number }) => {
      const name = topicName(req.topic);
      const { partition } = node.partition(name, intInRange(req.partition, 'partition', 0, PARTITIONS_MAX - 1));
      const before = intInRange(req.beforeOffset, 'before_offset', -1, Number.MAX_SAFE_INTEGER);
      if (partition.group.raft.status().role !== Role.Leader) throw partition.notLeaderError();
      if (before > partition.highWatermark) {
        throw new HeraldError('OffsetOutOfRange', `before_offset ${before} is beyond the high watermark ${partition.highWatermark} of ${partition.name}; records not yet written cannot be deleted`);
      }
      const logStartOffset = await partition.trim(before === -1 ? partition.highWatermark : before, node.config.limits.produceTimeoutMs);
      return { logStartOffset };
    }),
  };
}
