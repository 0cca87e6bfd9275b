// Shows that nothing acknowledged with acks QUORUM is lost, duplicated or reordered when the
// leader of its partition is killed with SIGKILL mid-stream and later restarted, and that a
// whole cluster stopped and started again still holds everything. Method: three real `herald`
// processes; an idempotent producer writes 10,000 unique values to one partition; after 3,000
// acknowledgements the leader's process is killed by PID, then restarted 2 s later; every
// acknowledged value must then be read back exactly once, at its acknowledged offset, in send
// order; finally all three nodes are stopped and started, and the log is read again.
import { HeraldClient, type ConsumedRecord } from '@herald/client';
import { afterAll, expect, it } from 'vitest';
import { ProcessCluster } from '../support/process-cluster.js';
import { readTopic } from '../support/read-topic.js';
import { waitFor } from '../support/wait-for.js';

const TOTAL = 10_000;
const KILL_AFTER = 3_000;

let cluster: ProcessCluster | undefined;
let client: HeraldClient | undefined;
afterAll(async () => {
  await client?.close();
  await cluster?.destroy();
});

it('loses nothing acknowledged across a leader SIGKILL and a full restart', async () => {
  cluster = await ProcessCluster.start(3);
  await cluster.ready();
  client = new HeraldClient({ brokers: cluster.brokers });
  await client.createTopic('kill', { partitions: 1, replicationFactor: 3 });
  const leader = await waitFor(async () => (await client!.describeTopic('kill')).partitions[0]!.leaderId || undefined, { timeoutMs: 10_000, what: 'a leader of kill/0' });

  const producer = client.producer({ acks: 'quorum', idempotent: true, deliveryTimeoutMs: 60_000 });
  const acked = new Map<string, number>();
  const failed: string[] = [];
  let killedAt = 0;
  let firstAckAfterKill = 0;
  const sends: Promise<void>[] = [];
  for (let i = 0; i < TOTAL; i++) {
    const value = `v${i}`;
    sends.push(
      producer.send('kill', { value, partition: 0 }).then(
        (r) => {
          acked.set(value, r.offset);
          if (killedAt > 0 && firstAckAfterKill === 0) firstAckAfterKill = performance.now();
        },
        () => void failed.push(value),
      ),
    );
    if (i === KILL_AFTER) {
      await waitFor(() => acked.size >= KILL_AFTER, { timeoutMs: 30_000, what: `${KILL_AFTER} acknowledgements` });
      await cluster.kill(leader);
      killedAt = performance.now();
      setTimeout(() => cluster!.startNode(leader), 2_000);
    }
    // Keep a bounded window of unacknowledged records, as a real producer would.
    if (i % 500 === 499) await waitFor(() => acked.size + failed.length >= i - 2_000, { timeoutMs: 60_000, what: 'the producer to keep up' });
  }
  await Promise.all(sends);
  await producer.close();
  expect(failed).toEqual([]);
  expect(acked.size).toBe(TOTAL);
  console.log(`first acknowledgement ${(firstAckAfterKill - killedAt).toFixed(0)} ms after the leader's SIGKILL`);

  const check = (records: ConsumedRecord[]) => {
    const values = records.map((r) => r.value!.toString());
    expect(new Set(values).size).toBe(values.length); // no duplicates
    for (const r of records) expect(acked.get(r.value!.toString())).toBe(r.offset); // at its acknowledged offset
    expect(values).toEqual(Array.from({ length: TOTAL }, (_, i) => `v${i}`)); // all, in send order
  };
  check(await readTopic(client, 'kill', TOTAL, { partitions: [0] }));

  await waitFor(() => cluster!.isRunning(leader), { timeoutMs: 10_000, what: 'the killed node restarted' });
  for (const id of [1, 2, 3]) await cluster.stopNode(id);
  for (const id of [1, 2, 3]) cluster.startNode(id);
  await cluster.ready();
  await client.close();
  client = new HeraldClient({ brokers: cluster.brokers });
  check(await readTopic(client, 'kill', TOTAL, { partitions: [0] }));
});
