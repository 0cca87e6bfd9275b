import * as grpc from '@grpc/grpc-js';
import { encodeBatch, fromWireError, loadApiDefinition, partitionForKey, readBatchHeader, type ApiGrpcType, type RecordHeader } from '@herald/protocol';
import type { NodeId } from '@herald/raft';
import type { TopicRecord } from '../meta/meta-state.js';
import { Acks } from '../partition/partition-leader.js';
import type { Partition } from '../partition/partition.js';
import type { DeadLetter } from './queue-leader.js';

/** What the writer needs of the node. */
export interface DeadLetterHost {
  topic(name: string): TopicRecord | undefined;
  /** The replica of a partition hosted here, if any. */
  localPartition(topic: TopicRecord, partition: number): Partition | undefined;
  /** The partition's leader as far as the cluster knows; 0 when none answered. */
  leaderOf(topic: TopicRecord, partition: number): Promise<NodeId>;
  clientAddress(id: NodeId): string;
  /** Credentials to call another node's client port as this node. */
  credentials(): grpc.ChannelCredentials;
}

const PRODUCE_TIMEOUT_MS = 10_000;
const encoder = new TextEncoder();

/**
 * Writes a subscription's dead letters to its topic's dead-letter topic, acks QUORUM, through
 * the leader of each dead-letter partition: this node's replica when it leads, else the
 * leader's client API. Not idempotent: a leader that fails after writing and before the
 * QueueDeadLettered command commits writes the records again (at least once).
 */
export class DeadLetterWriter {
  private readonly clients = new Map<string, grpc.Client & Record<string, unknown>>();
  private readonly produceService = (grpc.loadPackageDefinition(loadApiDefinition()) as unknown as ApiGrpcType).herald.v1.ProduceService;

  constructor(private readonly host: DeadLetterHost) {}

  /** Resolves false when the dead-letter topic does not exist (nothing written). */
  async write(source: { topic: string; partition: number; subscription: string; deadLetterTopic: string }, letters: readonly DeadLetter[]): Promise<boolean> {
    const target = this.host.topic(source.deadLetterTopic);
    if (target === undefined) return false;
    const byPartition = new Map<number, DeadLetter[]>();
    for (const letter of letters) {
      const partition = letter.record.key === null ? source.partition % target.partitions.length : partitionForKey(letter.record.key, target.partitions.length);
      let list = byPartition.get(partition);
      if (list === undefined) byPartition.set(partition, (list = []));
      list.push(letter);
    }
    for (const [partition, list] of byPartition) {
      const batch = await encodeBatch(
        list.map((l) => ({
          key: l.record.key,
          value: l.record.value,
          timestampMs: l.record.timestampMs,
          headers: [...l.record.headers, ...reasonHeaders(source, l)],
        })),
      );
      await this.produce(target, partition, batch);
    }
    return true;
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private async produce(topic: TopicRecord, partition: number, batch: Uint8Array): Promise<void> {
    const local = this.host.localPartition(topic, partition);
    if (local?.group.isLeader() === true) {
      await local.leader.produce(batch, readBatchHeader(batch), Acks.Quorum, PRODUCE_TIMEOUT_MS);
      return;
    }
    const leader = await this.host.leaderOf(topic, partition);
    if (leader === 0) throw new Error(`${topic.name}/${partition} has no leader`);
    const address = this.host.clientAddress(leader);
    let client = this.clients.get(address);
    if (client === undefined) {
      client = new this.produceService(address, this.host.credentials()) as unknown as grpc.Client & Record<string, unknown>;
      this.clients.set(address, client);
    }
    const produce = client['produce'] as (req: object, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null) => void) => void;
    await new Promise<void>((resolve, reject) => {
      produce.call(client, { topic: topic.name, partition, acks: 'ACKS_QUORUM', batch, timeoutMs: PRODUCE_TIMEOUT_MS }, { deadline: Date.now() + PRODUCE_TIMEOUT_MS + 2_000 }, (err) => {
        if (err === null) return resolve();
        const details = Object.fromEntries(Object.entries(err.metadata.getMap()).map(([k, v]) => [k, String(v)]));
        reject(fromWireError({ reason: details['herald-reason'], message: err.details, details }));
      });
    });
  }
}

function reasonHeaders(source: { topic: string; partition: number; subscription: string }, letter: DeadLetter): RecordHeader[] {
  const header = (key: string, value: string | number): RecordHeader => ({ key, value: encoder.encode(String(value)) });
  return [
    header('herald-dlq-reason', letter.reason),
    header('herald-dlq-topic', source.topic),
    header('herald-dlq-partition', source.partition),
    header('herald-dlq-offset', letter.offset),
    header('herald-dlq-subscription', source.subscription),
    header('herald-dlq-deliveries', letter.deliveries),
  ];
}
