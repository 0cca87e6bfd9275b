// Shows the SDK's transactions across partitions (issue #15, KIP-98 with KIP-890's epoch per
// transaction) against a 3-node cluster: producer.transaction() writes to two topics and commits
// a group's offsets; the records are readable (by the SDK's consumer) only after commit, once,
// and the offsets move with them; an abort leaves nothing readable; each transaction gets the
// next epoch, so a write of an ended transaction (its old epoch) is refused; a second producer
// with the same transactional id fences the first; `herald txn ids` lists the ids; bad input is
// refused. Method: three nodes in this process (test/support/cluster.ts) on 127.0.0.1.

import * as grpc from '@grpc/grpc-js';
import { HeraldClient } from '@herald/client';
import { encodeBatch } from '@herald/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, TestCluster } from '../support/cluster.js';
import { herald } from '../support/herald-cli.js';
import { readTopic } from '../support/read-topic.js';

let cluster: TestCluster;
let client: HeraldClient;

beforeAll(async () => {
  cluster = await TestCluster.start({ nodes: 3 });
  client = new HeraldClient({ brokers: cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`) });
  await cluster.createTopic('st-a', 2);
  await cluster.createTopic('st-b', 1);
  await cluster.createTopic('st-in', 1);
});

afterAll(async () => {
  await client?.close();
  await cluster?.stop();
});

/** Reads `topic` from the beginning through the SDK until `count` records came. */
const read = (topic: string, count: number) => readTopic(client, topic, count, { timeoutMs: 15_000 });

async function lastStableOffset(topic: string, partition: number): Promise<number> {
  return cluster.node(await cluster.leaderOf(topic, partition)).node.partition(topic, partition).partition.log.lastStableOffset;
}

describe('SDK transactions', () => {
  it('commits records on two topics with a group’s offsets; readers see them once, after the commit', async () => {
    const producer = client.producer({ transactionalId: 'sdk-tx' });
    const txn = await producer.transaction();
    await txn.send('st-a', [
      { key: 'k1', value: 'a-1' },
      { key: 'k2', value: 'a-2' },
    ]);
    const [b] = await txn.send('st-b', { value: 'b-1' });
    expect(b).toEqual({ topic: 'st-b', partition: 0, offset: 0 });
    await txn.sendOffsets('st-group', [{ topic: 'st-in', partition: 0, offset: 0 }]);
    expect(await lastStableOffset('st-b', 0)).toBe(0); // held back until the commit
    await txn.commit();
    expect((await read('st-b', 1)).map((r) => r.value!.toString())).toEqual(['b-1']);
    expect((await read('st-a', 2)).map((r) => r.value!.toString()).sort()).toEqual(['a-1', 'a-2']);
    expect((await client.groups.fetchOffsets('st-group')).map((o) => [o.topic, o.partition, o.offset])).toEqual([['st-in', 0, 0]]);
    await producer.close();
  });

  it('gives each transaction the next epoch: a write of an ended one is refused; an abort leaves nothing', async () => {
    const producer = client.producer({ transactionalId: 'sdk-epochs' });
    const first = await producer.transaction();
    await first.send('st-b', { value: 'epoch-first' });
    await first.commit();
    const second = await producer.transaction();
    expect(second.producerEpoch).toBe(first.producerEpoch + 1);
    await second.send('st-b', { value: 'aborted' });
    await second.abort();
    // A delayed write of the first transaction, arriving now: its epoch is fenced.
    const late = await encodeBatch([{ key: null, value: Buffer.from('late'), timestampMs: Date.now() }], { producerId: first.producerId, producerEpoch: first.producerEpoch, baseSequence: 1, transactional: true });
    const leader = cluster.node(await cluster.leaderOf('st-b', 0)).node;
    const { partition } = leader.partition('st-b', 0);
    await expect(partition.leader.produce(late, { recordCount: 1, maxTimestampMs: Date.now(), producerId: first.producerId, producerEpoch: first.producerEpoch, baseSequence: 1, transactional: true }, 'all', 5_000)).rejects.toMatchObject({
      reason: 'ProducerFenced',
    });
    const values = (await read('st-b', 2)).map((r) => r.value!.toString());
    expect(values).toEqual(['b-1', 'epoch-first']);
    await producer.close();
  });

  it('fences the first producer when a second starts with the same transactional id', async () => {
    const first = client.producer({ transactionalId: 'sdk-zombie' });
    const open = await first.transaction();
    await open.send('st-b', { value: 'zombie' });
    const second = client.producer({ transactionalId: 'sdk-zombie' });
    const txn = await second.transaction(); // fences the first, aborting its open transaction
    await expect(open.commit()).rejects.toMatchObject({ reason: 'ProducerFenced' });
    await txn.send('st-b', { value: 'second' });
    await txn.commit();
    const { stdout, code } = await herald(['txn', 'ids', '--brokers', cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`).join(',')]);
    expect(code).toBe(0);
    // Epochs: 0 (first), 1 (its transaction aborted), 2 (second), 3 (after its commit).
    expect(stdout).toMatch(/sdk-zombie\s+\d+\/3\s+2\s+CompleteCommit/);
    // Neither the aborted record of the last test nor the zombie's is ever read.
    expect((await read('st-b', 3)).map((r) => r.value!.toString())).toEqual(['b-1', 'epoch-first', 'second']);
    await first.close();
    await second.close();
  });

  it('serves read_uncommitted on request; read_committed starts an open transaction whole', async () => {
    await cluster.createTopic('st-iso', 1);
    const producer = client.producer({ transactionalId: 'sdk-iso' });
    const open = await producer.transaction();
    await open.send('st-iso', { value: 'open-1' });
    // While it is open: read committed ends at the last stable offset, read uncommitted at the
    // high watermark, and sees the record.
    expect(await client.listOffsets('st-iso', 0, 'latest')).toMatchObject({ offset: 0, lastStableOffset: 0, highWatermark: 1 });
    expect(await client.listOffsets('st-iso', 0, 'latest', { isolation: 'read_uncommitted' })).toMatchObject({ offset: 1, highWatermark: 1 });
    const dirty = client.consumer({ topic: 'st-iso', from: 'earliest', isolation: 'read_uncommitted', maxWaitMs: 200 });
    const firstDirty = await dirty.next();
    expect(firstDirty.done === false && firstDirty.value.value!.toString()).toBe('open-1');
    // A read-committed consumer starting at 'latest' now starts below the open transaction, so
    // it sees it whole once it commits (starting at the high watermark would tear it).
    const committedReader = client.consumer({ topic: 'st-iso', from: 'latest', maxWaitMs: 200 });
    const firstCommitted = committedReader.next();
    await open.send('st-iso', { value: 'open-2' });
    await open.commit();
    const second = await committedReader.next();
    expect([(await firstCommitted).value?.value?.toString(), second.value?.value?.toString()]).toEqual(['open-1', 'open-2']);
    await committedReader.close();
    // An aborted transaction: read uncommitted still sees its record, read committed not.
    const aborted = await producer.transaction();
    await aborted.send('st-iso', { value: 'aborted-1' });
    await aborted.abort();
    await client.producer().send('st-iso', { value: 'after' });
    const dirtyValues: string[] = [];
    for await (const record of dirty) {
      dirtyValues.push(record.value!.toString());
      if (dirtyValues.length === 3) break;
    }
    expect(dirtyValues).toEqual(['open-2', 'aborted-1', 'after']);
    expect((await read('st-iso', 3)).map((r) => r.value!.toString())).toEqual(['open-1', 'open-2', 'after']);
    // The CLI's --isolation, and bad levels refused by the CLI, the SDK and the server.
    const brokers = cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`).join(',');
    const cli = await herald(['consume', 'st-iso', '--from-beginning', '--isolation', 'read_uncommitted', '--count', '4', '--json', '--brokers', brokers]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout.trim().split('\n').map((line) => JSON.parse(line).value)).toEqual(['open-1', 'open-2', 'aborted-1', 'after']);
    const bad = await herald(['consume', 'st-iso', '--isolation', 'dirty', '--brokers', brokers]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--isolation/);
    expect(() => client.consumer({ topic: 'st-iso', isolation: 'dirty' as 'read_committed' })).toThrow(/isolation/);
    await expect(call(cluster.client(1).consume, 'fetch', { topic: 'st-iso', partition: 0, offset: 0, isolation: 7 })).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    await producer.close();
  });

  it('refuses bad input', async () => {
    expect(() => client.producer({ transactionalId: 'not valid!' })).toThrow(/transactionalId/);
    expect(() => client.producer({ transactionalId: 'ok', transactionTimeoutMs: 0 })).toThrow(/transactionTimeoutMs/);
    await expect(client.producer().transaction()).rejects.toMatchObject({ reason: 'InvalidArgument' });
    const producer = client.producer({ transactionalId: 'sdk-bad' });
    const txn = await producer.transaction();
    await expect(txn.send('st-b', { value: 'x', partition: 5 })).rejects.toMatchObject({ reason: 'InvalidArgument' });
    await expect(producer.transaction()).rejects.toMatchObject({ reason: 'InvalidTxnState' });
    await txn.abort();
    await expect(txn.send('st-b', { value: 'x' })).rejects.toMatchObject({ reason: 'InvalidTxnState' });
    await producer.close();
  });
});
