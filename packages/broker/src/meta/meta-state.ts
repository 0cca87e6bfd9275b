import type { NodeId } from '@herald/raft';
import { ConsumerGroups, type GroupCommand, type GroupRefusal } from '../consumer-groups/group-state.js';
import { isSecurityCommand, SecurityState, type SecurityCommand, type SecurityOutcome } from './security-state.js';

/** One partition's replica set; the first replica is the preferred leader. */
export interface PartitionAssignment {
  readonly partition: number;
  readonly replicas: readonly NodeId[];
}

export interface TopicRecord {
  /** Unique for the cluster's lifetime, so a deleted and recreated topic never reuses a group. */
  readonly id: number;
  readonly name: string;
  readonly partitions: readonly PartitionAssignment[];
  readonly configs: Readonly<Record<string, string>>;
}

/** A node of the cluster as the meta state records it: its id (the one its certificate names)
 *  and where peers and clients reach it. The same shape as a `peers` entry of the configuration. */
export interface NodeRecord {
  readonly id: NodeId;
  readonly host: string;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly kafkaHost?: string;
  readonly kafkaPort?: number;
}

/** One topic to create, with its replica assignment. */
export interface TopicCreation {
  readonly name: string;
  readonly partitions: readonly PartitionAssignment[];
  readonly configs: Readonly<Record<string, string>>;
}

/** The commands of the meta group's log. The controller computes assignments before proposing,
 *  so that applying a command is deterministic on every node. CreateTopics creates several topics
 *  in one entry, in order, each as CreateTopic would (the controller batches concurrent creations:
 *  topics.ts). */
export type MetaCommand =
  | ({ readonly type: 'CreateTopic' } & TopicCreation)
  | { readonly type: 'CreateTopics'; readonly topics: readonly TopicCreation[] }
  | { readonly type: 'DeleteTopic'; readonly name: string }
  | NodeCommand
  | ReassignCommand
  | { readonly type: 'FinalizeFeatureLevel'; readonly level: number }
  | GroupCommand
  | SecurityCommand;

/**
 * The commands that change the cluster's nodes. Until the first of them the nodes are those of
 * each node's configuration (`peers`); the controller then writes them once (SeedNodes, from its
 * configuration) before its first AddNode or RemoveNode, and from there on the meta state is the
 * list every node follows (peer transport, certificate check, replica placement). Seeding at the
 * first change rather than when the cluster forms keeps a cluster that never changes its nodes
 * free of the new entry kinds, so that nodes of the previous release, which cannot decode them,
 * can still run beside this one during a rolling upgrade.
 */
export type NodeCommand =
  | { readonly type: 'SeedNodes'; readonly nodes: readonly NodeRecord[] }
  | { readonly type: 'AddNode'; readonly node: NodeRecord }
  | { readonly type: 'RemoveNode'; readonly id: NodeId };

/** One partition's requested replica set (the first is the preferred leader). */
export interface PartitionReassignment {
  readonly topic: string;
  readonly partition: number;
  readonly replicas: readonly NodeId[];
}

/**
 * Partition reassignment (docs/operations.md). ReassignPartitions records target replica sets
 * (all or none of them: a bad one refuses the command); each partition's leader then changes its
 * Raft group one step at a time, and the controller records CompleteReassignment once the
 * group's voters are the target (the replicas then become the target, and nodes that left drop
 * their copy). A target equal to the current replicas cancels a reassignment in progress.
 * `throttleBytesPerSecond`, when given, sets the cluster's replication throttle for learners
 * (each node's leaders together send them at most this much; 0: no limit).
 */
export type ReassignCommand =
  | { readonly type: 'ReassignPartitions'; readonly reassignments: readonly PartitionReassignment[]; readonly throttleBytesPerSecond?: number }
  | { readonly type: 'CompleteReassignment'; readonly topicId: number; readonly partition: number; readonly replicas: readonly NodeId[] };

/** Why a node command was refused. */
export type NodeRefusal = 'NodeExists' | 'NodeNotFound' | 'NodeInUse' | 'InvalidArgument' | 'PartitionNotFound';

export type MetaOutcome =
  | { readonly ok: true; readonly topic?: TopicRecord }
  /** CreateTopics: each topic's outcome, in order. */
  | { readonly ok: true; readonly topics: readonly MetaOutcome[] }
  | { readonly ok: false; readonly reason: 'TopicExists' | 'TopicNotFound' | GroupRefusal | NodeRefusal; readonly message: string }
  | SecurityOutcome;

/** Whether a command changes topics (nodes reconcile their partitions after those only). */
export function changesTopics(command: MetaCommand): boolean {
  return command.type === 'CreateTopic' || command.type === 'CreateTopics' || command.type === 'DeleteTopic' || command.type === 'ReassignPartitions' || command.type === 'CompleteReassignment';
}

