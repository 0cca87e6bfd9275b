import { HeraldError } from '@herald/protocol';
import type { NodeId } from '@herald/raft';
import type { RaftGroup } from './host/raft-group.js';
import { partitionGroupId, type MetaState, type PartitionReassignment } from './meta/meta-state.js';
import type { HeraldNode } from './node.js';
import { seedNodes } from './nodes.js';
import type { ReplicaState } from './transport/peer-transport.js';

/** How long one membership change of a partition may take to commit. */
const CHANGE_TIMEOUT_MS = 10_000;

/** How long a leader leaving a partition's replicas may take to hand its leadership over. */
const HANDOVER_TIMEOUT_MS = 5_000;

/** How long the controller waits for partition leaders to report their groups' membership. */
const DESCRIBE_MS = 500;

/**
 * Records target replica sets for partitions, at the controller (MetaState's ReassignCommand):
 * all of them or none. `throttleBytesPerSecond`, when given, becomes the cluster's replication
 * throttle for learners (0 lifts it). Each partition's leader then carries the reassignment out
 * (stepReassignments) and the controller records its completion (completeReassignments).
 */
export async function reassignPartitions(node: HeraldNode, reassignments: readonly PartitionReassignment[], throttleBytesPerSecond: number | undefined, timeoutMs: number): Promise<void> {
  if (!node.meta.isController()) throw node.meta.notControllerError();
  await seedNodes(node);
  const outcome = await node.meta.propose({ type: 'ReassignPartitions', reassignments, ...(throttleBytesPerSecond === undefined ? {} : { throttleBytesPerSecond }) }, timeoutMs);
  if (!outcome.ok) throw new HeraldError(outcome.reason, outcome.message);
}

/**
 * One step of every reassignment whose partition this node leads, all partitions at once, each
 * one membership change at a time (Raft thesis §4.1):
 * 1. target replicas not in the group join as learners (they receive the log under the
 *    replication throttle, and neither vote nor count for commitment);
 * 2. learners no longer in the target leave;
 * 3. a learner that holds the committed log and is replicating becomes a voter;
 * 4. once every target replica votes: a leader that is not in the target hands its leadership to
 *    the first in-sync target replica, else one voter not in the target leaves.
 * The controller then records the new replica set (completeReassignments).
 */
export async function stepReassignments(node: HeraldNode): Promise<void> {
  if (node.meta.state.reassignments().size === 0) return;
  const steps: Promise<void>[] = [];
  for (const { topic, partition } of node.hostedPartitions()) {
    const target = node.meta.state.reassignmentOf(partitionGroupId(topic.id, partition.settings.partition));
    if (target === undefined || !partition.group.isCurrentLeader()) continue;
    steps.push(
      stepOne(node, partition.group, target).catch((err: Error) => node.logger.debug({ err, partition: partition.name }, 'reassignment step not taken yet; retried')),
    );
  }
  await Promise.all(steps);
}

async function stepOne<O>(node: HeraldNode, group: RaftGroup<O>, target: readonly NodeId[]): Promise<void> {
  const status = group.status();
  const { voters, learners } = status.membership;
  const log = node.logger.child({ group: group.label });
  const adding = target.filter((id) => !voters.includes(id) && !learners.includes(id));
  if (adding.length > 0) {
    log.info({ learners: adding }, 'reassignment: adding replicas as learners');
    return group.changeMembership({ voters, learners: [...learners, ...adding] }, CHANGE_TIMEOUT_MS);
  }
  if (learners.some((id) => !target.includes(id))) {
    return group.changeMembership({ voters, learners: learners.filter((id) => target.includes(id)) }, CHANGE_TIMEOUT_MS);
  }
  const caughtUp = status.progress.find((p) => p.learner && p.state === 'replicate' && p.matchIndex >= status.commitIndex);
  if (caughtUp !== undefined) {
    log.info({ node: caughtUp.id }, 'reassignment: promoting a caught-up learner to voter');
    return group.changeMembership({ voters: [...voters, caughtUp.id], learners: learners.filter((id) => id !== caughtUp.id) }, CHANGE_TIMEOUT_MS);
  }
  const leaving = voters.filter((id) => !target.includes(id));
  if (leaving.length === 0 || !target.every((id) => voters.includes(id))) return;
  if (leaving.includes(node.nodeId)) {
    const to = target.find((id) => status.isr.includes(id));
    if (to === undefined) return;
    log.info({ to }, 'reassignment: handing leadership to a target replica before leaving');
    await group.transferLeadership(to, HANDOVER_TIMEOUT_MS);
    return;
  }
  log.info({ node: leaving[0] }, 'reassignment: removing a replica');
  return group.changeMembership({ voters: voters.filter((id) => id !== leaving[0]), learners }, CHANGE_TIMEOUT_MS);
}

