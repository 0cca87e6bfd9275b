// Shows that `herald cluster roll` restarts every node of a live cluster, one at a time, without
// losing or duplicating anything acknowledged with acks ALL, and measures what each node's restart
// costs the clients. Method: three real `herald` processes; an idempotent producer writes unique
// values to three partitions (replication factor 3) at a steady pace, at most WINDOW unanswered,
// while rollCluster() (what the command runs) restarts every node with a clean stop (SIGTERM) and
// a start; afterwards every acknowledged value must be read back exactly once, at its
// acknowledged offset, in send order per partition. Printed per node: its restart and heal times
// (rollCluster's figures), the longest time without any acknowledgement while it was away, and
// the slowest acknowledgement of a record sent then.
import { HeraldClient, type ConsumedRecord } from '@herald/client';
import { afterAll, expect, it } from 'vitest';
import { rollCluster, type NodeRollResult } from '../../packages/cli/src/roll.js';
import { ProcessCluster } from '../support/process-cluster.js';
import { readTopic } from '../support/read-topic.js';
import { waitFor } from '../support/wait-for.js';

const PARTITIONS = 3;
const WINDOW = 64;

let cluster: ProcessCluster | undefined;
let client: HeraldClient | undefined;
afterAll(async () => {
  await client?.close();
  await cluster?.destroy();
});

interface Ack {
  readonly sentMs: number;
  readonly ackedMs: number;
}

it('rolls every node under an acks=all load, losing and duplicating nothing acknowledged', { timeout: 300_000 }, async () => {
  cluster = await ProcessCluster.start(3);
  await cluster.ready();
  client = new HeraldClient({ brokers: cluster.brokers });
  await client.createTopic('roll', { partitions: PARTITIONS, replicationFactor: 3 });
  await waitFor(async () => (await client!.describeTopic('roll')).partitions.every((p) => p.leaderId !== 0 && p.isr.length === 3), { timeoutMs: 20_000, what: 'roll/* led with a full ISR' });

  const producer = client.producer({ acks: 'all', idempotent: true, deliveryTimeoutMs: 120_000 });
  const acked = new Map<string, { partition: number; offset: number }>();
  const acks: Ack[] = [];
  const failed: string[] = [];
  let sent = 0;
  let stopping = false;
  const load = (async () => {
    const inFlight = new Set<Promise<void>>();
    while (!stopping) {
      const value = `v${sent}`;
      const partition = sent % PARTITIONS;
      const sentMs = performance.now();
      const send: Promise<void> = producer.send('roll', { value, partition }).then(
        (r) => {
          acked.set(value, { partition: r.partition, offset: r.offset });
          acks.push({ sentMs, ackedMs: performance.now() });
        },
        () => void failed.push(value),
      );
      inFlight.add(send);
      void send.finally(() => inFlight.delete(send));
      sent++;
      if (inFlight.size >= WINDOW) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  })();

  await waitFor(() => acks.length >= 500, { timeoutMs: 30_000, what: '500 acknowledgements before the roll' });
  const steps = new Map<number, { fromMs: number; toMs: number }>();
  const stops = new Map<number, { stopMs: number; readyMs: number }>();
  const results: NodeRollResult[] = await rollCluster(client, {
    restart: async (id) => {
      const stopping = performance.now();
      await cluster!.stopNode(id);
      const started = performance.now();
      cluster!.startNode(id);
      await cluster!.ready();
      if (!cluster!.isRunning(id)) throw new Error(`node ${id} exited after its restart:\n${cluster!.logTail(id)}`);
      stops.set(id, { stopMs: started - stopping, readyMs: performance.now() - started });
    },
    waitMs: 60_000,
    drainMs: 20_000,
    onEvent: (e) => {
      if (e.type === 'restarting') steps.set(e.node, { fromMs: performance.now(), toMs: Infinity });
      if (e.type === 'healed') steps.get(e.node)!.toMs = performance.now();
      if (e.type === 'waiting' || e.type === 'behind') console.log(`node ${e.node} ${e.type}: ${(e.type === 'waiting' ? e.blockers : e.lag).join('; ')}`);
    },
  });
  const ackedBeforeEnd = acks.length;
  await waitFor(() => acks.length >= ackedBeforeEnd + 300, { timeoutMs: 30_000, what: '300 more acknowledgements after the roll' });
  stopping = true;
  await load;
  await producer.close();

  expect(results.map((r) => r.node).sort()).toEqual([1, 2, 3]);
  expect(failed).toEqual([]);
  expect(acked.size).toBe(sent);

  const ackTimes = acks.map((a) => a.ackedMs).sort((a, b) => a - b);
  for (const r of results) {
    const { fromMs, toMs } = steps.get(r.node)!;
    let gapMs = 0;
    let previous = ackTimes.filter((t) => t < fromMs).at(-1) ?? fromMs;
    for (const t of ackTimes.filter((t) => t >= fromMs && t <= toMs)) {
      gapMs = Math.max(gapMs, t - previous);
      previous = t;
    }
    const slowestMs = Math.max(0, ...acks.filter((a) => a.sentMs >= fromMs && a.sentMs <= toMs).map((a) => a.ackedMs - a.sentMs));
    console.log(
      `node ${r.node}: ${r.leadershipsMoved} leaderships moved${r.controllerMoved ? ', controller moved' : ''}; restart ${r.restartMs} ms (stop ${stops.get(r.node)!.stopMs.toFixed(0)} ms, start to ready ${stops.get(r.node)!.readyMs.toFixed(0)} ms), back in every ISR ${r.healMs} ms later; ` +
        `longest time without an acknowledgement ${gapMs.toFixed(0)} ms, slowest acknowledgement ${slowestMs.toFixed(0)} ms`,
    );
  }
  console.log(`${acked.size} records acknowledged with acks=all during the roll`);

  const records = await readTopic(client, 'roll', acked.size, { timeoutMs: 60_000 });
  const values = records.map((r: ConsumedRecord) => r.value!.toString());
  expect(new Set(values).size).toBe(values.length); // nothing twice
  expect(values.length).toBe(acked.size); // nothing lost
  for (const r of records) expect(acked.get(r.value!.toString())).toEqual({ partition: r.partition, offset: r.offset });
  for (let p = 0; p < PARTITIONS; p++) {
    const inPartition = records.filter((r) => r.partition === p).map((r) => Number(r.value!.toString().slice(1)));
    expect(inPartition).toEqual([...inPartition].sort((a, b) => a - b)); // in send order
  }
});
