import { HeraldError, invalidArgument, topicExists } from '@herald/protocol';
import type { NodeId } from '@herald/raft';
import type { RaftGroup } from './host/raft-group.js';
import { assignReplicas, partitionGroupId, type MetaOutcome, type TopicCreation, type TopicRecord } from './meta/meta-state.js';
import { deadLetterTopicOf, type HeraldNode, type PartitionView } from './node.js';

/** How long a metadata change may take to commit before the caller hears CommitTimedOut. */
const META_COMMIT_TIMEOUT_MS = 10_000;

/** A topic with its partitions' replicas and their leadership, as DescribeTopic answers it. */
export interface TopicDescription {
  readonly name: string;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
  readonly partitions: readonly (PartitionView & { readonly id: number; readonly replicas: readonly NodeId[]; readonly targetReplicas: readonly NodeId[] })[];
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
  const topics = [{ name: request.name, configs: request.configs }];
  if (deadLetterTopic !== undefined && node.meta.state.topic(deadLetterTopic) === undefined) topics.unshift({ name: deadLetterTopic, configs: {} });
  const outcomes = await creationsOf(node).create(topics.map((t) => ({ ...t, partitions: request.partitions, replicationFactor: request.replicationFactor })));
  // The dead-letter topic may have been created meanwhile by another request: that is fine.
  const outcome = outcomes[outcomes.length - 1]!;
  if (!outcome.ok) throw new HeraldError(outcome.reason, outcome.message);
  return describeTopic(node, request.name);
}

/** A topic to create, before its replicas are assigned. */
interface TopicRequest {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

interface QueuedCreation {
  readonly topics: readonly TopicRequest[];
  readonly resolve: (outcomes: MetaOutcome[]) => void;
  readonly reject: (err: unknown) => void;
}

/** Partitions one CreateTopics entry carries at most (some 50 bytes of JSON each). */
const BATCH_PARTITIONS_MAX = 10_000;

/**
 * The controller's topic creations, batched through the meta group like Nagle's algorithm: a
 * creation is proposed at once when none is in flight; those that arrive meanwhile wait for it
 * and then go together as one CreateTopics entry. A user creating 1,000 topics a few at a time
 * pays one meta round trip per batch, not per topic (issue #17: the last 250 of 2,753 topics came
 * at 7 topics/s), and every node reconciles its partitions once per batch. Replicas are assigned
 * in order against the load the batch itself adds, so topics created together stay balanced.
 */
class TopicCreations {
  private queue: QueuedCreation[] = [];
  private inFlight = false;

  constructor(private readonly node: HeraldNode) {}

  /** Creates `topics` in order, in one entry; resolves with each one's outcome. */
  create(topics: readonly TopicRequest[]): Promise<MetaOutcome[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ topics, resolve, reject });
      if (!this.inFlight) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.inFlight = true;
    while (this.queue.length > 0) {
      const batch: QueuedCreation[] = [];
      let partitions = 0;
      while (this.queue.length > 0 && (batch.length === 0 || partitions + partitionsOf(this.queue[0]!) <= BATCH_PARTITIONS_MAX)) {
        const next = this.queue.shift()!;
        partitions += partitionsOf(next);
        batch.push(next);
      }
      try {
        const outcomes = await this.propose(batch.flatMap((b) => b.topics));
        let at = 0;
        for (const b of batch) {
          b.resolve(outcomes.slice(at, at + b.topics.length));
          at += b.topics.length;
        }
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.inFlight = false;
  }

  private async propose(topics: readonly TopicRequest[]): Promise<MetaOutcome[]> {
    const node = this.node;
    if (!node.meta.isController()) throw node.meta.notControllerError();
    const ids = node.nodeIds();
    const load = node.meta.state.load(ids);
    const creations: TopicCreation[] = topics.map((t) => {
      const partitions = assignReplicas(t.partitions, t.replicationFactor, ids, load);
      for (const p of partitions) {
        p.replicas.forEach((id, i) => {
          const l = load.get(id)!;
          l.replicas++;
          if (i === 0) l.preferred++;
        });
      }
      return { name: t.name, partitions, configs: t.configs };
    });
    const outcome = await node.meta.propose(creations.length === 1 ? { type: 'CreateTopic', ...creations[0]! } : { type: 'CreateTopics', topics: creations }, META_COMMIT_TIMEOUT_MS);
    return 'topics' in outcome ? [...outcome.topics] : [outcome];
  }
}

function partitionsOf(creation: QueuedCreation): number {
  return creation.topics.reduce((sum, t) => sum + t.partitions, 0);
}

/** Each node's creations (one batcher per node; a node becomes controller and stops being one
 *  while it runs, and the batcher checks at every proposal). */
const creations = new WeakMap<HeraldNode, TopicCreations>();

function creationsOf(node: HeraldNode): TopicCreations {
  let found = creations.get(node);
  if (found === undefined) creations.set(node, (found = new TopicCreations(node)));
  return found;
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
    partitions: topic.partitions.map((p, i) => ({ id: p.partition, replicas: p.replicas, targetReplicas: node.meta.state.reassignmentOf(partitionGroupId(topic.id, p.partition)) ?? [], ...views[i]! })),
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
