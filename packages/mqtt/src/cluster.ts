// How the gateway reaches the cluster. Both ways, each where it is cheapest:
//
// - Writes go through the SDK's producer machinery (routing to partition leaders, following
//   NotLeader hints, retries, idempotent sequence numbers that survive a leader failover), over a
//   transport that hands a request for this node's own address to the broker in-process
//   (ProducePipeline) instead of over gRPC to itself. So a write led here costs no network hop,
//   and one led elsewhere goes to its leader as any client's would.
// - Reads come from this node's own replica in-process when it holds one (committed records,
//   the stored batch bytes, no copy over the network), and from the SDK's consumer otherwise.
// - Topic creation, offsets of other nodes' partitions and queue subscriptions go through the
//   SDK (they need the controller or a partition leader).

import { delay, fetch as fetchLocal, ProducePipeline, systemClock, type HeraldNode } from '@herald/broker';
import {
  delayAfter,
  HeraldClient,
  PRODUCER_RETRY_POLICY,
  RoutedProduceTransport,
  shouldRetry,
  toHeraldError,
  type ProduceAnswer,
  type ProduceRequestInput,
  type ProduceTransport,
  Producer,
  type QueueConsumer,
  type QueueConsumerOptions,
} from '@herald/client';
import { decodeBatch, encodeBatch, HeraldError, type RecordInput } from '@herald/protocol';
import type { Logger } from 'pino';
import type { LogRecord } from './message.js';

/** A chunk of committed records of one partition, and the offset after them. */
export interface RecordChunk {
  readonly records: readonly LogRecord[];
  /** The next offset to read. */
  readonly next: number;
}

/** The producer fields of a batch the gateway encodes itself (fenced session writes, QoS 2). */
export interface ProducerFields {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
}

/** How long one fetch of a local replica waits for new records. */
const LOCAL_WAIT_MS = 1_000;
/** How much one fetch returns at most. */
const FETCH_BYTES = 1 << 20;
/** How long a batch write (fenced or QoS 2) keeps retrying. */
const WRITE_DEADLINE_MS = 30_000;

/** Settles as `promise` does, or rejects with NoLeader (`what` says what is missing) once
 *  `deadlineMs` (epoch) passed first; `promise` goes on regardless. */
export async function beforeDeadline<T>(promise: Promise<T>, deadlineMs: number, what = 'the cluster did not answer in time'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HeraldError('NoLeader', what)), Math.max(0, deadlineMs - Date.now()));
    timer.unref();
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** A ProduceTransport that serves this node's own address in-process. */
class LocalFirstTransport implements ProduceTransport {
  private readonly pipeline: ProducePipeline;

  constructor(
    private readonly remote: RoutedProduceTransport,
    private readonly node: HeraldNode,
    private readonly selfAddress: string,
  ) {
    this.pipeline = new ProducePipeline(node);
  }

  partitionCount(topic: string): number | undefined {
    return this.remote.partitionCount(topic);
  }
  maxMessageBytes(topic: string): number | undefined {
    return this.remote.maxMessageBytes(topic);
  }
  loadTopic(topic: string): Promise<void> {
    return this.remote.loadTopic(topic);
  }
  route(topic: string, partition: number): string | undefined {
    return this.remote.route(topic, partition);
  }
  send(address: string, request: ProduceRequestInput): Promise<ProduceAnswer> {
    if (address !== this.selfAddress) return this.remote.send(address, request);
    return this.pipeline.submit({ topic: request.topic, partition: request.partition, acks: request.acks, batch: request.batch, timeoutMs: request.timeoutMs });
  }
  onError(topic: string, partition: number, address: string, err: HeraldError): void {
    this.remote.onError(topic, partition, address, err);
  }
  onSuccess(topic: string, partition: number, address: string): void {
    this.remote.onSuccess(topic, partition, address);
  }
  leaderElsewhere(topic: string, partition: number, address: string): Promise<{ readonly id: number; readonly address: string } | undefined> {
    return this.remote.leaderElsewhere(topic, partition, address);
  }
  close(): Promise<void> {
    return this.remote.close();
  }
}

/** The cluster as the gateway of one node sees it. */
export class ClusterAccess {
  readonly client: HeraldClient;
  readonly transport: ProduceTransport;
  /** This node's client address, as the cluster names it. */
  readonly selfAddress: string;