/**
 * At the controller: records the completion of every reassignment whose partition leader reports
 * the target as its group's voters, with no learner left. The new replica set then replaces the
 * old in the metadata, and nodes that left drop their copy.
 */
export async function completeReassignments(node: HeraldNode): Promise<void> {
  const targets = node.meta.state.reassignments();
  if (targets.size === 0 || !node.meta.isUpToDateController()) return;
  const pending: { topicId: number; partition: number; group: string; target: readonly NodeId[] }[] = [];
  for (const topic of node.meta.state.allTopics()) {
    for (const p of topic.partitions) {
      const group = partitionGroupId(topic.id, p.partition);
      const target = targets.get(group);
      if (target !== undefined) pending.push({ topicId: topic.id, partition: p.partition, group, target });
    }
  }
  const states = await node.replicaStates(pending.map((p) => p.group), DESCRIBE_MS);
  for (const p of pending) {
    const leader = leaderState(states.filter((s) => s.group === p.group));
    if (leader === undefined || (leader.learners ?? []).length > 0 || !sameSet(leader.voters ?? [], p.target)) continue;
    const outcome = await node.meta.propose({ type: 'CompleteReassignment', topicId: p.topicId, partition: p.partition, replicas: p.target }, CHANGE_TIMEOUT_MS);
    if (outcome.ok) node.logger.info({ group: p.group, replicas: p.target }, 'reassignment completed');
  }
}

function leaderState(states: readonly ReplicaState[]): ReplicaState | undefined {
  return states.filter((s) => s.isLeader).sort((a, b) => b.term - a.term)[0];
}

