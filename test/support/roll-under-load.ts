import type { HeraldClient } from '@herald/client';
import { expect } from 'vitest';
import { rollCluster, type NodeRollResult, type RollEvent } from '../../packages/cli/src/roll.js';
import type { HeraldCommand, ProcessCluster } from './process-cluster.js';
import { expectExactlyOnce, startSteadyLoad, unavailability } from './steady-load.js';
import { waitFor } from './wait-for.js';

/** Partitions of the topic a roll test writes to (replication factor 3). */
const PARTITIONS = 3;

/**
 * Rolls `running` under a steady acks=all load, restarting each node with `next` (the same build
 * when undefined), checks that nothing acknowledged was lost or duplicated, and prints what each
 * step cost (console). The roll and upgrade tests run it.
 */
export async function rollUnderLoad(running: ProcessCluster, admin: HeraldClient, topic: string, next?: HeraldCommand): Promise<NodeRollResult[]> {
  await admin.createTopic(topic, { partitions: PARTITIONS, replicationFactor: 3 });
  await waitFor(async () => (await admin.describeTopic(topic)).partitions.every((p) => p.leaderId !== 0 && p.isr.length === 3), { timeoutMs: 20_000, what: `${topic}/* led with a full ISR` });
  const load = startSteadyLoad(admin, topic, PARTITIONS);
  await waitFor(() => load.acks.length >= 500, { timeoutMs: 30_000, what: '500 acknowledgements before the roll' });
  const steps = new Map<number, { fromMs: number; toMs: number; stopMs: number; readyMs: number }>();
  const results = await rollCluster(admin, {
    restart: async (id) => {
      const stopping = performance.now();
      await running.stopNode(id);
      const started = performance.now();
      running.startNode(id, next);
      await running.ready();
      if (!running.isRunning(id)) throw new Error(`node ${id} exited after its restart:\n${running.logTail(id)}`);
      Object.assign(steps.get(id)!, { stopMs: started - stopping, readyMs: performance.now() - started });
    },
    waitMs: 60_000,
    drainMs: 20_000,
    onEvent: (e: RollEvent) => {
      if (e.type === 'restarting') steps.set(e.node, { fromMs: performance.now(), toMs: Infinity, stopMs: 0, readyMs: 0 });
      if (e.type === 'healed') steps.get(e.node)!.toMs = performance.now();
      if (e.type === 'waiting' || e.type === 'behind') console.log(`node ${e.node} ${e.type}: ${(e.type === 'waiting' ? e.blockers : e.lag).join('; ')}`);
    },
  });
  const ackedAtEnd = load.acks.length;
  await waitFor(() => load.acks.length >= ackedAtEnd + 300, { timeoutMs: 30_000, what: '300 more acknowledgements after the roll' });
  await load.stop();
  expect(results.map((r) => r.node).sort()).toEqual([1, 2, 3]);
  for (const r of results) {
    const step = steps.get(r.node)!;
    const { gapMs, slowestMs } = unavailability(load.acks, step.fromMs, step.toMs);
    console.log(
      `node ${r.node}: ${r.leadershipsMoved} leaderships moved${r.controllerMoved ? ', controller moved' : ''}; stop ${step.stopMs.toFixed(0)} ms, start to ready ${step.readyMs.toFixed(0)} ms, ` +
        `back in every ISR ${r.healMs} ms later; longest time without an acknowledgement ${gapMs.toFixed(0)} ms, slowest acknowledgement ${slowestMs.toFixed(0)} ms`,
    );
  }
  console.log(`${load.acked.size} records acknowledged with acks=all during the roll`);
  await expectExactlyOnce(admin, topic, PARTITIONS, load);
  return results;
}
