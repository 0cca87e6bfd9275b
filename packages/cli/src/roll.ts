// `herald cluster roll`: restart every node, one at a time, without losing availability. Strimzi's
// rule for rolling KRaft clusters (KafkaRoller): a node is restarted only when every quorum it
// votes in keeps a caught-up majority without it, its leaderships are moved away first, and the
// next node waits until the restarted one is back in sync everywhere.

import type { ClusterDescription, HeraldClient, TopicDescription } from '@herald/client';
import { drainNode, moveController, type DrainClient } from './drain.js';

/** What a roll needs of the SDK (a HeraldClient; a fake in unit tests). */
export type RollClient = DrainClient & Pick<HeraldClient, 'describeCluster' | 'transferController'>;

/** What the cluster looks like at one moment: the cluster and every topic. */
export interface ClusterView {
  readonly cluster: ClusterDescription;
  readonly topics: readonly TopicDescription[];
}

/** The majority of `voters` voters. */
function majority(voters: number): number {
  return Math.floor(voters / 2) + 1;
}

/**
 * Why restarting `nodeId` now would cost availability, or an empty list when it would not: a
 * group the node votes in (the meta group: every node; a partition: its replicas) whose in-sync
 * voters other than the node are fewer than a majority of its voters, or that has no leader.
 * With a caught-up majority left, a new leader is elected at once if the node led, and commits
 * go on while it is away. A partition with a single replica always blocks: it is unavailable
 * while its node restarts.
 */
export function rollBlockers({ cluster, topics }: ClusterView, nodeId: number): string[] {
  const blockers: string[] = [];
  const voters = cluster.nodes.length;
  const metaOthers = metaIsr(cluster).filter((id) => id !== nodeId);
  if (cluster.controllerId === 0) blockers.push('the meta group: no controller known');
  else if (metaOthers.length < majority(voters)) blockers.push(`the meta group: in sync without node ${nodeId}: ${metaOthers.join(',') || 'none'}, a majority of ${voters} needs ${majority(voters)}`);
  for (const topic of topics) {
    for (const p of topic.partitions) {
      if (!p.replicas.includes(nodeId)) continue;
      const others = p.isr.filter((id) => id !== nodeId);
      const name = `${topic.name}/${p.id}`;
      if (p.leaderId === 0) blockers.push(`${name}: no leader`);
      else if (others.length < majority(p.replicas.length)) {
        blockers.push(`${name}: in sync without node ${nodeId}: ${others.join(',') || 'none'}, a majority of ${p.replicas.length} replicas needs ${majority(p.replicas.length)}`);
      }
    }
  }
  return blockers;
}

/** The meta group's ISR as the controller reports it. A node of a release before this one does
 *  not report it (an empty list); the nodes the answering node hears from stand in for it then,
 *  which is all such a cluster can tell (an upgrade from that release). */
function metaIsr(cluster: ClusterDescription): readonly number[] {
  return cluster.controllerIsr.length > 0 ? cluster.controllerIsr : cluster.nodes.filter((n) => n.alive).map((n) => n.id);
}

/** What still keeps `nodeId` from counting as back after its restart: a group it votes in whose
 *  ISR lacks it, or that has no leader; empty once it is in sync everywhere. */
export function healLag({ cluster, topics }: ClusterView, nodeId: number): string[] {
  const lag: string[] = [];
  if (cluster.controllerId === 0 || !metaIsr(cluster).includes(nodeId)) lag.push('the meta group');
  for (const topic of topics) {
    for (const p of topic.partitions) {
      if (p.replicas.includes(nodeId) && (p.leaderId === 0 || !p.isr.includes(nodeId))) lag.push(`${topic.name}/${p.id}`);
    }
  }
  return lag;
}

/** The order to roll in: the nodes asked for (all by default) in id order, the controller last,
 *  so that the controller role moves once (Strimzi rolls the active controller last). */
export function rollOrder(cluster: ClusterDescription, nodes?: readonly number[]): number[] {
  const ids = (nodes ?? cluster.nodes.map((n) => n.id)).slice().sort((a, b) => a - b);
  return [...ids.filter((id) => id !== cluster.controllerId), ...ids.filter((id) => id === cluster.controllerId)];
}

/** How one node's restart went; times in milliseconds. */
export interface NodeRollResult {
  readonly node: number;
  /** Waiting for the node to be safe to restart (rollBlockers empty). */
  readonly waitedMs: number;
  /** Partition leaderships moved away, and those it still led when it was restarted. */
  readonly leadershipsMoved: number;
  readonly leadershipsKept: number;
  /** Whether the controller role moved away from it first. */
  readonly controllerMoved: boolean;
  /** From the restart's start until it returned (the node stopped, and started again). */
  readonly restartMs: number;
  /** From then until the node was back in the ISR of every group it votes in. */
  readonly healMs: number;
}

/** Something a roll reports as it goes (the CLI prints it). */
export type RollEvent =
  | { readonly type: 'waiting'; readonly node: number; readonly blockers: readonly string[] }
  | { readonly type: 'drained'; readonly node: number; readonly moved: number; readonly kept: number; readonly controllerMoved: boolean }
  | { readonly type: 'restarting'; readonly node: number }
  | { readonly type: 'restarted'; readonly node: number; readonly restartMs: number }
  | { readonly type: 'behind'; readonly node: number; readonly lag: readonly string[] }
  | { readonly type: 'healed'; readonly node: number; readonly result: NodeRollResult };

