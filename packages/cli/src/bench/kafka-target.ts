// Herald through its Kafka listener, driven by kafkajs (npm), for side-by-side runs with the SDK
// (scripts/bench/kafka.ts): the same workload code, a Kafka client no one here wrote. kafkajs
// sends what it is given in one request, so this producer batches as the SDK does: records
// wait up to lingerMs (5 by default) or until batchBytesMax, then go out in one send, at most
// maxInFlightPerPartition sends at a time. Records are placed round-robin over the partitions
// (or on the one asked for), so that each acknowledgement names its partition and offset.
//
// Acks: Kafka has 0, 1 and -1; `none`, `leader` and `all` map to them, and `quorum` (the bench's
// default) to -1, which Herald serves as ALL (every in-sync replica), a little stronger.
// `kafkajs` is a development dependency of the CLI: this file is loaded only for `--system kafka`.

import { CompressionTypes, Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { pollUntil, type Ack, type BenchProducer, type BenchTarget, type ProducerSettings, type ReadRecord, type TopicShape } from './target.js';

const KAFKA_ACKS: Readonly<Record<string, number>> = { none: 0, leader: 1, quorum: -1, all: -1 };
const KAFKA_COMPRESSION: Readonly<Record<string, CompressionTypes>> = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP };

interface Pending {
  readonly value: Uint8Array;
  readonly partition: number;
  readonly resolve: (ack: Ack) => void;
  readonly reject: (err: Error) => void;
}

/** Herald's Kafka listener through kafkajs. */
export class KafkaTarget implements BenchTarget {
  readonly system = 'kafka';
  private readonly producers: Producer[] = [];

