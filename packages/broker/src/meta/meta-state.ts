import type { NodeId } from '@herald/raft';
import { ConsumerGroups, type GroupCommand, type GroupRefusal } from '../consumer-groups/group-state.js';
import { isTxnCommand, TxnCoordinatorState, type TxnCommand, type TxnOutcome, type TxnRecord } from '../transactions/txn-state.js';
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
  | GroupCommand
  | SecurityCommand
  | TxnCommand;

export type MetaOutcome =
  | { readonly ok: true; readonly topic?: TopicRecord }
  /** CreateTopics: each topic's outcome, in order. */
  | { readonly ok: true; readonly topics: readonly MetaOutcome[] }
  | { readonly ok: false; readonly reason: 'TopicExists' | 'TopicNotFound' | GroupRefusal; readonly message: string }
  | SecurityOutcome
  | TxnOutcome;

/** Whether a command changes topics (nodes reconcile their partitions after those only). */
export function changesTopics(command: MetaCommand): boolean {
  return command.type === 'CreateTopic' || command.type === 'CreateTopics' || command.type === 'DeleteTopic';
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
  private nextTopicId = 1;
  groups = new ConsumerGroups();
  security = new SecurityState();
  txns = new TxnCoordinatorState();

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
        return { ok: true, topic };
      }
      default:
        if (isSecurityCommand(command)) return this.security.apply(command);
        if (isTxnCommand(command)) return this.applyTxn(command);
        return this.groups.apply(command, (name) => this.topics.get(name)?.partitions.length);
    }
  }

  /** A transaction command; a completed commit's offsets go to their groups in the same step,
   *  so the offsets and the transaction's records become committed together. */
  private applyTxn(command: TxnCommand): TxnOutcome {
    const outcome = this.txns.apply(command);
    if (outcome.ok && command.type === 'TxnComplete') {
      for (const g of outcome.offsets ?? []) this.groups.commitTransactional(g.group, g.offsets, command.nowMs, (name) => this.topics.get(name)?.partitions.length);
    }
    return outcome;
  }

  private createTopic(creation: TopicCreation): MetaOutcome {
    if (this.topics.has(creation.name)) return { ok: false, reason: 'TopicExists', message: `topic "${creation.name}" already exists` };
    const topic: TopicRecord = { id: this.nextTopicId++, name: creation.name, partitions: creation.partitions, configs: creation.configs };
    this.topics.set(topic.name, topic);
    return { ok: true, topic };
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
    return { nextTopicId: this.nextTopicId, topics: [...this.topics.values()], groups: this.groups.toJSON(), security: this.security.toJSON(), txns: this.txns.toJSON() };
  }

  static fromJSON(value: { nextTopicId: number; topics: TopicRecord[]; groups?: ReturnType<ConsumerGroups['toJSON']>; security?: Parameters<typeof SecurityState.fromJSON>[0]; txns?: TxnRecord[] }): MetaState {
    const state = new MetaState();
    state.nextTopicId = value.nextTopicId;
    for (const topic of value.topics) state.topics.set(topic.name, topic);
    state.groups = ConsumerGroups.fromJSON(value.groups);
    state.security = SecurityState.fromJSON(value.security);
    state.txns = TxnCoordinatorState.fromJSON(value.txns);
    return state;
  }
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
