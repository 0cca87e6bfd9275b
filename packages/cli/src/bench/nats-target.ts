// NATS JetStream through its own Node client (npm `nats` v2), for side-by-side runs
// (scripts/bench-peers.sh). A topic of one partition is one stream; a topic of P partitions is
// P streams `<topic>-p0` ... (each stream is its own Raft group in JetStream, as each partition
// is in Herald). A stream's subject is its name. JetStream acknowledges a publish once the
// stream's Raft group has committed it, which does not wait for an fsync (its default
// `sync_interval` is 2 minutes); Herald acknowledges QUORUM only after a quorum has fsynced.
//
// `nats` is a development dependency of the CLI: this file is loaded only for `--system nats`.

import { connect, RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';
import { pollUntil, type Ack, type BenchProducer, type BenchTarget, type ProducerSettings, type ReadRecord, type TopicShape } from './target.js';

/** NATS JetStream through the `nats` client. */
export class NatsTarget implements BenchTarget {
  readonly system = 'nats';

  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly timeoutMs: number,
  ) {}

  /** Connects to any of `servers` (host:port), with the client's own performance setting on (no
   *  stack trace captured per request: without it, a publish spends about a tenth of the client's
   *  time building an Error). Reconnects at once to another server when one goes away (the
   *  client's 2 s default pause would count against NATS in failover runs). */
  static async connect(servers: readonly string[], timeoutMs: number): Promise<NatsTarget> {
    const nc = await connect({ servers: [...servers], noAsyncTraces: true, maxReconnectAttempts: -1, reconnectTimeWait: 50, reconnectJitter: 0, timeout: timeoutMs });
    const jsm = await pollUntil(() => nc.jetstreamManager({ timeout: timeoutMs }), 'JetStream to answer', 30_000, 250);
    return new NatsTarget(nc, jsm, nc.jetstream({ timeout: timeoutMs }), timeoutMs);
  }

  private async streams(topic: string): Promise<string[]> {
    const names: string[] = [];
    for await (const info of this.jsm.streams.list()) names.push(info.config.name);
    if (names.includes(topic)) return [topic];
    const parts = names.filter((n) => n.startsWith(`${topic}-p`) && /^\d+$/.test(n.slice(topic.length + 2)));
    return parts.sort((a, b) => Number(a.slice(topic.length + 2)) - Number(b.slice(topic.length + 2)));
  }

  private static streamNames(topic: string, partitions: number): string[] {
    return partitions === 1 ? [topic] : Array.from({ length: partitions }, (_, p) => `${topic}-p${p}`);
  }

  async ensureTopic(topic: string, shape: TopicShape): Promise<void> {
    const existing = await this.streams(topic);
    if (existing.length > 0 && existing.length !== shape.partitions) {
      throw new Error(`topic "${topic}" exists as ${existing.length} streams, not ${shape.partitions}; pick another --topic or delete it`);
    }
    for (const name of NatsTarget.streamNames(topic, shape.partitions)) {
      if (existing.includes(name)) continue;
      // Right after the servers start, JetStream's meta group may not have a leader yet.
      await pollUntil(
        () => this.jsm.streams.add({ name, subjects: [name], storage: StorageType.File, num_replicas: shape.replicationFactor, retention: RetentionPolicy.Limits }).then(() => true),
        `stream ${name} created`,
        30_000,
        250,
      );
    }
    await this.waitInSync(topic, 30_000);
  }

  async partitionCount(topic: string): Promise<number | undefined> {
    const streams = await this.streams(topic);
    return streams.length === 0 ? undefined : streams.length;
  }

  async deleteTopic(topic: string): Promise<void> {
    for (const name of await this.streams(topic)) await this.jsm.streams.delete(name);
  }

  producer(topic: string, settings: ProducerSettings): BenchProducer {
    if (settings.compression !== 'none') throw new Error('--compression: NATS 2.9 streams have no compression');
    if (settings.acks !== 'quorum') throw new Error('--acks: a JetStream publish is acknowledged once its stream has committed it (quorum); no other level exists');
    let subjects: string[] | undefined;
    let loading: Promise<string[]> | undefined;
    let next = 0;
    const timeout = Math.min(settings.deliveryTimeoutMs, this.timeoutMs);
    return {
      send: async (value, partition): Promise<Ack> => {
        subjects ??= await (loading ??= this.streams(topic));
        const p = partition ?? next++ % subjects.length;
        const subject = subjects[p];
        if (subject === undefined) throw new Error(`topic "${topic}" has partitions 0 to ${subjects.length - 1} (got ${p})`);
        const ack = await this.js.publish(subject, value, { timeout });
        return { partition: p, offset: ack.seq };
      },
      close: async () => {},
    };
  }

  async recordCounts(topic: string): Promise<number[]> {
    const counts: number[] = [];
    for (const name of await this.streams(topic)) counts.push((await this.jsm.streams.info(name)).state.messages);
    return counts;
  }

  async readAll(topic: string, counts: readonly number[], onRecord: (record: ReadRecord) => void, timeoutMs: number): Promise<void> {
    const streams = await this.streams(topic);
    await Promise.all(
      streams.map(async (name, partition) => {
        let left = counts[partition] ?? 0;
        if (left === 0) return;
        const consumer = await this.js.consumers.get(name); // an ordered consumer, from the start
        const messages = await consumer.consume({ max_messages: 4096 });
        let silentSince = Date.now();
        const watchdog = setInterval(() => {
          if (Date.now() - silentSince > timeoutMs) messages.stop();
        }, 100);
        try {
          for await (const m of messages) {
            silentSince = Date.now();
            onRecord({ partition, offset: m.seq, value: m.data });
            if (--left === 0) break;
          }
        } finally {
          clearInterval(watchdog);
          messages.stop();
        }
        if (left > 0) throw new Error(`stream ${name}: read no record for ${timeoutMs} ms with ${left} records still to read`);
      }),
    );
  }

  async leaderName(topic: string, partition: number): Promise<string> {
    const name = (await this.streams(topic))[partition];
    if (name === undefined) throw new Error(`topic "${topic}" has no partition ${partition}`);
    return pollUntil(async () => (await this.jsm.streams.info(name)).cluster?.leader || undefined, `a leader of stream ${name}`, 10_000);
  }

  async waitInSync(topic: string, timeoutMs: number): Promise<void> {
    const names = await this.streams(topic);
    await pollUntil(
      async () => {
        for (const name of names) {
          const info = await this.jsm.streams.info(name);
          const replicas = info.cluster?.replicas ?? [];
          if (!info.cluster?.leader || replicas.length !== info.config.num_replicas - 1 || !replicas.every((r) => r.current && !r.offline)) return undefined;
        }
        return true;
      },
      `every replica of ${topic} current`,
      timeoutMs,
      250,
    );
  }

  async close(): Promise<void> {
    await this.nc.close();
  }
}
