import type { HeraldClient, PartitionReassignment } from '@herald/client';
import { withClient, type ClusterOptions } from './options.js';
import { formatTable, ids } from './output.js';

/** How often the CLI looks at the partitions it waits for. */
const POLL_MS = 250;

/** A reassignment as printed: the partition, its replicas before and after. */
export function reassignmentTable(plan: readonly (PartitionReassignment & { from?: readonly number[] })[]): string {
  return formatTable(
    ['PARTITION', 'FROM', 'TO'],
    plan.map((r) => [`${r.topic}/${r.partition}`, ids(r.from ?? []), ids(r.replicas)]),
  );
}

/** The current replicas of each partition of `plan` (for printing what moves). */
export async function currentReplicas(client: HeraldClient, plan: readonly PartitionReassignment[]): Promise<(PartitionReassignment & { from: readonly number[] })[]> {
  const topics = new Map<string, Awaited<ReturnType<HeraldClient['describeTopic']>>>();
  for (const name of new Set(plan.map((r) => r.topic))) topics.set(name, await client.describeTopic(name));
  return plan.map((r) => ({ ...r, from: topics.get(r.topic)?.partitions[r.partition]?.replicas ?? [] }));
}

/**
 * Waits until every partition of `plan` holds exactly its planned replicas, in order, with no
 * reassignment left in progress; resolves with those still moving after `waitMs` (none when all
 * are done). `onDone` hears each partition as it completes.
 */
export async function waitForReassignments(client: HeraldClient, plan: readonly PartitionReassignment[], waitMs: number, onDone: (r: PartitionReassignment, ms: number) => void = () => {}): Promise<PartitionReassignment[]> {
  const started = Date.now();
  let left = [...plan];
  while (left.length > 0) {
    const topics = new Map<string, Awaited<ReturnType<HeraldClient['describeTopic']>> | undefined>();
    for (const name of new Set(left.map((r) => r.topic))) topics.set(name, await client.describeTopic(name).catch(() => undefined));
    left = left.filter((r) => {
      const p = topics.get(r.topic)?.partitions[r.partition];
      const done = p !== undefined && p.targetReplicas.length === 0 && p.replicas.join() === r.replicas.join();
      if (done) onDone(r, Date.now() - started);
      return !done;
    });
    if (left.length === 0 || Date.now() - started > waitMs) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return left;
}

/** Hands each partition of `plan` to its preferred leader (its first replica) where another
 *  replica leads and the preferred one is in sync; resolves with how many moved. */
export async function electPreferredLeaders(client: HeraldClient, plan: readonly PartitionReassignment[]): Promise<number> {
  let moved = 0;
  for (const name of new Set(plan.map((r) => r.topic))) {
    const topic = await client.describeTopic(name);
    for (const r of plan.filter((q) => q.topic === name)) {
      const p = topic.partitions[r.partition];
      const preferred = r.replicas[0]!;
      if (p === undefined || p.leaderId === preferred || !p.isr.includes(preferred)) continue;
      await client.transferLeadership(name, r.partition, preferred).then(
        () => moved++,
        () => undefined,
      );
    }
  }
  return moved;
}

/**
 * Waits until node `id` is out of the cluster (no longer listed, not even as leaving), asking only
 * the other nodes: a removed node never hears of its own removal from the meta group, so its own
 * answers list it for good. Resolves with whether it left within `waitMs`.
 */
export async function waitUntilRemoved(client: HeraldClient, options: ClusterOptions, id: number, waitMs: number): Promise<boolean> {
  const others = (await client.describeCluster()).nodes.filter((n) => n.id !== id && n.address !== '').map((n) => n.address);
  return withClient({ ...options, brokers: others }, async (rest) => {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const cluster = await rest.describeCluster().catch(() => undefined);
      if (cluster !== undefined && !cluster.nodes.some((n) => n.id === id)) return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  });
}