/** Whether a command changes the cluster's nodes (every node then follows the new list). */
export function changesNodes(command: MetaCommand): boolean {
  return command.type === 'SeedNodes' || command.type === 'AddNode' || command.type === 'RemoveNode';
}

/** The id of the Raft group that holds one partition. */
export function partitionGroupId(topicId: number, partition: number): string {
  return `p.${topicId}.${partition}`;
}

export const META_GROUP_ID = 'meta';

/**
 * The cluster metadata every node replicates through the meta group: topics, their partitions and
 * replica assignments, and their configs; consumer groups and their committed offsets. Its leader
 * is the controller.
 */
export class MetaState {
  private readonly topics = new Map<string, TopicRecord>();
  /** The cluster's nodes by id; empty until seeded (the configuration's peers stand until then). */
  private readonly nodeRecords = new Map<NodeId, NodeRecord>();
  private nodeList: readonly NodeRecord[] | null = null;
  /** Reassignments in progress: target replicas by partition group id. */
  private readonly targets = new Map<string, readonly NodeId[]>();
  /** Partition groups whose membership was ever changed (their repairing voters stay strict:
   *  docs/design-notes.md, "two of three replicas repairing", item 5). */
  private readonly reassigned = new Set<string>();
  /** Bytes per second each node's leaders may send learners in all (0: no limit). */
  private throttle = 0;
  /** The metadata feature level every node supports (store-format.ts FeatureLevel). */
  private featureLevel = 1;
  private nextTopicId = 1;
  groups = new ConsumerGroups();
  security = new SecurityState();

  apply(command: MetaCommand): MetaOutcome {
    switch (command.type) {
      case 'CreateTopic':
        return this.createTopic(command);
      case 'CreateTopics':
        return { ok: true, topics: command.topics.map((t) => this.createTopic(t)) };
      case 'DeleteTopic': {
        const topic = this.topics.get(command.name);
        if (topic === undefined) return { ok: false, reason: 'TopicNotFound', message: `topic "${command.name}" does not exist` };
        this.topics.delete(command.name);
        this.groups.dropTopic(command.name);
        for (const p of topic.partitions) {
          this.targets.delete(partitionGroupId(topic.id, p.partition));
          this.reassigned.delete(partitionGroupId(topic.id, p.partition));
        }
        return { ok: true, topic };
      }
      case 'SeedNodes':
      case 'AddNode':
      case 'RemoveNode':
        return this.applyNodeCommand(command);
      case 'ReassignPartitions': {
        const outcome = this.reassign(command.reassignments);
        if (outcome.ok && command.throttleBytesPerSecond !== undefined) this.throttle = command.throttleBytesPerSecond;
        return outcome;
      }
      case 'CompleteReassignment':
        return this.completeReassignment(command);
      case 'FinalizeFeatureLevel':
        // Levels only rise: a node of a lower level may no longer join once entries of this one exist.
        this.featureLevel = Math.max(this.featureLevel, command.level);
        return { ok: true };
      default:
        if (isSecurityCommand(command)) return this.security.apply(command);
        return this.groups.apply(command, (name) => this.topics.get(name)?.partitions.length);
    }
  }

  private createTopic(creation: TopicCreation): MetaOutcome {
    if (this.topics.has(creation.name)) return { ok: false, reason: 'TopicExists', message: `topic "${creation.name}" already exists` };
    const topic: TopicRecord = { id: this.nextTopicId++, name: creation.name, partitions: creation.partitions, configs: creation.configs };
    this.topics.set(topic.name, topic);
    return { ok: true, topic };
  }

  private applyNodeCommand(command: NodeCommand): MetaOutcome {
    const refuse = (reason: NodeRefusal, message: string): MetaOutcome => ({ ok: false, reason, message });
    if (command.type === 'SeedNodes') {
      if (this.nodeRecords.size > 0) return refuse('NodeExists', 'the cluster\'s nodes are already recorded');
      const problem = nodeListProblem(command.nodes);
      if (problem !== null) return refuse('InvalidArgument', problem);
      for (const node of command.nodes) this.nodeRecords.set(node.id, node);
      this.nodeList = null;
      return { ok: true };
    }
    if (this.nodeRecords.size === 0) return refuse('InvalidArgument', 'the cluster\'s nodes are not recorded yet (SeedNodes comes first)');
    if (command.type === 'AddNode') {
      if (this.nodeRecords.has(command.node.id)) return refuse('NodeExists', `node ${command.node.id} is already a member of the cluster`);
      const problem = nodeListProblem([...this.nodeRecords.values(), command.node]);
      if (problem !== null) return refuse('InvalidArgument', problem);
      this.nodeRecords.set(command.node.id, command.node);
      this.nodeList = null;
      return { ok: true };
    }
    if (!this.nodeRecords.has(command.id)) return refuse('NodeNotFound', `node ${command.id} is not a member of the cluster (nodes ${[...this.nodeRecords.keys()].sort((a, b) => a - b).join(', ')})`);
    if (this.nodeRecords.size === 1) return refuse('NodeInUse', `node ${command.id} is the cluster's last node`);
    const held = this.replicasOn(command.id);
    if (held.length > 0) {
      const named = held.slice(0, 5).join(', ') + (held.length > 5 ? ` and ${held.length - 5} more` : '');
      return refuse('NodeInUse', `node ${command.id} still holds ${held.length} partition replica${held.length === 1 ? '' : 's'} (${named}); decommission it first (herald node decommission), which moves them away`);
    }
    this.nodeRecords.delete(command.id);
    this.nodeList = null;
    return { ok: true };
  }

