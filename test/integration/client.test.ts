// Shows that the SDK works against a real 3-node cluster: topics made through the admin calls,
// 3,000 keyed records produced through the idempotent producer come back through the consumer
// complete, each partition in send order, each key in one partition; a batch whose answer is
// lost is resent and stored once; the controller role moves on request. Method: three nodes in
// this process over real gRPC on 127.0.0.1 (test/support/cluster.ts), each with its own
// temporary data directory.
//
// @herald/client is imported by path: the test package's dependencies are not this change's.

import { partitionForKey } from '@herald/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HeraldClient,
  Producer,
  RoutedProduceTransport,
  unreachable,
  type ConsumedRecord,
  type ProduceAnswer,
  type ProduceRequestInput,
  type ProduceTransport,
} from '@herald/client';
import { TestCluster } from '../support/cluster.js';
import { waitFor } from '../support/wait-for.js';

let cluster: TestCluster;
let client: HeraldClient;

beforeAll(async () => {
  cluster = await TestCluster.start({ nodes: 3 });
  client = new HeraldClient({ brokers: cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`) });
});

afterAll(async () => {
  await client?.close();
  await cluster?.stop();
});

/** Reads `count` records from a consumer, failing after `timeoutMs`. */
async function take(iterator: AsyncIterator<ConsumedRecord>, count: number, timeoutMs: number): Promise<ConsumedRecord[]> {
  const records: ConsumedRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (records.length < count) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms with ${records.length} of ${count} records`);
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms with ${records.length} of ${count} records`)), left);
      }),
    ]).finally(() => clearTimeout(timer));
    if (next.done === true) break;
    records.push(next.value);
  }
  return records;
}

describe('HeraldClient against a 3-node cluster', () => {
  it('creates, lists and describes a topic through the controller', async () => {
    const created = await client.createTopic('orders', { partitions: 3, replicationFactor: 3 });
    expect(created.name).toBe('orders');
    expect(created.partitions).toHaveLength(3);
    expect((await client.listTopics()).map((t) => t.name)).toContain('orders');
    const described = await waitFor(
      async () => {
        const d = await client.describeTopic('orders');
        return d.partitions.every((p) => p.leaderId !== 0 && p.isr.length === 3) ? d : undefined;
      },
      { timeoutMs: 10_000, what: 'orders to have leaders and full ISRs' },
    );
    for (const p of described.partitions) expect([...p.replicas].sort()).toEqual([1, 2, 3]);
    const cluster = await client.describeCluster();
    expect(cluster.controllerId).toBeGreaterThan(0);
    expect(cluster.nodes.map((n) => n.id)).toEqual([1, 2, 3]);
  });

  it('produces 3,000 keyed records with acks quorum and consumes them all back in order', async () => {
    const producer = client.producer({ acks: 'quorum', lingerMs: 5, batchBytesMax: 16 * 1024 });
    const total = 3_000;
    const sent = Array.from({ length: total }, (_, i) => ({ key: `key-${i % 97}`, value: `value-${i}` }));
    const results = await Promise.all(sent.map((r) => producer.send('orders', r)));
    await producer.close();

    // Same key, same partition: the one Kafka's partitioner picks.
    for (let i = 0; i < total; i++) {
      expect(results[i]!.partition).toBe(partitionForKey(Buffer.from(sent[i]!.key), 3));
    }
    // Within a partition, offsets follow send order.
    const lastOffset = new Map<number, number>();
    for (const r of results) {
      expect(r.offset).toBeGreaterThan(lastOffset.get(r.partition) ?? -1);
      lastOffset.set(r.partition, r.offset);
    }

    const consumer = client.consumer({ topic: 'orders', from: 'earliest' });
    const records = await take(consumer[Symbol.asyncIterator](), total, 20_000);
    await consumer.close();
    expect(records).toHaveLength(total);

    const byPartition = new Map<number, ConsumedRecord[]>();
    for (const r of records) byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r]);
    const keyPartition = new Map<string, number>();
    for (const [partition, list] of byPartition) {
      // Offsets 0, 1, 2, … with nothing missing or repeated, and values in send order.
      expect(list.map((r) => r.offset)).toEqual(list.map((_, i) => i));
      const expected = sent.filter((_, i) => results[i]!.partition === partition).map((r) => r.value);
      expect(list.map((r) => r.value!.toString())).toEqual(expected);
      for (const r of list) {
        const key = r.key!.toString();
        expect(keyPartition.get(key) ?? partition).toBe(partition);
        keyPartition.set(key, partition);
      }
    }
    expect(byPartition.size).toBe(3);
  });

  it('keeps a partition complete and in order while its leadership moves mid-stream', async () => {
    await client.createTopic('moving', { partitions: 1, replicationFactor: 3 });
    await waitFor(async () => (await client.describeTopic('moving')).partitions[0]!.isr.length === 3, { timeoutMs: 10_000, what: 'moving/0 ISR of 3' });
    const producer = client.producer({ lingerMs: 1, batchBytesMax: 2_048 });
    const total = 2_000;
    const sends: Promise<{ offset: number }>[] = [];
    let moved: Promise<{ leaderId: number }> | undefined;
    for (let i = 0; i < total; i++) {
      sends.push(producer.send('moving', { value: `m-${i}` }));
      if (i === total / 2) {
        const from = (await client.describeTopic('moving')).partitions[0]!.leaderId;
        moved = client.transferLeadership('moving', 0, from === 3 ? 2 : 3);
      }
      if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const results = await Promise.all(sends);
    await producer.close();
    expect((await moved)!.leaderId).toBeGreaterThan(0);
    expect(results.map((r) => r.offset)).toEqual(results.map((_, i) => i));

    const consumer = client.consumer({ topic: 'moving', from: 'earliest' });
    const records = await take(consumer[Symbol.asyncIterator](), total, 20_000);
    await consumer.close();
    expect(records.map((r) => r.value!.toString())).toEqual(Array.from({ length: total }, (_, i) => `m-${i}`));
  });

  it('describes the meta group\'s ISR and hands the controller role to another node', async () => {
    const before = await waitFor(async () => {
      const c = await client.describeCluster();
      return c.controllerId !== 0 && c.controllerIsr.length === 3 ? c : undefined;
    }, { timeoutMs: 10_000, what: 'a controller with all three nodes in sync' });
    expect(before.controllerIsr).toEqual([1, 2, 3]);
    const to = before.controllerId === 3 ? 1 : before.controllerId + 1;
    await expect(client.transferController(to)).resolves.toMatchObject({ leaderId: to });
    await waitFor(async () => (await client.describeCluster()).controllerId === to, { timeoutMs: 10_000, what: `node ${to} the controller` });
    await expect(client.transferController(9)).rejects.toThrow('node 9 is not a voter of the meta group (voters: 1, 2, 3)');
  });

  it('stores a batch once when its answer is lost and the producer resends it', async () => {
    await client.createTopic('dups', { partitions: 1, replicationFactor: 3 });
    const answers: ProduceAnswer[] = [];
    const inner = new RoutedProduceTransport(client.router);
    // Delivers every request, but reports the first answer as lost (as if the connection broke
    // after the broker stored the batch): the producer must resend the same bytes.
    const losingFirstAnswer: ProduceTransport = {
      partitionCount: (topic) => inner.partitionCount(topic),
      loadTopic: (topic) => inner.loadTopic(topic),
      route: (topic, partition) => inner.route(topic, partition),
      onError: (topic, partition, address, err) => inner.onError(topic, partition, address, err),
      onSuccess: (topic, partition, address) => inner.onSuccess(topic, partition, address),
      leaderElsewhere: (topic, partition, address) => inner.leaderElsewhere(topic, partition, address),
      close: () => inner.close(),
      async send(address: string, request: ProduceRequestInput) {
        const answer = await inner.send(address, request);
        answers.push(answer);
        if (answers.length === 1) throw unreachable(address, 'answer dropped by the test');
        return answer;
      },
    };
    const producer = new Producer(losingFirstAnswer, { lingerMs: 0 });
    const sent = await producer.send('dups', { key: 'k', value: 'once' });
    await producer.close();

    expect(answers).toHaveLength(2);
    expect(answers[0]!.duplicate).toBe(false);
    expect(answers[1]).toEqual({ baseOffset: answers[0]!.baseOffset, recordCount: 1, duplicate: true });
    expect(sent).toEqual({ topic: 'dups', partition: 0, offset: answers[0]!.baseOffset });

    const after = client.producer({ lingerMs: 0 });
    await after.send('dups', { key: 'k', value: 'after' });
    await after.close();
    const consumer = client.consumer({ topic: 'dups', from: 'earliest' });
    const records = await take(consumer[Symbol.asyncIterator](), 2, 10_000);
    await consumer.close();
    expect(records.map((r) => [r.offset, r.value!.toString()])).toEqual([
      [0, 'once'],
      [1, 'after'],
    ]);
  });
});