function sameSet(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

/** Replica and preferred-leader counts per node, over every partition (a reassignment in
 *  progress counts at its target). */
function loadOf(state: MetaState, nodes: readonly NodeId[]): Map<NodeId, { replicas: number; preferred: number }> {
  const load = new Map(nodes.map((id) => [id, { replicas: 0, preferred: 0 }]));
  for (const topic of state.allTopics()) {
    for (const p of topic.partitions) {
      const replicas = state.reassignmentOf(partitionGroupId(topic.id, p.partition)) ?? p.replicas;
      replicas.forEach((id, i) => {
        const l = load.get(id);
        if (l === undefined) return;
        l.replicas++;
        if (i === 0) l.preferred++;
      });
    }
  }
  return load;
}

/** Every partition's replicas as planned (the target of a reassignment in progress, else the
 *  current replicas), and its current ones. */
function plannedReplicas(state: MetaState): { topic: string; partition: number; replicas: NodeId[]; current: readonly NodeId[] }[] {
  return state.allTopics().flatMap((topic) =>
    topic.partitions.map((p) => ({ topic: topic.name, partition: p.partition, replicas: [...(state.reassignmentOf(partitionGroupId(topic.id, p.partition)) ?? p.replicas)], current: p.replicas })),
  );
}

/**
 * A plan that evens out replicas and preferred leaders over `nodes`, moving as few replicas as it
 * can: while some node holds more than its share (the total divided by the node count, rounded
 * up) and another less than its share rounded down, a replica of a partition the lighter node
 * does not hold moves there, keeping its position; then, within each partition's replicas, the
 * first (the preferred leader) is swapped with a replica on a node preferred less often, while
 * that evens the counts. Returns the partitions whose replicas or order change.
 */
export function planRebalance(state: MetaState, nodes: readonly NodeId[]): PartitionReassignment[] {
  const plan = plannedReplicas(state);
  const before = new Map(plan.map((p) => [`${p.topic}/${p.partition}`, p.replicas.join(',')]));
  const load = loadOf(state, nodes);
  const total = [...load.values()].reduce((sum, l) => sum + l.replicas, 0);
  const ceil = Math.ceil(total / nodes.length);
  const floor = Math.floor(total / nodes.length);
  const byReplicas = () => [...nodes].sort((a, b) => load.get(b)!.replicas - load.get(a)!.replicas || a - b);
  for (let moves = 0; moves < total; moves++) {
    const order = byReplicas();
    const heavy = order[0]!;
    const light = order[order.length - 1]!;
    const h = load.get(heavy)!.replicas;
    const l = load.get(light)!.replicas;
    if (!(h > ceil || l < floor) || h - l <= 1) break;
    const p = plan.find((q) => q.replicas.includes(heavy) && !q.replicas.includes(light));
    if (p === undefined) break;
    const at = p.replicas.indexOf(heavy);
    p.replicas[at] = light;
    load.get(heavy)!.replicas--;
    load.get(light)!.replicas++;
    if (at === 0) {
      load.get(heavy)!.preferred--;
      load.get(light)!.preferred++;
    }
  }
  const partitions = plan.length;
  const preferredCeil = Math.ceil(partitions / nodes.length);
  for (let moves = 0; moves < partitions; moves++) {
    const order = [...nodes].sort((a, b) => load.get(b)!.preferred - load.get(a)!.preferred || a - b);
    const over = order.find((id) => load.get(id)!.preferred > preferredCeil) ?? order[0]!;
    const swap = plan
      .filter((p) => p.replicas[0] === over)
      .flatMap((p) => p.replicas.slice(1).map((id) => ({ p, id })))
      .filter(({ id }) => load.get(id) !== undefined && load.get(over)!.preferred - load.get(id)!.preferred > 1)
      .sort((a, b) => load.get(a.id)!.preferred - load.get(b.id)!.preferred || a.id - b.id)[0];
    if (swap === undefined) break;
    const { p, id } = swap;
    p.replicas[p.replicas.indexOf(id)] = over;
    p.replicas[0] = id;
    load.get(over)!.preferred--;
    load.get(id)!.preferred++;
  }
  return plan.filter((p) => before.get(`${p.topic}/${p.partition}`) !== p.replicas.join(',')).map(({ topic, partition, replicas }) => ({ topic, partition, replicas }));
}

/**
 * A plan that moves every replica off node `leaving`: each goes, in the same position, to the
 * node with the fewest replicas among those that do not hold the partition (fewest preferred
 * leaders first for a preferred leader's place). Partitions already moving off the node keep
 * their target and are part of the plan too, so that running a decommission again waits for
 * them. With a `replacement` (herald node replace), each goes to that node instead, unless it
 * already holds the partition. Throws when a partition has nowhere to go.
 */
export function planDecommission(state: MetaState, nodes: readonly NodeId[], leaving: NodeId, replacement?: NodeId): PartitionReassignment[] {
  const others = nodes.filter((id) => id !== leaving);
  const load = loadOf(state, others);
  const out: PartitionReassignment[] = [];
  for (const p of plannedReplicas(state)) {
    const at = p.replicas.indexOf(leaving);
    if (at < 0) {
      if (p.current.includes(leaving)) out.push({ topic: p.topic, partition: p.partition, replicas: p.replicas });
      continue;
    }
    const key = at === 0 ? ('preferred' as const) : ('replicas' as const);
    const to = replacement !== undefined && !p.replicas.includes(replacement) ? replacement : others.filter((id) => !p.replicas.includes(id)).sort((a, b) => load.get(a)![key] - load.get(b)![key] || load.get(a)!.replicas - load.get(b)!.replicas || a - b)[0];
    if (to === undefined) {
      throw new HeraldError('NodeInUse', `${p.topic}/${p.partition} has ${p.replicas.length} replicas and the cluster would have ${others.length} nodes without node ${leaving}: add a node first, or lower the replication of the topic`);
    }
    p.replicas[at] = to;
    load.get(to)!.replicas++;
    if (at === 0) load.get(to)!.preferred++;
    out.push({ topic: p.topic, partition: p.partition, replicas: p.replicas });
  }
  return out;
}