  constructor(readonly node: HeraldNode) {
    this.selfAddress = node.clientAddress(node.nodeId);
    // This node first: its answers name the others.
    const brokers = [this.selfAddress, ...node.nodeIds().filter((id) => id !== node.nodeId).map((id) => node.clientAddress(id))];
    // On a secure cluster the gateway calls as the node itself: its certificate is its principal
    // (a superuser, as every node is to the others); each client's own rights are checked by the
    // gateway before it calls (auth.ts).
    const { security } = node;
    const tls = security.secure ? { ca: security.tls.ca, cert: security.tls.cert, key: security.tls.key } : undefined;
    this.client = new HeraldClient({ brokers, callTimeoutMs: 10_000, ...(tls === undefined ? {} : { tls }) });
    this.transport = new LocalFirstTransport(new RoutedProduceTransport(this.client.router), node, this.selfAddress);
  }

  /** An SDK producer whose writes to partitions led here stay in-process. Linger 1 ms: the
   *  messages of every PUBLISH read in one turn of the event loop (one socket read holds many)
   *  go to each partition as one batch, sent at the turn's end when the partition has nothing in
   *  flight, else 1 ms later or once a send slot frees; with linger 0 each took a send slot of
   *  its own while one was free. */
  producer(): Producer {
    return new Producer(this.transport, { acks: 'quorum', lingerMs: 1, deliveryTimeoutMs: 30_000 });
  }

  /** A queue subscription member over the SDK. */
  queueConsumer(options: QueueConsumerOptions): QueueConsumer {
    return this.client.queueConsumer(options);
  }

  /** The topic's partition count, loading its metadata when not known yet. */
  async partitionCount(topic: string): Promise<number> {
    const known = this.transport.partitionCount(topic);
    if (known !== undefined) return known;
    await this.transport.loadTopic(topic);
    const count = this.transport.partitionCount(topic);
    if (count === undefined) throw new HeraldError('TopicNotFound', `topic "${topic}" has no metadata`);
    return count;
  }

  /** Creates the topic unless it exists (the gateway's default, retained and session topics). */
  async ensureTopic(name: string, partitions: number, replicationFactor: number, configs: Record<string, string> = {}): Promise<void> {
    try {
      await this.client.createTopic(name, { partitions, replicationFactor, configs });
    } catch (err) {
      if (!(err instanceof HeraldError && err.reason === 'TopicExists')) throw err;
    }
  }

  /** Whether this node holds a replica of the partition (opened or about to be). */
  holdsReplica(topic: string, partition: number): boolean {
    const record = this.node.meta.state.topic(topic);
    return record?.partitions[partition]?.replicas.includes(this.node.nodeId) === true;
  }

  /** The partition's high watermark: this node's own when it leads the partition, else its
   *  leader's (as the SDK finds it). */
  async latestOffset(topic: string, partition: number): Promise<number> {
    if (this.holdsReplica(topic, partition)) {
      try {
        const { partition: local } = this.node.partition(topic, partition);
        if (local.group.isLeader()) return local.log.highWatermark;
      } catch {
        // not opened yet: ask the cluster
      }
    }
    return (await this.client.listOffsets(topic, partition, 'latest')).offset;
  }

  /** The partition's first retained offset. */
  async earliestOffset(topic: string, partition: number): Promise<number> {
    return (await this.client.listOffsets(topic, partition, 'earliest')).offset;
  }

  /**
   * Committed records of one partition from `from` on, chunk by chunk, until `signal` aborts:
   * from the local replica when this node holds one, else through the SDK's consumer. A read
   * below the log start (records removed by retention) continues from the log start.
   */
  async *read(topic: string, partition: number, from: number, signal: AbortSignal): AsyncGenerator<RecordChunk> {
    if (this.holdsReplica(topic, partition)) yield* this.readLocal(topic, partition, from, signal);
    else yield* this.readRemote(topic, partition, from, signal);
  }