  private constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
  ) {}

  /** Connects an admin client to any of `brokers` (host:port of Kafka listeners). */
  static async connect(brokers: readonly string[], timeoutMs: number): Promise<KafkaTarget> {
    const kafka = new Kafka({ clientId: 'herald-bench', brokers: [...brokers], logLevel: logLevel.NOTHING, requestTimeout: timeoutMs, retry: { retries: 10, initialRetryTime: 100 } });
    const admin = kafka.admin();
    await admin.connect();
    return new KafkaTarget(kafka, admin);
  }

  async ensureTopic(topic: string, shape: TopicShape): Promise<void> {
    const created = await this.admin.createTopics({ topics: [{ topic, numPartitions: shape.partitions, replicationFactor: shape.replicationFactor }], waitForLeaders: true });
    if (!created) {
      const count = await this.partitionCount(topic);
      if (count !== shape.partitions) throw new Error(`topic "${topic}" exists with ${count} partitions, not ${shape.partitions}; pick another --topic or delete it`);
    }
    await this.waitInSync(topic, 30_000);
  }

  async partitionCount(topic: string): Promise<number | undefined> {
    if (!(await this.admin.listTopics()).includes(topic)) return undefined;
    return (await this.admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions.length;
  }

  async deleteTopic(topic: string): Promise<void> {
    await this.admin.deleteTopics({ topics: [topic] });
  }

  producer(topic: string, settings: ProducerSettings): BenchProducer {
    const acks = KAFKA_ACKS[settings.acks];
    const compression = KAFKA_COMPRESSION[settings.compression];
    if (acks === undefined) throw new Error(`--acks ${settings.acks}: Kafka has none (0), leader (1) and all (-1)`);
    if (compression === undefined) throw new Error(`--compression ${settings.compression}: kafkajs compresses with gzip only (the others need codec packages)`);
    const lingerMs = settings.lingerMs ?? 5;
    const batchBytesMax = settings.batchBytesMax ?? 512 * 1024;
    const inFlightMax = settings.maxInFlightPerPartition ?? 5;
    const producer = this.kafka.producer({ allowAutoTopicCreation: false });
    this.producers.push(producer);
    const connected = producer.connect();
    let partitions: Promise<number> | undefined;
    let next = 0;
    let queue: Pending[] = [];
    let queuedBytes = 0;
    let timer: NodeJS.Timeout | undefined;
    let inFlight = 0;
    const waiting: (() => void)[] = [];

    const flush = async (): Promise<void> => {
      clearTimeout(timer);
      timer = undefined;
      if (queue.length === 0) return;
      const batch = queue;
      queue = [];
      queuedBytes = 0;
      while (inFlight >= inFlightMax) await new Promise<void>((resolve) => waiting.push(resolve));
      inFlight++;
      try {
        await connected;
        const results = await producer.send({ topic, acks, compression, timeout: settings.deliveryTimeoutMs, messages: batch.map((p) => ({ value: Buffer.from(p.value), partition: p.partition })) });
        const base = new Map(results.map((r) => [r.partition, Number(r.baseOffset)]));
        const seen = new Map<number, number>();
        for (const p of batch) {
          const i = seen.get(p.partition) ?? 0;
          seen.set(p.partition, i + 1);
          p.resolve({ partition: p.partition, offset: (base.get(p.partition) ?? -1) + i });
        }
      } catch (err) {
        for (const p of batch) p.reject(err as Error);
      } finally {
        inFlight--;
        waiting.shift()?.();
      }
    };

    return {
      send: async (value, partition): Promise<Ack> => {
        const count = await (partitions ??= this.partitionCount(topic).then((n) => n ?? 1));
        const p = partition ?? next++ % count;
        return new Promise<Ack>((resolve, reject) => {
          queue.push({ value, partition: p, resolve, reject });
          queuedBytes += value.length;
          if (queuedBytes >= batchBytesMax) void flush();
          else timer ??= setTimeout(() => void flush(), lingerMs);
        });
      },
      close: async () => {
        await flush();
        while (inFlight > 0) await new Promise<void>((resolve) => waiting.push(resolve));
        await producer.disconnect();
      },
    };
  }

  async recordCounts(topic: string): Promise<number[]> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return offsets.sort((a, b) => a.partition - b.partition).map((o) => Number(o.high) - Number(o.low));
  }

  async readAll(topic: string, counts: readonly number[], onRecord: (record: ReadRecord) => void, timeoutMs: number): Promise<void> {
    let left = counts.reduce((sum, n) => sum + n, 0);
    if (left === 0) return;
    const consumer = this.kafka.consumer({ groupId: `herald-bench-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 100, maxBytesPerPartition: 4 << 20 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      let silentSince = Date.now();
      let resolveDone!: () => void;
      const done = new Promise<void>((resolve, reject) => {
        const watchdog = setInterval(() => {
          if (Date.now() - silentSince <= timeoutMs) return;
          clearInterval(watchdog);
          reject(new Error(`read no record for ${timeoutMs} ms with ${left} records still to read`));
        }, 100);
        resolveDone = () => {
          clearInterval(watchdog);
          resolve();
        };
      });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          silentSince = Date.now();
          for (const m of batch.messages) onRecord({ partition: batch.partition, offset: Number(m.offset), value: m.value ?? new Uint8Array(0) });
          left -= batch.messages.length;
          if (left <= 0) resolveDone();
        },
      });
      await done;
    } finally {
      await consumer.disconnect();
    }
  }

  async leaderName(topic: string, partition: number): Promise<string> {
    const metadata = await this.admin.fetchTopicMetadata({ topics: [topic] });
    const leader = metadata.topics[0]?.partitions.find((p) => p.partitionId === partition)?.leader;
    if (leader === undefined || leader < 0) throw new Error(`no leader known for ${topic}/${partition}`);
    return `node-${leader}`;
  }

  async waitInSync(topic: string, timeoutMs: number): Promise<void> {
    await pollUntil(
      async () => {
        const metadata = await this.admin.fetchTopicMetadata({ topics: [topic] });
        return metadata.topics[0]!.partitions.every((p) => p.leader >= 0 && p.isr.length === p.replicas.length) ? true : undefined;
      },
      `every replica of ${topic} in sync`,
      timeoutMs,
      250,
    );
  }

  async close(): Promise<void> {
    for (const producer of this.producers.splice(0)) await producer.disconnect().catch(() => undefined);
    await this.admin.disconnect();
  }
}
