import type { TopicPartitions } from './assignors.js';

/** A member of a generation, as the meta group replicates it. */
export interface GroupMember {
  readonly memberId: string;
  readonly clientId: string;
  readonly clientHost: string;
  readonly topics: readonly string[];
  readonly strategies: readonly string[];
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly assignment: readonly TopicPartitions[];
}

export interface CommittedOffset {
  readonly offset: number;
  readonly metadata: string;
  /** The coordinator's clock when it proposed the commit (applying never reads a clock). */
  readonly commitTimestampMs: number;
}

export interface OffsetToCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly metadata: string;
}

/**
 * A consumer group as every node replicates it: its current generation (members and their
 * partitions) and its committed offsets. What is not here lives only on the coordinator and is
 * rebuilt by a new one: heartbeat times, and joins waiting for a rebalance to complete.
 */
export interface GroupRecord {
  readonly name: string;
  readonly generation: number;
  /** The assignment strategy of the current generation; '' when the group has no members. */
  readonly strategy: string;
  readonly members: readonly GroupMember[];
  /** topic → partition → committed offset. */
  readonly offsets: ReadonlyMap<string, ReadonlyMap<number, CommittedOffset>>;
}

/** The meta group's commands for consumer groups. Every check that decides a command's fate is
 *  made again when it is applied, against the replicated state, so that a commit proposed
 *  before a rebalance and applied after it is fenced on every node alike. */
export type GroupCommand =
  | { readonly type: 'GroupRebalanced'; readonly group: string; readonly generation: number; readonly strategy: string; readonly members: readonly GroupMember[] }
  | {
      readonly type: 'CommitOffsets';
      readonly group: string;
      readonly memberId: string;
      readonly generation: number;
      readonly offsets: readonly OffsetToCommit[];
      readonly timestampMs: number;
    }
  | { readonly type: 'ResetOffsets'; readonly group: string; readonly offsets: readonly OffsetToCommit[]; readonly timestampMs: number }
  | { readonly type: 'DeleteGroup'; readonly group: string };

export type GroupRefusal = 'GroupNotFound' | 'FencedGeneration' | 'UnknownMember' | 'GroupNotEmpty';

export type GroupOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: GroupRefusal; readonly message: string };

/** Partition counts of existing topics: commits for a topic deleted meanwhile are dropped. */
export type TopicLookup = (topic: string) => number | undefined;

interface MutableGroup {
  name: string;
  generation: number;
  strategy: string;
  members: GroupMember[];
  offsets: Map<string, Map<number, CommittedOffset>>;
}

/** The JSON form of a group, for meta snapshots. */
interface GroupJson {
  name: string;
  generation: number;
  strategy: string;
  members: GroupMember[];
  offsets: [string, [number, CommittedOffset][]][];
}

/** Every consumer group of the cluster: part of the meta state machine. */
export class ConsumerGroups {
  private readonly groups = new Map<string, MutableGroup>();

  get(name: string): GroupRecord | undefined {
    return this.groups.get(name);
  }

