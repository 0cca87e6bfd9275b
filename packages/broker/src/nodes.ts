import { HeraldError } from '@herald/protocol';
import type { NodeId } from '@herald/raft';
import { META_GROUP_ID, type NodeCommand, type NodeRecord } from './meta/meta-state.js';
import type { HeraldNode } from './node.js';
import { FeatureLevel } from './store-format.js';
import { transferController } from './topics.js';

/** How often the controller compares the meta group's Raft membership with the node list. */
export const MEMBERSHIP_CHECK_MS = 250;

/** How long one metadata or membership change may take to commit. */
const CHANGE_TIMEOUT_MS = 10_000;

/** How long the controller waits for the nodes to report their feature levels. */
const FEATURE_ASK_MS = 1_000;

/** A node of the cluster as DescribeCluster reports it. */
export interface ClusterNode {
  readonly id: NodeId;
  /** The client address, host:port. */
  readonly address: string;
  readonly alive: boolean;
  /**
   * Its part in the meta group: `voter`; `learner` (added, catching up before it votes);
   * `joining` (recorded, not yet in the meta group); `leaving` (removed from the list, not yet
   * from the meta group).
   */
  readonly role: 'voter' | 'learner' | 'joining' | 'leaving';
}

/**
 * Every node of the cluster with its part in the meta group, as this node knows them: the
 * recorded list (or the configuration's peers), and the members of the meta group that left it.
 */
export function describeNodes(node: HeraldNode): ClusterNode[] {
  const { voters, learners } = node.meta.group.status().membership;
  const alive = (id: NodeId) => id === node.nodeId || node.transport.isConnected(id);
  const listed = node.peers().map((p) => ({
    id: p.id,
    address: `${p.host}:${p.clientPort}`,
    alive: alive(p.id),
    role: voters.includes(p.id) ? ('voter' as const) : learners.includes(p.id) ? ('learner' as const) : ('joining' as const),
  }));
  const leaving = [...voters, ...learners].filter((id) => !listed.some((n) => n.id === id)).map((id) => ({ id, address: '', alive: alive(id), role: 'leaving' as const }));
  return [...listed, ...leaving].sort((a, b) => a.id - b.id);
}

/**
 * Adds a node to the cluster, at the controller: records it (AddNode), after which every node
 * links to it and accepts its certificate, and the controller makes it a learner of the meta
 * group, then a voter once it holds the committed log (reconcileMetaMembership). Resolves with
 * its role when it became a voter or when `waitMs` passed (then it is still catching up, and
 * becomes a voter without further action). Adding a node already recorded with the same
 * addresses only waits: a retry of an add that timed out is harmless.
 */
export async function addNode(node: HeraldNode, record: NodeRecord, waitMs: number): Promise<ClusterNode> {
  if (!node.meta.isController()) throw node.meta.notControllerError();
  await seedNodes(node);
  const existing = node.meta.state.nodes().find((n) => n.id === record.id);
  if (existing === undefined) await proposeNodeCommand(node, { type: 'AddNode', node: record });
  else if (existing.host !== record.host || existing.clientPort !== record.clientPort || existing.peerPort !== record.peerPort) {
    throw new HeraldError('NodeExists', `node ${record.id} is already a member of the cluster, at ${existing.host}:${existing.clientPort} (peer port ${existing.peerPort}); remove it first to move it`);
  }
  node.reconcile();
  const group = node.meta.group;
  const settled = () => group.status().membership.voters.includes(record.id) || !group.isLeader();
  if (!settled()) await group.waitUntil(settled, waitMs);
  return describeNodes(node).find((n) => n.id === record.id) ?? { id: record.id, address: `${record.host}:${record.clientPort}`, alive: false, role: 'joining' };
}

/**
 * Removes a node from the cluster, at the controller: refused while it holds partition replicas
 * (decommission moves them first) or when it is the last node. Once the list no longer has it,
 * the controller takes it out of the meta group (handing the controller role away first if it
 * is the node leaving); DescribeCluster reports it `leaving` until then.
 */
export async function removeNode(node: HeraldNode, id: NodeId): Promise<void> {
  if (!node.meta.isController()) throw node.meta.notControllerError();
  await seedNodes(node);
  await proposeNodeCommand(node, { type: 'RemoveNode', id });
  node.reconcile();
}

/** Records the configuration's peers as the cluster's nodes, once, before the first change
 *  (see MetaState's NodeCommand for why not earlier), once the membership feature level is
 *  finalized. */
