// `herald node drain`: hand every partition leadership of a node to another in-sync replica before
// the node stops (a Kubernetes preStop hook, a rolling restart), so that its clients see a planned
// transfer (well under a second of unavailability) rather than an election after it is gone.
// Redpanda's preStop does the same through its maintenance mode; Strimzi moves leaderships off a
// Kafka broker before it rolls it.

import type { HeraldClient, PartitionDescription } from '@herald/client';

/** What a drain needs of the SDK (a HeraldClient; a fake in unit tests). */
export type DrainClient = Pick<HeraldClient, 'listTopics' | 'describeTopic' | 'transferLeadership'>;

/** One leadership handed away. */
export interface LeadershipMove {
  readonly topic: string;
  readonly partition: number;
  readonly from: number;
  readonly to: number;
}

/** A partition the node still leads when the drain gave up, and the last reason it did not move. */
export interface LeadershipKept {
  readonly topic: string;
  readonly partition: number;
  readonly reason: string;
}

/** What a drain did: every leadership moved, and those still on the node at the deadline. */
export interface DrainResult {
  readonly moved: readonly LeadershipMove[];
  readonly kept: readonly LeadershipKept[];
}

/** Options of drainNode(). */
export interface DrainOptions {
  /** Give up on what has not moved after this long. */
  readonly deadlineMs: number;
  /** Transfers in flight at once. */
  readonly concurrency?: number;
  /** Called as each leadership moves (the CLI prints it). */
  readonly onMove?: (move: LeadershipMove) => void;
}

/** How long a round of transfers waits before it looks again, at most. */
const ROUND_PAUSE_MAX_MS = 1_000;

interface Led {
  readonly topic: string;
  readonly partition: PartitionDescription;
}

/** Every partition of the cluster, by topic, and how many each node leads. */
async function survey(client: DrainClient, nodeId: number, timeoutMs: number): Promise<{ led: Led[]; leadersPerNode: Map<number, number> }> {
  const led: Led[] = [];
  const leadersPerNode = new Map<number, number>();
  for (const summary of await client.listTopics({ timeoutMs })) {
    const topic = await client.describeTopic(summary.name, { timeoutMs });
    for (const partition of topic.partitions) {
      leadersPerNode.set(partition.leaderId, (leadersPerNode.get(partition.leaderId) ?? 0) + 1);
      if (partition.leaderId === nodeId) led.push({ topic: topic.name, partition });
    }
  }
  return { led, leadersPerNode };
}

/** Runs `task` over `items`, `concurrency` at a time. */
async function forEachLimited<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/**
 * Moves the leadership of every partition `nodeId` leads to another member of its ISR: the one
 * leading the fewest partitions first (so that the load spreads), another one on the next round
 * if that failed. Looks again until the node leads nothing it can hand away, or `deadlineMs` has
 * passed: a partition may come back to it (an election it won meanwhile), and a follower out of
 * the ISR may catch up. A partition with no other replica cannot move and is kept at once.
 */
export async function drainNode(client: DrainClient, nodeId: number, options: DrainOptions): Promise<DrainResult> {
  const deadline = Date.now() + options.deadlineMs;
  const left = () => Math.max(1, deadline - Date.now());
  const moved: LeadershipMove[] = [];
  const reasons = new Map<string, string>();
  const keep = ({ topic, partition }: Led): LeadershipKept => ({ topic, partition: partition.id, reason: reasons.get(`${topic}/${partition.id}`) ?? 'the deadline passed' });
  for (let round = 0; ; round++) {
    const { led, leadersPerNode } = await survey(client, nodeId, left());
    for (const { topic, partition } of led) {
      if (partition.replicas.every((id) => id === nodeId)) reasons.set(`${topic}/${partition.id}`, 'no other replica');
    }
    const movable = led.filter(({ partition }) => partition.replicas.some((id) => id !== nodeId));
    if (movable.length === 0 || Date.now() >= deadline) return { moved, kept: led.map(keep) };
    let failed = false;
    await forEachLimited(movable, options.concurrency ?? 8, async ({ topic, partition }) => {
      const key = `${topic}/${partition.id}`;
      const candidates = partition.isr.filter((id) => id !== nodeId).sort((a, b) => (leadersPerNode.get(a) ?? 0) - (leadersPerNode.get(b) ?? 0) || a - b);
      if (candidates.length === 0) {
        failed = true;
        reasons.set(key, `no other in-sync replica (ISR ${partition.isr.join(',') || 'empty'})`);
        return;
      }
      const to = candidates[round % candidates.length]!;
      leadersPerNode.set(to, (leadersPerNode.get(to) ?? 0) + 1);
      try {
        const result = await client.transferLeadership(topic, partition.id, to, { timeoutMs: left() });
        if (result.leaderId === nodeId || result.leaderId === 0) throw new Error(`leadership is still on node ${nodeId}`);
        const move = { topic, partition: partition.id, from: nodeId, to: result.leaderId };
        moved.push(move);
        options.onMove?.(move);
      } catch (err) {
        failed = true;
        reasons.set(key, err instanceof Error ? err.message : String(err));
      }
    });
    // A refusal (a follower not caught up, an election under way) clears up within a few
    // heartbeats: look again a little later, sooner when every transfer went through.
    if (failed) await new Promise((resolve) => setTimeout(resolve, Math.min(ROUND_PAUSE_MAX_MS, 100 * (round + 1), left())));
  }
}

/** What moving the controller role needs of the SDK. */
export type ControllerClient = Pick<HeraldClient, 'describeCluster' | 'transferController'>;

/** Hands the controller role (the meta group's leadership) to the lowest-numbered other member
 *  of the meta group's ISR when `nodeId` holds it; says whether it moved. A refusal is left to
 *  the election that follows the node's stop. */
export async function moveController(client: ControllerClient, nodeId: number, timeoutMs: number): Promise<boolean> {
  const cluster = await client.describeCluster({ timeoutMs });
  if (cluster.controllerId !== nodeId) return false;
  const to = cluster.controllerIsr.filter((id) => id !== nodeId).sort((a, b) => a - b)[0];
  if (to === undefined) return false;
  try {
    const moved = await client.transferController(to, { timeoutMs });
    return moved.leaderId !== nodeId && moved.leaderId !== 0;
  } catch {
    return false;
  }
}
