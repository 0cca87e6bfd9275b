import type { HeraldClient, NodeDescription, PartitionReassignment } from '@herald/client';
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
 * `herald node add`: adds the node and waits up to `waitMs` for it to vote in the meta group.
 * AddNode answers early, the node still a learner, when its controller loses the meta group's
 * leadership meanwhile (an election); the next controller goes on promoting the node, and a
 * repeated add only waits, so it is asked again until `waitMs` has passed. Resolves with the node
 * as last described and how many times it was asked.
 */
export async function addNodeAndWait(client: Pick<HeraldClient, 'addNode'>, node: Parameters<HeraldClient['addNode']>[0], waitMs: number): Promise<{ node: NodeDescription; asked: number }> {
  const started = Date.now();
  for (let asked = 1; ; asked++) {
    const leftMs = Math.max(1, waitMs - (Date.now() - started));
    const added = await client.addNode(node, leftMs, { timeoutMs: leftMs + 15_000 });
    if (added.role === 'voter' || Date.now() - started >= waitMs) return { node: added, asked };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Makes a client like the command's own for other brokers (closed by the caller). */
export type Connect = (brokers: string[]) => Promise<HeraldClient>;

/**
 * Waits until node `id` is out of the cluster (no longer listed, not even as leaving), asking only
 * the other nodes: a removed node never hears of its own removal from the meta group, so its own
 * answers list it for good. Resolves with whether it left within `waitMs`.
 */
export async function waitUntilRemoved(client: HeraldClient, connect: Connect, id: number, waitMs: number): Promise<boolean> {
  const others = (await client.describeCluster()).nodes.filter((n) => n.id !== id && n.address !== '').map((n) => n.address);
  const rest = await connect(others);
  try {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const cluster = await rest.describeCluster().catch(() => undefined);
      if (cluster !== undefined && !cluster.nodes.some((n) => n.id === id)) return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    await rest.close();
  }
}

/** What `cluster rebalance` did: the moves with the replicas they started from, those still
 *  moving at the deadline, the leaderships handed to preferred leaders, and the time taken. */
export interface RebalanceResult {
  readonly plan: (PartitionReassignment & { from: readonly number[] })[];
  readonly left: PartitionReassignment[];
  readonly leaders: number;
  readonly elapsedMs: number;
}

/** `herald cluster rebalance`: plans and starts the moves, waits up to `waitMs` for them, then
 *  hands each moved partition to its preferred leader. */
export async function rebalance(client: HeraldClient, options: { dryRun: boolean; throttle?: number; waitMs: number }): Promise<RebalanceResult> {
  const started = Date.now();
  const begun = await client.rebalanceCluster(options.dryRun, options.throttle);
  // Read at once: the replicas change only when each move completes.
  const plan = await currentReplicas(client, begun);
  if (options.dryRun || plan.length === 0) return { plan, left: [], leaders: 0, elapsedMs: 0 };
  const left = await waitForReassignments(client, begun, options.waitMs);
  const leaders = left.length === 0 ? await electPreferredLeaders(client, begun) : 0;
  return { plan, left, leaders, elapsedMs: Date.now() - started };
}

/** What `node decommission` (or `node replace`) did: the moves, those still moving at the
 *  deadline, whether the node left the cluster, and the time taken. */
export interface DecommissionResult {
  readonly plan: (PartitionReassignment & { from: readonly number[] })[];
  readonly left: PartitionReassignment[];
  readonly removed: boolean;
  readonly elapsedMs: number;
}

/** `herald node decommission`: moves every replica off `node` (to `replacement` where given),
 *  waits up to `waitMs`, hands the moved partitions to their preferred leaders, removes the node,
 *  and waits until it has left (asking the other nodes through `connect`). */
export async function decommission(
  client: HeraldClient,
  connect: Connect,
  options: { node: number; dryRun: boolean; throttle?: number; waitMs: number; replacement?: number },
): Promise<DecommissionResult> {
  const started = Date.now();
  const begun = await client.decommissionNode(options.node, options.dryRun, options.throttle, { replacement: options.replacement });
  const plan = await currentReplicas(client, begun);
  if (options.dryRun) return { plan, left: [], removed: false, elapsedMs: 0 };
  const left = await waitForReassignments(client, begun, options.waitMs);
  if (left.length > 0) return { plan, left, removed: false, elapsedMs: Date.now() - started };
  await electPreferredLeaders(client, begun);
  await client.removeNode(options.node);
  const removed = await waitUntilRemoved(client, connect, options.node, options.waitMs);
  return { plan, left, removed, elapsedMs: Date.now() - started };
}