  private async *readLocal(topic: string, partition: number, from: number, signal: AbortSignal): AsyncGenerator<RecordChunk> {
    let next = from;
    let failures = 0;
    while (!signal.aborted) {
      let result;
      try {
        const hosted = this.node.partition(topic, partition).partition;
        // A follower may not have learned of records the caller saw elsewhere: wait for them.
        if (next > hosted.log.highWatermark) {
          await hosted.log.waitForData(next - 1, LOCAL_WAIT_MS, signal);
          continue;
        }
        if (next < hosted.log.logStartOffset) next = hosted.log.logStartOffset;
        result = await fetchLocal(this.node, { topic, partition, offset: next, maxBytes: FETCH_BYTES, maxWaitMs: LOCAL_WAIT_MS, signal });
        failures = 0;
      } catch (err) {
        if (signal.aborted) return;
        if (!(err instanceof HeraldError)) throw err;
        // The replica is not open yet, or the node is stopping: wait and try again.
        failures++;
        await delay(systemClock, Math.min(1_000, 50 * failures), signal);
        continue;
      }
      const records: LogRecord[] = [];
      for (const batch of result.batches) {
        for (const r of await decodeBatch(batch.bytes)) {
          const offset = batch.baseOffset + r.offsetDelta;
          if (offset >= next) records.push({ offset, timestampMs: r.timestampMs, key: r.key, value: r.value, headers: r.headers });
        }
        next = Math.max(next, batch.baseOffset + batch.recordCount);
      }
      if (records.length > 0 || result.batches.length > 0) yield { records, next };
    }
  }

  private async *readRemote(topic: string, partition: number, from: number, signal: AbortSignal): AsyncGenerator<RecordChunk> {
    const consumer = this.client.consumer({ topic, partitions: [partition], from: { offset: from }, maxWaitMs: LOCAL_WAIT_MS });
    const close = () => void consumer.close();
    signal.addEventListener('abort', close, { once: true });
    try {
      for await (const record of consumer) {
        if (signal.aborted) return;
        yield { records: [record], next: record.offset + 1 };
      }
    } finally {
      signal.removeEventListener('abort', close);
      await consumer.close();
    }
  }

  /**
   * Reads a partition from its log start for as long as `signal` lasts, handing every chunk to
   * `onChunk`; a failed read is retried from where it stopped. The gateway's indexes (sessions,
   * retained messages) follow their compacted topics this way.
   */
  async follow(topic: string, partition: number, onChunk: (chunk: RecordChunk) => void, signal: AbortSignal, log: Logger): Promise<void> {
    let next = -1;
    while (!signal.aborted) {
      try {
        if (next < 0) next = await this.earliestOffset(topic, partition);
        for await (const chunk of this.read(topic, partition, next, signal)) {
          onChunk(chunk);
          next = chunk.next;
        }
      } catch (err) {
        if (signal.aborted) return;
        log.warn({ err, topic, partition }, 'following a topic failed; retrying');
        await delay(systemClock, 500, signal);
      }
    }
  }

  /**
   * Writes one batch the gateway encoded with its own producer fields, retrying at the
   * partition's leader until it is stored or refused for good. A retry resends the same bytes, so
   * the broker's idempotent-producer table answers it as a duplicate when the first attempt was
   * stored: the write happens once, whichever node sends it (the fencing and QoS 2 writes).
   */
  async writeBatch(topic: string, partition: number, records: readonly RecordInput[], fields: ProducerFields): Promise<{ baseOffset: number; duplicate: boolean; attempts: number }> {
    const batch = await encodeBatch(records, fields);
    const deadline = Date.now() + WRITE_DEADLINE_MS;
    let hinted = 0;
    let backoffs = 0;
    await this.partitionCount(topic);
    for (let attempts = 1; ; attempts++) {
      const address = this.transport.route(topic, partition);
      let err: HeraldError;
      if (address === undefined) {
        err = new HeraldError('NoLeader', `no route to ${topic}/${partition} yet`);
      } else {
        try {
          const answer = await this.transport.send(address, { topic, partition, acks: 'quorum', batch, timeoutMs: 5_000 });
          this.transport.onSuccess(topic, partition, address);
          return { baseOffset: answer.baseOffset, duplicate: answer.duplicate, attempts };
        } catch (caught) {
          err = toHeraldError(caught, address);
          this.transport.onError(topic, partition, address, err);
        }
      }
      // A commit that timed out may or may not be stored: the same bytes again are safe.
      if (!shouldRetry(err) && err.reason !== 'CommitTimedOut') throw err;
      const waitMs = delayAfter(err, backoffs, hinted, PRODUCER_RETRY_POLICY);
      if (waitMs === 0) hinted++;
      else {
        hinted = 0;
        backoffs++;
      }
      if (Date.now() + waitMs > deadline) throw err;
      if (waitMs > 0) await delay(systemClock, waitMs);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