  all(): GroupRecord[] {
    return [...this.groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  apply(command: GroupCommand, topics: TopicLookup): GroupOutcome {
    switch (command.type) {
      case 'GroupRebalanced': {
        const group = this.groups.get(command.group) ?? this.create(command.group);
        // A proposal of a deposed coordinator that still got committed: the generation it
        // replaces is gone, and so must it be.
        if (command.generation !== group.generation + 1) {
          return refuse('FencedGeneration', `generation ${command.generation} of consumer group "${command.group}" does not follow ${group.generation}`);
        }
        group.generation = command.generation;
        group.strategy = command.members.length === 0 ? '' : command.strategy;
        group.members = [...command.members];
        return { ok: true };
      }
      case 'CommitOffsets': {
        let group = this.groups.get(command.group);
        if (command.generation === 0 && command.memberId === '') {
          // A standalone consumer: allowed while no generation has members.
          if (group !== undefined && group.members.length > 0) {
            return refuse('FencedGeneration', `consumer group "${command.group}" has members; commit as a member with its generation`);
          }
          group ??= this.create(command.group);
        } else {
          if (group === undefined) return refuse('GroupNotFound', `consumer group "${command.group}" does not exist`);
          if (!group.members.some((m) => m.memberId === command.memberId)) {
            return refuse('UnknownMember', `member "${command.memberId}" is not in consumer group "${command.group}"`);
          }
          if (command.generation !== group.generation) {
            return refuse('FencedGeneration', `generation ${command.generation} of consumer group "${command.group}" is fenced by generation ${group.generation}`);
          }
        }
        setOffsets(group, command.offsets, command.timestampMs, topics);
        return { ok: true };
      }
      case 'ResetOffsets': {
        const group = this.groups.get(command.group);
        if (group === undefined) return refuse('GroupNotFound', `consumer group "${command.group}" does not exist`);
        if (group.members.length > 0) return refuse('GroupNotEmpty', `consumer group "${command.group}" has ${group.members.length} active members`);
        setOffsets(group, command.offsets, command.timestampMs, topics);
        return { ok: true };
      }
      case 'DeleteGroup': {
        const group = this.groups.get(command.group);
        if (group === undefined) return refuse('GroupNotFound', `consumer group "${command.group}" does not exist`);
        if (group.members.length > 0) return refuse('GroupNotEmpty', `consumer group "${command.group}" has ${group.members.length} active members`);
        this.groups.delete(command.group);
        return { ok: true };
      }
    }
  }

  /** Offsets committed by a transaction as it completes (TxnOffsetCommit, KIP-98): not fenced
   *  by generation (Kafka's v0-2 carry none), the group created if it has none yet. */
  commitTransactional(name: string, offsets: readonly OffsetToCommit[], timestampMs: number, topics: TopicLookup): void {
    setOffsets(this.groups.get(name) ?? this.create(name), offsets, timestampMs, topics);
  }

  /** A topic was deleted: its committed offsets go with it (a topic created again under the
   *  same name starts at offset 0, and old offsets would point past its end). */
  dropTopic(topic: string): void {
    for (const group of this.groups.values()) group.offsets.delete(topic);
  }

  toJSON(): GroupJson[] {
    return [...this.groups.values()].map((g) => ({
      name: g.name,
      generation: g.generation,
      strategy: g.strategy,
      members: g.members,
      offsets: [...g.offsets].map(([topic, partitions]): [string, [number, CommittedOffset][]] => [topic, [...partitions]]),
    }));
  }

  static fromJSON(value: GroupJson[] | undefined): ConsumerGroups {
    const groups = new ConsumerGroups();
    for (const g of value ?? []) {
      groups.groups.set(g.name, {
        name: g.name,
        generation: g.generation,
        strategy: g.strategy,
        members: g.members,
        offsets: new Map(g.offsets.map(([topic, partitions]) => [topic, new Map(partitions)])),
      });
    }
    return groups;
  }

  private create(name: string): MutableGroup {
    const group: MutableGroup = { name, generation: 0, strategy: '', members: [], offsets: new Map() };
    this.groups.set(name, group);
    return group;
  }
}

function setOffsets(group: MutableGroup, offsets: readonly OffsetToCommit[], timestampMs: number, topics: TopicLookup): void {
  for (const o of offsets) {
    const count = topics(o.topic);
    if (count === undefined || o.partition >= count) continue;
    let partitions = group.offsets.get(o.topic);
    if (partitions === undefined) group.offsets.set(o.topic, (partitions = new Map()));
    partitions.set(o.partition, { offset: o.offset, metadata: o.metadata, commitTimestampMs: timestampMs });
  }
}

function refuse(reason: GroupRefusal, message: string): GroupOutcome {
  return { ok: false, reason, message };
}
