// What a benchmark needs of the system under test. Herald's SDK implements it (herald-target.ts),
// and so does the NATS JetStream client (nats-target.ts), so that `scripts/bench-peers.sh` runs
// the very same workload code against both: only the client differs.

/** Where an acknowledged record was stored: its partition (a stream, for NATS) and offset
 *  (the stream sequence, for NATS). */
export interface Ack {
  readonly partition: number;
  readonly offset: number;
}

/** A record read back: its partition, offset and value. */
export interface ReadRecord {
  readonly partition: number;
  readonly offset: number;
  readonly value: Uint8Array;
}

/** Settings of one benchmark producer. */
export interface ProducerSettings {
  readonly acks: string;
  readonly compression: string;
  /** Herald: how long a batch stays open; undefined for the client's default. */
  readonly lingerMs: number | undefined;
  /** Herald: the batch size that closes a batch; undefined for the client's default. */
  readonly batchBytesMax: number | undefined;
  /** Herald: batches outstanding per partition; undefined for the client's default. */
  readonly maxInFlightPerPartition: number | undefined;
  /** How long one record may take, retries included, before it fails. */
  readonly deliveryTimeoutMs: number;
}

/** A producer of records, pipelined: send() returns at once and settles on the acknowledgement. */
export interface BenchProducer {
  /** Sends `value`, to `partition` if given, else wherever the system places it. */
  send(value: Uint8Array, partition: number | undefined): Promise<Ack>;
  close(): Promise<void>;
}

/** A topic's shape. */
export interface TopicShape {
  readonly partitions: number;
  readonly replicationFactor: number;
}

/** One system under test, reached through its own client. */
export interface BenchTarget {
  /** 'herald' or 'nats', for reports. */
  readonly system: string;
  /** Creates the topic (or checks the existing one has `shape.partitions` partitions) and waits
   *  until every partition has a leader and all its replicas. */
  ensureTopic(topic: string, shape: TopicShape): Promise<void>;
  /** The topic's partition count, or undefined if it does not exist. */
  partitionCount(topic: string): Promise<number | undefined>;
  deleteTopic(topic: string): Promise<void>;
  producer(topic: string, settings: ProducerSettings): BenchProducer;
  /** The number of records stored in each partition, from its first offset to its end. */
  recordCounts(topic: string): Promise<number[]>;
  /** Reads `counts[p]` records from the start of every partition p, calling `onRecord` for each;
   *  resolves when all arrived, rejects after `timeoutMs` of silence. */
  readAll(topic: string, counts: readonly number[], onRecord: (record: ReadRecord) => void, timeoutMs: number): Promise<void>;
  /** The name of the node leading the partition (`node-N`), which is also the folder of its PID
   *  file under a cluster's data folder. */
  leaderName(topic: string, partition: number): Promise<string>;
  /** Resolves once every replica of every partition is in sync again (after a restart). */
  waitInSync(topic: string, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined; throws
 *  naming `what` after `timeoutMs`. Errors thrown by `check` count as "not yet". */
export async function pollUntil<T>(check: () => Promise<T | undefined>, what: string, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