  /** The partitions (topic/partition) with a replica on node `id`, or one on its way there. */
  replicasOn(id: NodeId): string[] {
    const out: string[] = [];
    for (const topic of this.topics.values()) {
      for (const p of topic.partitions) {
        if (p.replicas.includes(id) || this.targets.get(partitionGroupId(topic.id, p.partition))?.includes(id)) out.push(`${topic.name}/${p.partition}`);
      }
    }
    return out;
  }

  private reassign(reassignments: readonly PartitionReassignment[]): MetaOutcome {
    const refuse = (reason: NodeRefusal | 'TopicNotFound', message: string): MetaOutcome => ({ ok: false, reason, message });
    if (this.nodeRecords.size === 0) return refuse('InvalidArgument', 'the cluster\'s nodes are not recorded yet (SeedNodes comes first)');
    const changes: { group: string; current: readonly NodeId[]; target: readonly NodeId[] }[] = [];
    for (const r of reassignments) {
      const topic = this.topics.get(r.topic);
      if (topic === undefined) return refuse('TopicNotFound', `topic "${r.topic}" does not exist`);
      const assignment = topic.partitions[r.partition];
      if (assignment === undefined) return refuse('PartitionNotFound', `topic "${r.topic}" has no partition ${r.partition} (it has ${topic.partitions.length})`);
      if (r.replicas.length === 0) return refuse('InvalidArgument', `${r.topic}/${r.partition}: a partition needs at least one replica`);
      if (new Set(r.replicas).size !== r.replicas.length) return refuse('InvalidArgument', `${r.topic}/${r.partition}: replicas ${r.replicas.join(',')} name a node twice`);
      const unknown = r.replicas.filter((id) => !this.nodeRecords.has(id));
      if (unknown.length > 0) return refuse('NodeNotFound', `${r.topic}/${r.partition}: node${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a member' : 'are not members'} of the cluster (nodes ${[...this.nodeRecords.keys()].sort((a, b) => a - b).join(', ')})`);
      const group = partitionGroupId(topic.id, r.partition);
      if (changes.some((c) => c.group === group)) return refuse('InvalidArgument', `${r.topic}/${r.partition} is named twice`);
      changes.push({ group, current: assignment.replicas, target: r.replicas });
    }
    for (const { group, current, target } of changes) {
      if (sameList(current, target)) this.targets.delete(group);
      else {
        this.targets.set(group, target);
        if (!sameSet(current, target)) this.reassigned.add(group);
      }
    }
    return { ok: true };
  }

  private completeReassignment(command: Extract<ReassignCommand, { type: 'CompleteReassignment' }>): MetaOutcome {
    const group = partitionGroupId(command.topicId, command.partition);
    const target = this.targets.get(group);
    const topic = [...this.topics.values()].find((t) => t.id === command.topicId);
    // A reassignment replaced, cancelled or deleted meanwhile: the controller checks again.
    if (target === undefined || topic === undefined || !sameList(target, command.replicas)) {
      return { ok: false, reason: 'InvalidArgument', message: `no reassignment of ${group} to ${command.replicas.join(',')} is in progress` };
    }
    const updated: TopicRecord = { ...topic, partitions: topic.partitions.map((p) => (p.partition === command.partition ? { partition: p.partition, replicas: target } : p)) };
    this.topics.set(topic.name, updated);
    this.targets.delete(group);
    return { ok: true, topic: updated };
  }

  /** The target replicas of a reassignment in progress of partition group `group`. */
  reassignmentOf(group: string): readonly NodeId[] | undefined {
    return this.targets.get(group);
  }

  /** Every reassignment in progress, by partition group id. */
  reassignments(): ReadonlyMap<string, readonly NodeId[]> {
    return this.targets;
  }

  /** The finalized metadata feature level (FinalizeFeatureLevel; 1 until the first). */
  finalizedFeatureLevel(): number {
    return this.featureLevel;
  }

