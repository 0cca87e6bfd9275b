import { Acks, Compression, HeraldClient, isHeraldError, type HeraldClientOptions } from '@herald/client';
import { pollUntil, type Ack, type BenchProducer, type BenchTarget, type ProducerSettings, type ReadRecord, type TopicShape } from './target.js';

/** Herald through its own SDK (@herald/client). */
export class HeraldTarget implements BenchTarget {
  readonly system = 'herald';
  private readonly client: HeraldClient;

  constructor(options: HeraldClientOptions) {
    this.client = new HeraldClient(options);
  }

  async ensureTopic(topic: string, shape: TopicShape): Promise<void> {
    try {
      await this.client.createTopic(topic, { partitions: shape.partitions, replicationFactor: shape.replicationFactor });
    } catch (err) {
      if (!(isHeraldError(err) && err.reason === 'TopicExists')) throw err;
      const count = await this.partitionCount(topic);
      if (count !== shape.partitions) throw new Error(`topic "${topic}" exists with ${count} partitions, not ${shape.partitions}; pick another --topic or delete it`);
    }
    await this.waitInSync(topic, 30_000);
  }

  async partitionCount(topic: string): Promise<number | undefined> {
    try {
      return (await this.client.describeTopic(topic)).partitions.length;
    } catch (err) {
      if (isHeraldError(err) && err.reason === 'TopicNotFound') return undefined;
      throw err;
    }
  }

  async deleteTopic(topic: string): Promise<void> {
    await this.client.deleteTopic(topic);
  }

  producer(topic: string, settings: ProducerSettings): BenchProducer {
    const producer = this.client.producer({
      acks: settings.acks as Acks,
      compression: settings.compression as Compression,
      deliveryTimeoutMs: settings.deliveryTimeoutMs,
      ...(settings.lingerMs === undefined ? {} : { lingerMs: settings.lingerMs }),
      ...(settings.batchBytesMax === undefined ? {} : { batchBytesMax: settings.batchBytesMax }),
      ...(settings.maxInFlightPerPartition === undefined ? {} : { maxInFlightPerPartition: settings.maxInFlightPerPartition }),
    });
    return {
      send: (value, partition): Promise<Ack> => producer.send(topic, { value, ...(partition === undefined ? {} : { partition }) }).then((m) => ({ partition: m.partition, offset: m.offset })),
      close: () => producer.close(),
    };
  }

  async recordCounts(topic: string): Promise<number[]> {
    const description = await this.client.describeTopic(topic);
    return Promise.all(
      description.partitions.map(async (p) => {
        const offsets = await this.client.listOffsets(topic, p.id, 'latest');
        return offsets.highWatermark - offsets.logStartOffset;
      }),
    );
  }

  async readAll(topic: string, counts: readonly number[], onRecord: (record: ReadRecord) => void, timeoutMs: number): Promise<void> {
    const partitions = counts.map((c, p) => (c > 0 ? p : -1)).filter((p) => p >= 0);
    let left = counts.reduce((a, b) => a + b, 0);
    if (left === 0) return;
    const consumer = this.client.consumer({ topic, partitions, from: 'earliest', maxWaitMs: 200 });
    let silentSince = Date.now();
    const watchdog = setInterval(() => {
      if (Date.now() - silentSince > timeoutMs) void consumer.close();
    }, 100);
    try {
      for await (const record of consumer) {
        silentSince = Date.now();
        onRecord({ partition: record.partition, offset: record.offset, value: record.value ?? new Uint8Array(0) });
        if (--left === 0) break;
      }
    } finally {
      clearInterval(watchdog);
      await consumer.close();
    }
    if (left > 0) throw new Error(`read no record for ${timeoutMs} ms with ${left} records still to read`);
  }

  leaderName(topic: string, partition: number): Promise<string> {
    return pollUntil(
      async () => {
        const leaderId = (await this.client.describeTopic(topic)).partitions[partition]?.leaderId ?? 0;
        return leaderId === 0 ? undefined : `node-${leaderId}`;
      },
      `a leader of ${topic}/${partition}`,
      10_000,
    );
  }

  async waitInSync(topic: string, timeoutMs: number): Promise<void> {
    await pollUntil(
      async () => {
        const { partitions } = await this.client.describeTopic(topic);
        return partitions.length > 0 && partitions.every((p) => p.leaderId !== 0 && p.isr.length === p.replicas.length) ? true : undefined;
      },
      `every replica of ${topic} in sync`,
      timeoutMs,
    );
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
