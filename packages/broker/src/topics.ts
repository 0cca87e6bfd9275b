import { HeraldError, invalidArgument, topicExists } from '@herald/protocol';
import type { NodeId } from '@herald/raft';
import type { RaftGroup } from './host/raft-group.js';
import { assignReplicas, type TopicRecord } from './meta/meta-state.js';
import { deadLetterTopicOf, type HeraldNode, type PartitionView } from './node.js';

/** How long a metadata change may take to commit before the caller hears CommitTimedOut. */
const META_COMMIT_TIMEOUT_MS = 10_000;

/** A topic with its partitions' replicas and their leadership, as DescribeTopic answers it. */
export interface TopicDescription {
  readonly name: string;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
  readonly partitions: readonly (PartitionView & { readonly id: number; readonly replicas: readonly NodeId[] })[];
}

export interface CreateTopicRequest {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Validated topic configs (api/validate.ts topicConfigs). */
  readonly configs: Readonly<Record<string, string>>;
}

/**
 * Creates a topic at the controller, balancing its replicas and preferred leaders over the
 * nodes. A topic that dead-letters (max.deliveries) gets its dead-letter topic with it, with
 * the same partitions and replication, unless that topic exists.
 */
export async function createTopic(node: HeraldNode, request: CreateTopicRequest): Promise<TopicDescription> {
  if (!node.meta.isController()) throw node.meta.notControllerError();
  if (node.meta.state.topic(request.name) !== undefined) throw topicExists(request.name);
  const deadLetterTopic = request.configs['max.deliveries'] === undefined ? undefined : deadLetterTopicOf(request);
  if (deadLetterTopic === request.name) throw invalidArgument('configs.dead.letter.topic', 'a topic cannot be its own dead-letter topic');
  const create = async (name: string, configs: Readonly<Record<string, string>>) => {
    const ids = node.nodeIds();
    const assignment = assignReplicas(request.partitions, request.replicationFactor, ids, node.meta.state.load(ids));
    const outcome = await node.meta.propose({ type: 'CreateTopic', name, partitions: assignment, configs }, META_COMMIT_TIMEOUT_MS);
    if (!outcome.ok) throw new HeraldError(outcome.reason, outcome.message);
  };
  if (deadLetterTopic !== undefined && node.meta.state.topic(deadLetterTopic) === undefined) await create(deadLetterTopic, {});
  await create(request.name, request.configs);
  return describeTopic(node, request.name);
}

/** Deletes a topic at the controller; every replica deletes its partitions once applied. */
export async function deleteTopic(node: HeraldNode, name: string): Promise<void> {
  if (!node.meta.isController()) throw node.meta.notControllerError();
  const outcome = await node.meta.propose({ type: 'DeleteTopic', name }, META_COMMIT_TIMEOUT_MS);
  if (!outcome.ok) throw new HeraldError(outcome.reason, outcome.message);
}

/** A topic, its configs, and each partition's replicas, leader, ISR and offsets. */
export async function describeTopic(node: HeraldNode, name: string): Promise<TopicDescription> {
  const topic = node.topic(name);
  const views = await node.describePartitions(topic);
  return {
    name: topic.name,
    replicationFactor: replicationFactorOf(topic),
    configs: topic.configs,
    partitions: topic.partitions.map((p, i) => ({ id: p.partition, replicas: p.replicas, ...views[i]! })),
  };
}

export function replicationFactorOf(topic: TopicRecord): number {
  return topic.partitions[0]?.replicas.length ?? 0;
}

/**
 * Hands the leadership of a partition this node leads to `to`, or to the in-sync follower
 * furthest along when `to` is undefined, and resolves with the new leader once it leads.
 */
export async function transferLeadership(node: HeraldNode, topic: string, partitionId: number, to: NodeId | undefined): Promise<{ leaderId: NodeId; leaderTerm: number }> {
  const { partition } = node.partition(topic, partitionId);
  return handOver(node, partition.group, partition.name, to);
}

/** Hands the controller role (the meta group's leadership, which this node must hold) to `to`,
 *  or to the in-sync voter furthest along, as transferLeadership does for a partition. */
export async function transferController(node: HeraldNode, to: NodeId | undefined): Promise<{ leaderId: NodeId; leaderTerm: number }> {
  return handOver(node, node.meta.group, 'the meta group', to);
}

async function handOver<O>(node: HeraldNode, group: RaftGroup<O>, name: string, to: NodeId | undefined): Promise<{ leaderId: NodeId; leaderTerm: number }> {
  group.requireLeader();
  const status = group.status();
  const target = to ?? status.progress.filter((p) => p.id !== node.nodeId && p.inSync && !p.learner).sort((a, b) => b.matchIndex - a.matchIndex)[0]?.id;
  if (target === undefined) throw new HeraldError('NotEnoughReplicas', `${name} has no in-sync follower to hand leadership to`);
  if (!status.membership.voters.includes(target)) {
    throw invalidArgument('to_node_id', `node ${target} is not a voter of ${name} (voters: ${status.membership.voters.join(', ')})`);
  }
  if (target === node.nodeId) return { leaderId: target, leaderTerm: status.term };
  const moved = await group.transferLeadership(target, node.config.raft.electionTimeoutMaxMs * 2);
  return { leaderId: moved.leaderId, leaderTerm: moved.term };
}

/** Kafka's DeleteRecords: the leader moves the log start to `beforeOffset` (-1: the high
 *  watermark) through the Raft log; resolves with the new log start. */
export async function deleteRecords(node: HeraldNode, topic: string, partitionId: number, beforeOffset: number): Promise<number> {
  const { partition } = node.partition(topic, partitionId);
  partition.group.requireLeader();
  const hw = partition.log.highWatermark;
  if (beforeOffset > hw) {
    throw new HeraldError('OffsetOutOfRange', `before_offset ${beforeOffset} is beyond the high watermark ${hw} of ${partition.name}; records not yet written cannot be deleted`);
  }
  return partition.leader.trim(beforeOffset === -1 ? hw : beforeOffset, node.config.limits.produceTimeoutMs);
}