  /** The replication throttle for learners, bytes per second per node (0: none). */
  replicationThrottle(): number {
    return this.throttle;
  }

  /** Whether partition group `group`'s replica set was ever changed (see `reassigned`). */
  wasReassigned(group: string): boolean {
    return this.reassigned.has(group);
  }

  /** The recorded nodes, by id; empty until the first membership change seeds them. The same
   *  array until the nodes change (callers on hot paths compare it by reference). */
  nodes(): readonly NodeRecord[] {
    this.nodeList ??= [...this.nodeRecords.values()].sort((a, b) => a.id - b.id);
    return this.nodeList;
  }

  topic(name: string): TopicRecord | undefined {
    return this.topics.get(name);
  }

  allTopics(): TopicRecord[] {
    return [...this.topics.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** How many partition replicas each node hosts, and how many it prefers to lead. */
  load(nodes: readonly NodeId[]): Map<NodeId, { replicas: number; preferred: number }> {
    const load = new Map(nodes.map((id) => [id, { replicas: 0, preferred: 0 }]));
    for (const topic of this.topics.values()) {
      for (const p of topic.partitions) {
        p.replicas.forEach((id, i) => {
          const l = load.get(id);
          if (l === undefined) return;
          l.replicas++;
          if (i === 0) l.preferred++;
        });
      }
    }
    return load;
  }

  toJSON(): object {
    return {
      nextTopicId: this.nextTopicId,
      topics: [...this.topics.values()],
      nodes: this.nodes(),
      reassignments: [...this.targets],
      reassigned: [...this.reassigned],
      throttle: this.throttle,
      featureLevel: this.featureLevel,
      groups: this.groups.toJSON(),
      security: this.security.toJSON(),
    };
  }

  static fromJSON(value: {
    nextTopicId: number;
    topics: TopicRecord[];
    nodes?: NodeRecord[];
    reassignments?: [string, NodeId[]][];
    reassigned?: string[];
    throttle?: number;
    featureLevel?: number;
    groups?: ReturnType<ConsumerGroups['toJSON']>;
    security?: Parameters<typeof SecurityState.fromJSON>[0];
  }): MetaState {
    const state = new MetaState();
    state.nextTopicId = value.nextTopicId;
    for (const topic of value.topics) state.topics.set(topic.name, topic);
    for (const node of value.nodes ?? []) state.nodeRecords.set(node.id, node);
    for (const [group, target] of value.reassignments ?? []) state.targets.set(group, target);
    for (const group of value.reassigned ?? []) state.reassigned.add(group);
    state.throttle = value.throttle ?? 0;
    state.featureLevel = value.featureLevel ?? 1;
    state.groups = ConsumerGroups.fromJSON(value.groups);
    state.security = SecurityState.fromJSON(value.security);
    return state;
  }
}

function sameList(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

function sameSet(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

/** Why a list of nodes cannot be the cluster's, or null: two nodes may share neither an id nor
 *  a client or peer address (a node's addresses must reach that node alone). */
export function nodeListProblem(nodes: readonly NodeRecord[]): string | null {
  const seen = new Map<string, NodeId>();
  for (const node of nodes) {
    for (const [what, key] of [['id', String(node.id)], ['client address', `${node.host}:${node.clientPort}`], ['peer address', `${node.host}:${node.peerPort}`]] as const) {
      const owner = seen.get(`${what} ${key}`);
      if (owner !== undefined) return `node ${node.id}'s ${what} ${key} is already node ${owner}'s`;
      seen.set(`${what} ${key}`, node.id);
    }
  }
  return null;
}

/**
 * Spreads `partitionCount` partitions of `replicationFactor` replicas over `nodes`, balancing
 * both replicas and preferred leaders against what the cluster already hosts: each partition's
 * preferred leader is the node leading the fewest, and its followers the least-loaded others.
 */
export function assignReplicas(
  partitionCount: number,
  replicationFactor: number,
  nodes: readonly NodeId[],
  existing: Map<NodeId, { replicas: number; preferred: number }>,
): PartitionAssignment[] {
  const load = new Map(nodes.map((id) => [id, { ...(existing.get(id) ?? { replicas: 0, preferred: 0 }) }]));
  const byLoad = (key: 'replicas' | 'preferred') => (a: NodeId, b: NodeId) => load.get(a)![key] - load.get(b)![key] || a - b;
  const out: PartitionAssignment[] = [];
  for (let partition = 0; partition < partitionCount; partition++) {
    const leader = [...nodes].sort(byLoad('preferred'))[0]!;
    const followers = nodes.filter((id) => id !== leader).sort(byLoad('replicas')).slice(0, replicationFactor - 1);
    const replicas = [leader, ...followers];
    for (const id of replicas) load.get(id)!.replicas++;
    load.get(leader)!.preferred++;
    out.push({ partition, replicas });
  }
  return out;
}