export async function seedNodes(node: HeraldNode): Promise<void> {
  await requireFeatureLevel(node, FeatureLevel.Membership);
  if (node.meta.state.nodes().length > 0) return;
  const voters = node.meta.group.status().membership.voters;
  const missing = voters.filter((id) => !node.config.peers.some((p) => p.id === id));
  if (missing.length > 0) {
    throw new HeraldError('InvalidArgument', `the controller's configuration (peers) lacks node${missing.length === 1 ? '' : 's'} ${missing.join(', ')} of the meta group, so it cannot record the cluster's nodes; fix its peers and restart it`);
  }
  const nodes = node.config.peers.map((p) => ({ id: p.id, host: p.host, clientPort: p.clientPort, peerPort: p.peerPort, ...(p.kafkaHost === undefined ? {} : { kafkaHost: p.kafkaHost }), ...(p.kafkaPort === undefined ? {} : { kafkaPort: p.kafkaPort }) }));
  const outcome = await node.meta.propose({ type: 'SeedNodes', nodes }, CHANGE_TIMEOUT_MS);
  // Another request seeded them meanwhile: as good.
  if (!outcome.ok && outcome.reason !== 'NodeExists') throw new HeraldError(outcome.reason, outcome.message);
}

/**
 * Finalizes metadata feature level `level` if every node supports it (KIP-584: each node reports
 * the highest level it supports in its DescribeReplicas answer for the meta group), or refuses
 * with FeatureDisabled naming the nodes that do not (or did not answer). Levels are finalized on
 * the first change that needs them, never in the background, so that a cluster that never uses
 * a feature writes none of its entries.
 */
async function requireFeatureLevel(node: HeraldNode, level: FeatureLevel): Promise<void> {
  if (node.meta.state.finalizedFeatureLevel() >= level) return;
  const { voters, learners } = node.meta.group.status().membership;
  const ids = [...new Set([...node.nodeIds(), ...voters, ...learners])].filter((id) => id !== node.nodeId).sort((a, b) => a - b);
  const answers = await node.transport.describeReplicas([META_GROUP_ID], FEATURE_ASK_MS);
  const behind = ids.map((id) => ({ id, level: answers.find((a) => a.nodeId === id)?.featureLevel ?? 0 })).filter((n) => n.level < level);
  if (behind.length > 0) {
    const named = behind.map((n) => (n.level === 0 ? `node ${n.id} (did not answer, or runs a release before feature levels)` : `node ${n.id} (level ${n.level})`)).join(', ');
    throw new HeraldError('FeatureDisabled', `this change needs metadata feature level ${level}, which not every node supports: ${named}; upgrade every node to this release first`);
  }
  const outcome = await node.meta.propose({ type: 'FinalizeFeatureLevel', level }, CHANGE_TIMEOUT_MS);
  if (!outcome.ok) throw new HeraldError(outcome.reason, outcome.message);
  node.logger.info({ level }, 'finalized a metadata feature level');
}

async function proposeNodeCommand(node: HeraldNode, command: NodeCommand): Promise<void> {
  const outcome = await node.meta.propose(command, CHANGE_TIMEOUT_MS);
  if (!outcome.ok) throw new HeraldError(outcome.reason, outcome.message);
}

/**
 * One step of the controller towards a meta group whose members are the recorded nodes, every
 * change one at a time (Raft thesis §4.1; one uncommitted change at most):
 * 1. a member no longer listed leaves (the controller itself first hands its role away, and the
 *    next controller removes it);
 * 2. a listed node not in the group joins as a learner: it receives the log but neither votes
 *    nor counts for commitment, so a slow or failing new node cannot stall the cluster;
 * 3. a learner that holds the committed log and is replicating becomes a voter.
 * Nothing happens before the node list is recorded (the first AddNode or RemoveNode).
 */
export async function reconcileMetaMembership(node: HeraldNode): Promise<void> {
  const listed = node.meta.state.nodes();
  const group = node.meta.group;
  if (listed.length === 0 || !group.isCurrentLeader()) return;
  const status = group.status();
  const { voters, learners } = status.membership;
  const wanted = new Set(listed.map((n) => n.id));
  const leaving = [...learners, ...voters].find((id) => !wanted.has(id));
  if (leaving !== undefined) {
    if (leaving === node.nodeId) {
      await transferController(node, undefined);
      return;
    }
    node.logger.info({ node: leaving }, 'removing a node from the meta group');
    await group.changeMembership({ voters: voters.filter((id) => id !== leaving), learners: learners.filter((id) => id !== leaving) }, CHANGE_TIMEOUT_MS);
    return;
  }
  const joining = listed.find((n) => !voters.includes(n.id) && !learners.includes(n.id));
  if (joining !== undefined) {
    node.logger.info({ node: joining.id }, 'adding a node to the meta group as a learner');
    await group.changeMembership({ voters, learners: [...learners, joining.id] }, CHANGE_TIMEOUT_MS);
    return;
  }
  const caughtUp = status.progress.find((p) => p.learner && p.state === 'replicate' && p.matchIndex >= status.commitIndex);
  if (caughtUp !== undefined) {
    node.logger.info({ node: caughtUp.id, matchIndex: caughtUp.matchIndex }, 'promoting a caught-up learner to voter of the meta group');
    await group.changeMembership({ voters: [...voters, caughtUp.id], learners: learners.filter((id) => id !== caughtUp.id) }, CHANGE_TIMEOUT_MS);
  }
}
