// Consumer-group administration and offsets: calls to the group coordinator (the controller),
// and the shapes they return. The GroupConsumer (group-consumer.ts) drives membership.

import type { v1 } from '@herald/protocol';
import { unaryCall } from './connections.js';
import type { CallOptions, Router } from './router.js';

/** Some partitions of a topic. */
export interface TopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

/** A group in a list. `state` is "Empty", "PreparingRebalance" or "Stable". */
export interface GroupSummary {
  readonly group: string;
  readonly state: string;
  readonly memberCount: number;
  readonly generation: number;
  readonly strategy: string;
}

/** A committed offset: the next offset the group consumes in the partition. */
export interface CommittedOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly metadata: string;
  readonly commitTimestampMs: number;
}

/** One partition of a group with its lag; -1 where unknown. */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly memberId: string;
  readonly committedOffset: number;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly lagRecords: number;
  /** The age of the oldest record not consumed yet, in seconds; 0 when caught up. */
  readonly lagSeconds: number;
}

export interface GroupMemberDescription {
  readonly memberId: string;
  readonly clientId: string;
  readonly clientHost: string;
  readonly topics: readonly string[];
  readonly assignment: readonly TopicPartitions[];
  readonly sessionTimeoutMs: number;
  readonly lastHeartbeatAgoMs: number;
}

export interface GroupDescription extends GroupSummary {
  readonly coordinatorId: number;
  readonly members: readonly GroupMemberDescription[];
  readonly partitions: readonly PartitionLag[];
}

/** Where resetOffsets() moves a group's offsets. */
export type ResetTarget =
  | 'earliest'
  | 'latest'
  | { readonly offset: number }
  | { readonly timestampMs: number }
  | { readonly shift: number };

export interface ResetOffsetsOptions {
  /** The partitions to move; all of the topic's by default. */
  readonly partitions?: readonly number[];
  /** Answer the new offsets without committing them. */
  readonly dryRun?: boolean;
}

/** An offset to commit: the next offset to consume (the last processed + 1). */
export interface OffsetCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly metadata?: string;
}

const toOffset = (o: v1.CommittedOffset__Output): CommittedOffset => ({ topic: o.topic, partition: o.partition, offset: o.offset, metadata: o.metadata, commitTimestampMs: o.commitTimestampMs });
const toPartitions = (list: readonly v1.TopicPartitions__Output[]): TopicPartitions[] => list.map((tp) => ({ topic: tp.topic, partitions: [...tp.partitions] }));

/** The group calls of a HeraldClient, all at the coordinator (the controller). */
export class GroupAdmin {
  constructor(private readonly router: Router) {}

  async list(options: CallOptions = {}): Promise<GroupSummary[]> {
    const r = await this.router.atController((s, d) => unaryCall<v1.ListGroupsResponse__Output>(s.address, (o, cb) => s.groups.listGroups({}, o, cb), d), options);
    return r.groups.map((g) => ({ group: g.group, state: g.state, memberCount: g.memberCount, generation: g.generation, strategy: g.strategy }));
  }

  async describe(group: string, options: CallOptions = {}): Promise<GroupDescription> {
    const r = await this.router.atController((s, d) => unaryCall<v1.DescribeGroupResponse__Output>(s.address, (o, cb) => s.groups.describeGroup({ group }, o, cb), d), options);
    return {
      group: r.group,
      state: r.state,
      memberCount: r.members.length,
      generation: r.generation,
      strategy: r.strategy,
      coordinatorId: r.coordinatorId,
      members: r.members.map((m) => ({ ...m, topics: [...m.topics], assignment: toPartitions(m.assignment) })),
      partitions: r.partitions.map((p) => ({ ...p })),
    };
  }

  async fetchOffsets(group: string, topics: readonly string[] = [], options: CallOptions = {}): Promise<CommittedOffset[]> {
    const r = await this.router.atController((s, d) => unaryCall<v1.FetchOffsetsResponse__Output>(s.address, (o, cb) => s.groups.fetchOffsets({ group, topics: [...topics] }, o, cb), d), options);
    return r.offsets.map(toOffset);
  }

  /** Commits offsets as a member (with its id and generation), or standalone (neither: only while
   *  the group has no members). */
  async commit(group: string, offsets: readonly OffsetCommit[], member: { memberId: string; generation: number } = { memberId: '', generation: 0 }, options: CallOptions = {}): Promise<void> {
    const request = { group, memberId: member.memberId, generation: member.generation, offsets: offsets.map((o) => ({ ...o, metadata: o.metadata ?? '' })) };
    await this.router.atController((s, d) => unaryCall<v1.CommitOffsetsResponse__Output>(s.address, (o, cb) => s.groups.commitOffsets(request, o, cb), d), options);
  }

  async resetOffsets(group: string, topic: string, target: ResetTarget, options: ResetOffsetsOptions & CallOptions = {}): Promise<CommittedOffset[]> {
    const request: v1.ResetOffsetsRequest = { group, topic, partitions: [...(options.partitions ?? [])], dryRun: options.dryRun ?? false };
    if (target === 'earliest') request.position = 'RESET_POSITION_EARLIEST';
    else if (target === 'latest') request.position = 'RESET_POSITION_LATEST';
    else if ('offset' in target) Object.assign(request, { position: 'RESET_POSITION_OFFSET', offset: target.offset });
    else if ('timestampMs' in target) Object.assign(request, { position: 'RESET_POSITION_TIMESTAMP', timestampMs: target.timestampMs });
    else Object.assign(request, { position: 'RESET_POSITION_SHIFT', shift: target.shift });
    const r = await this.router.atController((s, d) => unaryCall<v1.ResetOffsetsResponse__Output>(s.address, (o, cb) => s.groups.resetOffsets(request, o, cb), d), options);
    return r.offsets.map(toOffset);
  }

  async delete(group: string, options: CallOptions = {}): Promise<void> {
    await this.router.atController((s, d) => unaryCall<v1.DeleteGroupResponse__Output>(s.address, (o, cb) => s.groups.deleteGroup({ group }, o, cb), d), options);
  }
}