/** Options of rollCluster(). */
export interface RollOptions {
  /** Stops node `id` and starts it again (or has an operator do it); resolves once it was
   *  started again. */
  readonly restart: (id: number) => Promise<void>;
  /** The nodes to roll, all by default (rollOrder puts the controller last). */
  readonly nodes?: readonly number[];
  /** How long a node may stay unsafe to restart, or behind after it, before the roll stops. */
  readonly waitMs: number;
  /** How long the drain of one node may take (what it could not move is left to an election). */
  readonly drainMs: number;
  /** How often the cluster is looked at while waiting. */
  readonly pollMs?: number;
  readonly onEvent?: (event: RollEvent) => void;
}

/** A roll that stopped: a node stayed unsafe to restart, or did not come back in time. */
export class RollStopped extends Error {
  constructor(
    message: string,
    readonly node: number,
    readonly reasons: readonly string[],
    readonly done: readonly NodeRollResult[],
  ) {
    super(message);
    this.name = 'RollStopped';
  }
}

/** The cluster and every topic, as the client sees them now. */
export async function viewCluster(client: RollClient, timeoutMs: number): Promise<ClusterView> {
  const cluster = await client.describeCluster({ timeoutMs });
  const topics: TopicDescription[] = [];
  for (const t of await client.listTopics({ timeoutMs })) topics.push(await client.describeTopic(t.name, { timeoutMs }));
  return { cluster, topics };
}

/** Looks at the cluster until `problems` finds none, or `timeoutMs` has passed; returns the
 *  last problems found (empty: resolved) and how long it waited. */
async function waitUntilClear(client: RollClient, timeoutMs: number, pollMs: number, problems: (view: ClusterView) => string[], onWait?: (problems: string[]) => void): Promise<{ problems: string[]; waitedMs: number }> {
  const started = Date.now();
  let last: string[] = [];
  for (let round = 0; ; round++) {
    try {
      last = problems(await viewCluster(client, Math.max(1_000, Math.min(5_000, timeoutMs))));
    } catch (err) {
      // A node restarting or an election under way: look again.
      last = [`the cluster did not answer: ${err instanceof Error ? err.message : String(err)}`];
    }
    const waitedMs = Date.now() - started;
    if (last.length === 0 || waitedMs >= timeoutMs) return { problems: last, waitedMs };
    if (round === 0) onWait?.(last);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * Restarts the cluster's nodes one at a time. For each node: wait until restarting it is safe
 * (rollBlockers), move its partition leaderships away (drainNode) and, if it is the controller,
 * the controller role; check again that it is safe; restart it; wait until it is back in the ISR
 * of every group it votes in (healLag). Throws RollStopped, naming what blocked, when a node
 * stays unsafe or behind for `waitMs`; the nodes rolled until then are in `done`.
 */
export async function rollCluster(client: RollClient, options: RollOptions): Promise<NodeRollResult[]> {
  const pollMs = options.pollMs ?? 200;
  const done: NodeRollResult[] = [];
  const order = rollOrder(await client.describeCluster({ timeoutMs: options.waitMs }), options.nodes);
  for (const node of order) {
    const safe = await waitUntilClear(client, options.waitMs, pollMs, (view) => rollBlockers(view, node), (blockers) => options.onEvent?.({ type: 'waiting', node, blockers }));
    if (safe.problems.length > 0) throw new RollStopped(`node ${node} is not safe to restart after ${safe.waitedMs} ms`, node, safe.problems, done);

    const drained = await drainNode(client, node, { deadlineMs: options.drainMs });
    const controllerMoved = await moveController(client, node, options.drainMs);
    options.onEvent?.({ type: 'drained', node, moved: drained.moved.length, kept: drained.kept.length, controllerMoved });
    // The drain took time: whatever changed meanwhile (another node lost) must not be missed.
    const stillSafe = await waitUntilClear(client, options.waitMs, pollMs, (view) => rollBlockers(view, node));
    if (stillSafe.problems.length > 0) throw new RollStopped(`node ${node} is no longer safe to restart after its drain`, node, stillSafe.problems, done);

    options.onEvent?.({ type: 'restarting', node });
    const restartStarted = Date.now();
    await options.restart(node);
    const restartMs = Date.now() - restartStarted;
    options.onEvent?.({ type: 'restarted', node, restartMs });

    const healed = await waitUntilClear(client, options.waitMs, pollMs, (view) => healLag(view, node), (lag) => options.onEvent?.({ type: 'behind', node, lag }));
    if (healed.problems.length > 0) throw new RollStopped(`node ${node} is not back in sync ${healed.waitedMs} ms after its restart`, node, healed.problems, done);
    const result: NodeRollResult = {
      node,
      waitedMs: safe.waitedMs,
      leadershipsMoved: drained.moved.length,
      leadershipsKept: drained.kept.length,
      controllerMoved,
      restartMs,
      healMs: healed.waitedMs,
    };
    done.push(result);
    options.onEvent?.({ type: 'healed', node, result });
  }
  return done;
}
