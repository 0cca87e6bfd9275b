// Shows that a live cluster grows from three nodes to five, rebalances its partitions over them,
// and decommissions node 1, without losing or duplicating anything acknowledged with acks ALL,
// and measures what each step costs the clients (issue #16). Method: real `herald` processes; an
// idempotent producer writes unique values to three partitions (replication factor 3), at most 64
// unanswered, throughout; nodes 4 and 5 start with --join and are added (`herald node add`'s
// call), the cluster is rebalanced (`herald cluster rebalance`'s), node 1 is decommissioned
// (`herald node decommission`'s: its replicas move away, then it is removed) and stopped.
// Afterwards every acknowledged value must be read back exactly once, at its acknowledged offset,
// in send order per partition. Printed per step: its duration, the longest time without any
// acknowledgement, and the slowest acknowledgement of a record sent then.
import { HeraldClient } from '@herald/client';
import { afterAll, expect, it } from 'vitest';
import { electPreferredLeaders, waitForReassignments } from '../../packages/cli/src/reassign.js';
import { ProcessCluster } from '../support/process-cluster.js';
import { expectExactlyOnce, startSteadyLoad, unavailability } from '../support/steady-load.js';
import { waitFor } from '../support/wait-for.js';

const PARTITIONS = 3;

let cluster: ProcessCluster | undefined;
let client: HeraldClient | undefined;
let failed = true;
afterAll(async () => {
  await client?.close();
  if (failed && cluster !== undefined) console.log(`logs kept in ${cluster.keepLogs('membership')}`);
  await cluster?.destroy();
});

it('grows 3 -> 5 nodes, rebalances and decommissions node 1 under an acks=all load, losing and duplicating nothing acknowledged', { timeout: 300_000 }, async () => {
  cluster = await ProcessCluster.start(3);
  await cluster.ready();
  const running = cluster;
  client = new HeraldClient({ brokers: cluster.brokers });
  const admin = client;
  await admin.createTopic('grow', { partitions: PARTITIONS, replicationFactor: 3 });
  await waitFor(async () => (await admin.describeTopic('grow')).partitions.every((p) => p.leaderId !== 0 && p.isr.length === 3), { timeoutMs: 20_000, what: 'grow/* led with a full ISR' });
  const load = startSteadyLoad(admin, 'grow', PARTITIONS);
  await waitFor(() => load.acks.length >= 300, { timeoutMs: 30_000, what: '300 acknowledgements before the first step' });

  const steps: { name: string; fromMs: number; toMs: number }[] = [];
  const step = async (name: string, run: () => Promise<void>) => {
    const fromMs = performance.now();
    await run();
    steps.push({ name, fromMs, toMs: performance.now() });
  };

  await step('add nodes 4 and 5', async () => {
    for (let added = 0; added < 2; added++) {
      // Not ready (it knows no controller) until the cluster admits it: add it while it starts.
      const peer = await running.addNode();
      const node = await admin.addNode({ id: peer.id, host: '127.0.0.1', clientPort: peer.clientPort, peerPort: peer.peerPort, kafkaPort: peer.kafkaPort }, 60_000);
      expect(node.role).toBe('voter');
      await running.ready();
    }
  });
  expect((await admin.describeCluster()).nodes.map((n) => [n.id, n.role])).toEqual([1, 2, 3, 4, 5].map((id) => [id, 'voter']));

  await step('rebalance', async () => {
    const plan = await admin.rebalanceCluster(false);
    expect(plan.length).toBeGreaterThan(0);
    expect(await waitForReassignments(admin, plan, 120_000)).toEqual([]);
    await electPreferredLeaders(admin, plan);
  });
  const spread = (await admin.describeTopic('grow')).partitions.flatMap((p) => p.replicas);
  for (const id of [1, 2, 3, 4, 5]) expect(spread.filter((r) => r === id).length).toBeGreaterThanOrEqual(1);

  await step('decommission node 1', async () => {
    const plan = await admin.decommissionNode(1, false);
    expect(await waitForReassignments(admin, plan, 120_000)).toEqual([]);
    await electPreferredLeaders(admin, plan);
    await admin.removeNode(1);
    await waitFor(async () => !(await admin.describeCluster()).nodes.some((n) => n.id === 1), { timeoutMs: 30_000, what: 'node 1 out of the meta group' });
    await running.stopNode(1);
  });
  expect((await admin.describeTopic('grow')).partitions.every((p) => !p.replicas.includes(1))).toBe(true);

  const ackedAtEnd = load.acks.length;
  await waitFor(() => load.acks.length >= ackedAtEnd + 300, { timeoutMs: 30_000, what: '300 more acknowledgements after the last step' });
  await load.stop();
  for (const s of steps) {
    const { gapMs, slowestMs } = unavailability(load.acks, s.fromMs, s.toMs);
    console.log(`${s.name}: ${((s.toMs - s.fromMs) / 1000).toFixed(1)} s; longest time without an acknowledgement ${gapMs.toFixed(0)} ms, slowest acknowledgement ${slowestMs.toFixed(0)} ms`);
  }
  console.log(`${load.acked.size} records acknowledged with acks=all`);
  await expectExactlyOnce(admin, 'grow', PARTITIONS, load);
  failed = false;
});
