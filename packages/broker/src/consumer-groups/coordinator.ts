import { randomUUID } from 'node:crypto';
import { fencedGeneration, groupNotEmpty, groupNotFound, HeraldError, invalidArgument, noLeader, partitionNotFound, rebalanceInProgress, topicNotFound, unknownMember } from '@herald/protocol';
import { assert } from '@herald/raft';
import type { Logger } from 'pino';
import { Alarm, type Clock } from '../host/clock.js';
import type { MetaGroup } from '../meta/meta-group.js';
import type { MetaCommand } from '../meta/meta-state.js';
import { assignorNamed, type TopicPartitions } from './assignors.js';
import type { CommittedOffset, GroupMember, GroupRecord, OffsetToCommit } from './group-state.js';

/** What a partition's replicas report for lag and resets. -1 where unknown or not asked. */
export interface PartitionFacts {
  readonly highWatermark: number;
  readonly logStartOffset: number;
  /** The timestamp of the first retained record at or after the offset asked about. */
  readonly recordTimestampMs: number;
  /** The first offset at or after the time asked about. */
  readonly offsetForTimestamp: number;
}

export interface PartitionQuery {
  readonly timestampAtOffset?: number;
  readonly offsetAtTimestamp?: number;
}

/** Asks the partitions' replicas (preferring their leaders) about some partitions of a topic;
 *  partitions no replica answered for are missing from the result. */
export type QueryPartitions = (topic: string, queries: ReadonlyMap<number, PartitionQuery>) => Promise<Map<number, PartitionFacts>>;

export interface CoordinatorSettings {
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  readonly initialRebalanceDelayMs: number;
  readonly lagRefreshMs: number;
}

export interface JoinRequest {
  readonly group: string;
  readonly memberId: string;
  readonly clientId: string;
  readonly clientHost: string;
  readonly topics: readonly string[];
  readonly strategies: readonly string[];
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
}

export interface JoinResult {
  readonly memberId: string;
  readonly generation: number;
  readonly strategy: string;
  readonly assignment: readonly TopicPartitions[];
  readonly heartbeatIntervalMs: number;
  readonly memberCount: number;
}

export const GroupStateName = { Empty: 'Empty', PreparingRebalance: 'PreparingRebalance', Stable: 'Stable' } as const;
export type GroupStateName = (typeof GroupStateName)[keyof typeof GroupStateName];

export interface GroupSummary {
  readonly group: string;
  readonly state: GroupStateName;
  readonly memberCount: number;
  readonly generation: number;
  readonly strategy: string;
}

export interface CommittedOffsetView extends CommittedOffset {
  readonly topic: string;
  readonly partition: number;
}

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly memberId: string;
  readonly committedOffset: number;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  /** -1 when unknown (nothing committed, or no replica answered). */
  readonly lagRecords: number;
  /** Age of the oldest unconsumed record; 0 when caught up; -1 when unknown. */
  readonly lagSeconds: number;
}

export interface GroupDescription extends GroupSummary {
  readonly coordinatorId: number;
  readonly members: readonly (GroupMember & { readonly lastHeartbeatAgoMs: number })[];
  readonly partitions: readonly PartitionLag[];
}

/** One series of the consumer lag gauges (herald_consumer_group_lag_records / _seconds). */
export interface GroupLag {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly records: number;
  readonly seconds: number;
}

export const ResetPosition = { Earliest: 'earliest', Latest: 'latest', Offset: 'offset', Timestamp: 'timestamp', Shift: 'shift' } as const;
export type ResetPosition = (typeof ResetPosition)[keyof typeof ResetPosition];

export interface ResetRequest {
  readonly group: string;
  readonly topic: string;
  /** Empty: every partition of the topic. */
  readonly partitions: readonly number[];
  readonly position: ResetPosition;
  readonly offset: number;
  readonly timestampMs: number;
  readonly shift: number;
  readonly dryRun: boolean;
}

type MemberSpec = Omit<GroupMember, 'assignment'>;

interface PendingJoin {
  readonly member: MemberSpec;
  readonly resolve: (result: JoinResult) => void;
  readonly reject: (err: Error) => void;
}

interface Rebalance {
  readonly startedAtMs: number;
  /** The first rebalance of an empty group waits this long for more members. */
  readonly notBeforeMs: number;
  /** Members that joined (or rejoined), in join order. */
  readonly pending: Map<string, PendingJoin>;
  /** Members of the current generation removed during this rebalance. */
  readonly removed: Set<string>;
  /** The new generation is being committed: joins and removals wait for the next rebalance. */
  proposing: boolean;
  /** Settles once the new generation's proposal is decided. */
  decided?: Promise<void>;
}

/** What only the coordinator knows of a group; a new coordinator starts it afresh. */
interface LiveGroup {
  readonly name: string;
  /** When the coordinator last heard from each member of the current generation. */
  readonly lastSeen: Map<string, number>;
  rebalance: Rebalance | null;
  /** Joins and removals that came while a generation was being committed. */
  readonly nextJoins: Map<string, PendingJoin>;
  readonly nextRemovals: Set<string>;
}

const COMMIT_TIMEOUT_MS = 10_000;
const TICK_MS = 50;

/**
 * The group coordinator: Kafka's eager rebalance protocol with the assignment computed here (one
 * JoinGroup round trip instead of Join + Sync). It runs on the controller. Everything that must
 * survive a failover goes through the meta group: each generation (members and their
 * partitions) and every committed offset. What a new coordinator does not inherit is soft state:
 * heartbeat times (every member gets a full session timeout from the moment the new controller
 * takes over) and joins waiting for a rebalance (they fail with NotLeader, and the members
 * join again at the new controller).
 *
 * Fencing: every commit names its generation; the meta state machine refuses one that is not
 * the group's current generation when it applies it, so a commit proposed before a rebalance and
 * committed after it is refused on every node alike.
 */
export class GroupCoordinator {
  private readonly live = new Map<string, LiveGroup>();
  /** The controller term the live state belongs to. */
  private liveTerm = 0;
  /** The next check (tick): TICK_MS apart while a group has members or a rebalance, at the
   *  next lag refresh while there is lag to report, else only after a meta change. */
  private readonly alarm: Alarm;
  private readonly unwatch: () => void;
  private lagCache: GroupLag[] = [];
  /** The controller term lagCache was computed in: a cache from an earlier term is not served. */
  private lagTerm = 0;
  private lagRefreshedAtMs = 0;
  private lagRefreshing = false;
  private closed = false;

  constructor(
    private readonly meta: MetaGroup,
    private readonly settings: CoordinatorSettings,
    private readonly queryPartitions: QueryPartitions,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {
    this.alarm = new Alarm(clock, () => this.tick());
    // Becoming the (up-to-date) controller, losing it, and every group change are meta turns.
    this.unwatch = meta.watch(() => this.alarm.at(this.clock.now() + TICK_MS));
    this.alarm.at(clock.now() + TICK_MS);
    meta.onChange(() => this.onTopicsChanged());
  }

  close(): void {
    this.closed = true;
    this.alarm.cancel();
    this.unwatch();
    this.resetLive(new HeraldError('ShuttingDown', 'the group coordinator is shutting down; join again at the new controller'));
  }

  get sessionTimeoutBounds(): { min: number; max: number } {
    return { min: this.settings.minSessionTimeoutMs, max: this.settings.maxSessionTimeoutMs };
  }

  // ---------------------------------------------------------------------------------------------
  // Membership

  /** Joins a member and resolves once the rebalance it takes part in is committed. A session
   *  timeout outside the bounds is refused naming the field (Kafka's INVALID_SESSION_TIMEOUT). */
  join(request: JoinRequest, signal?: AbortSignal): Promise<JoinResult> {
    this.ensureReady();
    const { min, max } = this.sessionTimeoutBounds;
    if (request.sessionTimeoutMs < min || request.sessionTimeoutMs > max) {
      throw invalidArgument('session_timeout_ms', `must be between ${min.toLocaleString('en-US')} and ${max.toLocaleString('en-US')} (got ${request.sessionTimeoutMs.toLocaleString('en-US')})`);
    }
    const record = this.meta.state.groups.get(request.group);
    const g = this.liveGroup(request.group, record);
    let memberId = request.memberId;
    if (memberId === '') {
      memberId = `${request.clientId === '' ? 'member' : request.clientId.slice(0, 100)}-${randomUUID()}`;
    } else if (!this.isMember(g, record, memberId) && !g.rebalance?.pending.has(memberId) && !g.nextJoins.has(memberId)) {
      throw unknownMember(request.group, memberId);
    }
    const others = this.activeSpecs(g, record).filter((m) => m.memberId !== memberId);
    if (others.length > 0 && commonStrategies([...others, request]).length === 0) {
      throw new HeraldError(
        'InvalidArgument',
        `strategies: none of ${request.strategies.join(', ')} is supported by every member of consumer group "${request.group}" (they support ${commonStrategies(others).join(', ')})`,
        { 'herald-field': 'strategies' },
      );
    }
    const spec: MemberSpec = {
      memberId,
      clientId: request.clientId,
      clientHost: request.clientHost,
      topics: [...request.topics],
      strategies: [...request.strategies],
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
    };
    return new Promise<JoinResult>((resolve, reject) => {
      const join: PendingJoin = { member: spec, resolve, reject };
      const target = g.rebalance?.proposing === true ? g.nextJoins : this.startRebalance(g, record).pending;
      const previous = target.get(memberId);
      target.delete(memberId); // a rejoin moves to the end of the join order
      target.set(memberId, join);
      previous?.reject(rebalanceInProgress(request.group));
      g.lastSeen.set(memberId, this.clock.now());
      signal?.addEventListener('abort', () => {
        // The member gave up waiting (or its connection reset): it no longer counts as joined.
        if (target.get(memberId) !== join) return;
        target.delete(memberId);
        reject(new HeraldError('InvalidArgument', 'join cancelled by the client'));
        this.maybeComplete(g);
      });
      this.maybeComplete(g);
    });
  }

  /**
   * A member's assignment in the current generation, refused as a heartbeat would be (unknown
   * member, older generation, rebalance in progress), and counted as one. Kafka's SyncGroup
   * reads it: Kafka clients receive the assignment in a second round trip after JoinGroup.
   */
  assignment(group: string, memberId: string, generation: number): readonly TopicPartitions[] {
    this.heartbeat(group, memberId, generation);
    const member = this.meta.state.groups.get(group)!.members.find((m) => m.memberId === memberId);
    assert(member !== undefined, 'a member that heartbeats is a member of the current generation');
    return member.assignment;
  }

  heartbeat(group: string, memberId: string, generation: number): void {
    this.ensureReady();
    const record = this.meta.state.groups.get(group);
    if (record === undefined) throw groupNotFound(group);
    const g = this.liveGroup(group, record);
    if (!this.isMember(g, record, memberId)) {
      if (g.rebalance?.pending.has(memberId) === true || g.nextJoins.has(memberId)) throw rebalanceInProgress(group);
      throw unknownMember(group, memberId);
    }
    if (generation !== record.generation) throw fencedGeneration(group, generation, record.generation);
    g.lastSeen.set(memberId, this.clock.now());
    if (g.rebalance !== null) throw rebalanceInProgress(group);
  }

  /** Removes a member at once. When that completes the rebalance (the last member left, or
   *  every other one has joined again already), answers once the new generation is committed,
   *  so that a group left empty is Empty for whoever asks next. */
  async leave(group: string, memberId: string): Promise<void> {
    this.ensureReady();
    const record = this.meta.state.groups.get(group);
    const g = this.live.get(group);
    const pending = g?.rebalance?.pending.has(memberId) === true || g?.nextJoins.has(memberId) === true;
    if (record === undefined && !pending) throw groupNotFound(group);
    if (g === undefined || (!this.isMember(g, record, memberId) && !pending)) throw unknownMember(group, memberId);
    this.removeMember(g, memberId, 'left the group');
    if (g.rebalance?.proposing === true) await g.rebalance.decided;
  }

  // ---------------------------------------------------------------------------------------------
  // Offsets

  async commit(group: string, memberId: string, generation: number, offsets: readonly OffsetToCommit[]): Promise<void> {
    this.ensureReady();
    const record = this.meta.state.groups.get(group);
    if (generation === 0 && memberId === '') {
      if (record !== undefined && record.members.length > 0) {
        throw new HeraldError('FencedGeneration', `consumer group "${group}" has members; commit as a member with its generation`);
      }
    } else {
      if (record === undefined) throw groupNotFound(group);
      const g = this.liveGroup(group, record);
      if (!this.isMember(g, record, memberId)) throw unknownMember(group, memberId);
      if (generation !== record.generation) throw fencedGeneration(group, generation, record.generation);
    }
    for (const o of offsets) this.checkPartition(o.topic, o.partition);
    await this.propose({ type: 'CommitOffsets', group, memberId, generation, offsets, timestampMs: this.clock.now() });
  }

  fetchOffsets(group: string, topics: readonly string[]): CommittedOffsetView[] {
    this.ensureReady();
    const record = this.meta.state.groups.get(group);
    if (record === undefined) throw groupNotFound(group);
    return offsetsOf(record).filter((o) => topics.length === 0 || topics.includes(o.topic));
  }

  async reset(request: ResetRequest): Promise<CommittedOffsetView[]> {
    this.ensureReady();
    const record = this.meta.state.groups.get(request.group);
    if (record === undefined) throw groupNotFound(request.group);
    this.checkEmpty(request.group, record);
    const topic = this.meta.state.topic(request.topic);
    if (topic === undefined) throw topicNotFound(request.topic);
    const partitions = request.partitions.length === 0 ? topic.partitions.map((p) => p.partition) : [...new Set(request.partitions)].sort((a, b) => a - b);
    for (const p of partitions) this.checkPartition(request.topic, p);
    const queries = new Map(partitions.map((p) => [p, request.position === ResetPosition.Timestamp ? { offsetAtTimestamp: request.timestampMs } : {}]));
    const facts = await this.queryPartitions(request.topic, queries);
    const committed = record.offsets.get(request.topic);
    const offsets: OffsetToCommit[] = partitions.map((partition) => {
      const f = facts.get(partition);
      if (f === undefined) throw noLeader(`${request.topic}/${partition}`, 500, 'has no replica that answered');
      const clamp = (n: number) => Math.min(Math.max(n, f.logStartOffset), f.highWatermark);
      let offset: number;
      switch (request.position) {
        case ResetPosition.Earliest:
          offset = f.logStartOffset;
          break;
        case ResetPosition.Latest:
          offset = f.highWatermark;
          break;
        case ResetPosition.Offset:
          offset = clamp(request.offset);
          break;
        case ResetPosition.Timestamp:
          offset = clamp(f.offsetForTimestamp);
          break;
        case ResetPosition.Shift:
          offset = clamp((committed?.get(partition)?.offset ?? f.logStartOffset) + request.shift);
          break;
      }
      return { topic: request.topic, partition, offset, metadata: `reset to ${request.position}` };
    });
    const timestampMs = this.clock.now();
    if (!request.dryRun) await this.propose({ type: 'ResetOffsets', group: request.group, offsets, timestampMs });
    return offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset, metadata: o.metadata, commitTimestampMs: timestampMs }));
  }

  async deleteGroup(group: string): Promise<void> {
    this.ensureReady();
    const record = this.meta.state.groups.get(group);
    if (record === undefined) throw groupNotFound(group);
    this.checkEmpty(group, record);
    await this.propose({ type: 'DeleteGroup', group });
    this.live.delete(group);
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  list(): GroupSummary[] {
    this.ensureReady();
    return this.meta.state.groups.all().map((record) => this.summary(record));
  }

  async describe(group: string): Promise<GroupDescription> {
    this.ensureReady();
    const record = this.meta.state.groups.get(group);
    if (record === undefined) throw groupNotFound(group);
    const g = this.liveGroup(group, record);
    const now = this.clock.now();
    return {
      ...this.summary(record),
      coordinatorId: this.meta.controllerId(),
      members: record.members.map((m) => ({ ...m, lastHeartbeatAgoMs: Math.max(0, now - (g.lastSeen.get(m.memberId) ?? now)) })),
      partitions: await this.lagOf(record),
    };
  }

  /** The lag of every partition a group consumes or committed for, per partition. */
  private async lagOf(record: GroupRecord): Promise<PartitionLag[]> {
    const owners = new Map<string, string>();
    const byTopic = new Map<string, Set<number>>();
    const note = (topic: string, partition: number) => {
      let set = byTopic.get(topic);
      if (set === undefined) byTopic.set(topic, (set = new Set()));
      set.add(partition);
    };
    for (const m of record.members) for (const tp of m.assignment) for (const p of tp.partitions) {
      owners.set(`${tp.topic}/${p}`, m.memberId);
      note(tp.topic, p);
    }
    for (const [topic, partitions] of record.offsets) for (const p of partitions.keys()) note(topic, p);
    const out: PartitionLag[] = [];
    const now = this.clock.now();
    for (const topic of [...byTopic.keys()].sort()) {
      const partitions = [...byTopic.get(topic)!].sort((a, b) => a - b);
      const committed = record.offsets.get(topic);
      const queries = new Map(partitions.map((p) => [p, { timestampAtOffset: committed?.get(p)?.offset ?? -1 }]));
      const facts = this.meta.state.topic(topic) === undefined ? new Map<number, PartitionFacts>() : await this.queryPartitions(topic, queries);
      for (const partition of partitions) {
        const committedOffset = committed?.get(partition)?.offset ?? -1;
        const f = facts.get(partition);
        const hw = f?.highWatermark ?? -1;
        const lagRecords = f === undefined || committedOffset < 0 ? -1 : Math.max(0, hw - Math.max(committedOffset, f.logStartOffset));
        const lagSeconds = lagRecords < 0 ? -1 : lagRecords === 0 ? 0 : f!.recordTimestampMs < 0 ? -1 : Math.max(0, (now - f!.recordTimestampMs) / 1000);
        out.push({
          topic,
          partition,
          memberId: owners.get(`${topic}/${partition}`) ?? '',
          committedOffset,
          highWatermark: hw,
          logStartOffset: f?.logStartOffset ?? -1,
          lagRecords,
          lagSeconds,
        });
      }
    }
    return out;
  }

  /**
   * The consumer lag of every group, per partition with a committed offset, for the lag gauges
   * (herald_consumer_group_lag_records and herald_consumer_group_lag_seconds, labels group,
   * topic, partition). Only the controller reports (elsewhere this is empty), so that each series
   * has one source; recomputed in the background every groups.lagRefreshMs (by check()). A cache
   * computed in an earlier term is not served: a node that lost the controller role and won it
   * back reports nothing until its first refresh of the new term.
   */
  lag(): readonly GroupLag[] {
    return this.meta.isController() && this.lagTerm === this.meta.group.term() ? this.lagCache : [];
  }

  private async refreshLag(): Promise<void> {
    if (this.lagRefreshing) return;
    this.lagRefreshing = true;
    const term = this.meta.group.term();
    try {
      const out: GroupLag[] = [];
      for (const record of this.meta.state.groups.all()) {
        if (record.offsets.size === 0) continue;
        for (const p of await this.lagOf(record)) {
          if (p.lagRecords >= 0) out.push({ group: record.name, topic: p.topic, partition: p.partition, records: p.lagRecords, seconds: Math.max(0, p.lagSeconds) });
        }
      }
      this.lagCache = out;
      this.lagTerm = term;
    } catch (err) {
      this.log.debug({ err }, 'lag refresh failed');
    } finally {
      this.lagRefreshing = false;
    }
  }

  private summary(record: GroupRecord): GroupSummary {
    const g = this.live.get(record.name);
    const state = g?.rebalance != null ? GroupStateName.PreparingRebalance : record.members.length === 0 ? GroupStateName.Empty : GroupStateName.Stable;
    return { group: record.name, state, memberCount: record.members.length, generation: record.generation, strategy: record.strategy };
  }

  // ---------------------------------------------------------------------------------------------
  // Rebalancing

  private startRebalance(g: LiveGroup, record: GroupRecord | undefined): Rebalance {
    if (g.rebalance !== null) return g.rebalance;
    const now = this.clock.now();
    const empty = record === undefined || record.members.length === 0;
    g.rebalance = { startedAtMs: now, notBeforeMs: empty ? now + this.settings.initialRebalanceDelayMs : now, pending: new Map(), removed: new Set(), proposing: false };
    this.alarm.at(now + TICK_MS);
    this.log.info({ group: g.name, generation: record?.generation ?? 0 }, 'rebalance started');
    return g.rebalance;
  }

  private removeMember(g: LiveGroup, memberId: string, why: string): void {
    const r = g.rebalance;
    if (r?.proposing === true) {
      const next = g.nextJoins.get(memberId);
      if (next !== undefined) {
        g.nextJoins.delete(memberId);
        next.reject(unknownMember(g.name, memberId));
      }
      g.nextRemovals.add(memberId);
      return;
    }
    const record = this.meta.state.groups.get(g.name);
    const pending = r?.pending.get(memberId);
    if (pending !== undefined) {
      r!.pending.delete(memberId);
      pending.reject(unknownMember(g.name, memberId));
    }
    g.lastSeen.delete(memberId);
    if (record?.members.some((m) => m.memberId === memberId) === true) this.startRebalance(g, record).removed.add(memberId);
    this.log.info({ group: g.name, member: memberId, why }, 'member removed');
    this.maybeComplete(g);
  }

  private maybeComplete(g: LiveGroup): void {
    const r = g.rebalance;
    if (r === null || r.proposing) return;
    const record = this.meta.state.groups.get(g.name);
    const expected = (record?.members ?? []).filter((m) => !r.removed.has(m.memberId));
    if (expected.some((m) => !r.pending.has(m.memberId))) return;
    if (this.clock.now() < r.notBeforeMs && r.pending.size > 0) return;
    const expectedIds = new Set(expected.map((m) => m.memberId));
    // The oldest members first: they choose the strategy.
    const joined = [...expected.map((m) => r.pending.get(m.memberId)!), ...[...r.pending.values()].filter((p) => !expectedIds.has(p.member.memberId))];
    if (joined.length === 0 && (record === undefined || record.members.length === 0)) {
      g.rebalance = null;
      return;
    }
    const specs = joined.map((p) => p.member);
    const strategy = specs.length === 0 ? '' : commonStrategies(specs)[0];
    assert(strategy !== undefined, 'joins are refused unless every member shares a strategy');
    const counts = new Map<string, number>();
    for (const topic of new Set(specs.flatMap((m) => m.topics))) {
      const t = this.meta.state.topic(topic);
      if (t !== undefined) counts.set(topic, t.partitions.length);
    }
    const previous = new Map((record?.members ?? []).map((m) => [m.memberId, m.assignment]));
    const assignment =
      strategy === ''
        ? new Map<string, TopicPartitions[]>()
        : assignorNamed(strategy)!.assign(
            specs.map((m) => ({ memberId: m.memberId, topics: m.topics, previous: previous.get(m.memberId) ?? [] })),
            counts,
          );
    const members: GroupMember[] = specs.map((m) => ({ ...m, assignment: assignment.get(m.memberId) ?? [] }));
    const generation = (record?.generation ?? 0) + 1;
    r.proposing = true;
    const started = this.clock.now();
    r.decided = this.meta.propose({ type: 'GroupRebalanced', group: g.name, generation, strategy, members }, COMMIT_TIMEOUT_MS).then(
      (outcome) => {
        if (this.live.get(g.name) !== g) return; // reset meanwhile: the joins were failed already
        g.rebalance = null;
        if (!outcome.ok) {
          for (const p of joined) p.reject(rebalanceInProgress(g.name));
        } else {
          const now = this.clock.now();
          g.lastSeen.clear();
          for (const m of members) g.lastSeen.set(m.memberId, now);
          const heartbeatIntervalMs = (m: MemberSpec) => Math.max(1, Math.floor(m.sessionTimeoutMs / 3));
          for (const p of joined) {
            p.resolve({
              memberId: p.member.memberId,
              generation,
              strategy,
              assignment: assignment.get(p.member.memberId) ?? [],
              heartbeatIntervalMs: heartbeatIntervalMs(p.member),
              memberCount: members.length,
            });
          }
          this.log.info({ group: g.name, generation, strategy, members: members.length, rebalanceMs: now - r.startedAtMs, commitMs: now - started }, 'group rebalanced');
        }
        this.afterRebalance(g);
      },
      (err: Error) => {
        if (this.live.get(g.name) !== g) return;
        g.rebalance = null;
        for (const p of joined) p.reject(err);
        this.afterRebalance(g);
      },
    );
  }

  /** Starts the next rebalance with what came while the last one was being committed. */
  private afterRebalance(g: LiveGroup): void {
    const joins = [...g.nextJoins.values()];
    const removals = [...g.nextRemovals];
    g.nextJoins.clear();
    g.nextRemovals.clear();
    if (joins.length > 0) {
      const r = this.startRebalance(g, this.meta.state.groups.get(g.name));
      for (const join of joins) r.pending.set(join.member.memberId, join);
    }
    for (const memberId of removals) this.removeMember(g, memberId, 'left the group');
    this.maybeComplete(g);
  }

  /** A topic was created or deleted: groups subscribed to it rebalance so that its partitions
   *  are assigned, or no longer assigned. */
  private onTopicsChanged(): void {
    if (!this.meta.isController() || this.closed) return;
    for (const record of this.meta.state.groups.all()) {
      if (record.members.length === 0) continue;
      const assigned = new Set(record.members.flatMap((m) => m.assignment.flatMap((tp) => tp.partitions.map((p) => `${tp.topic}/${p}`))));
      const wanted = new Set<string>();
      for (const topic of new Set(record.members.flatMap((m) => m.topics))) {
        const t = this.meta.state.topic(topic);
        for (const p of t?.partitions ?? []) wanted.add(`${topic}/${p.partition}`);
      }
      if (assigned.size === wanted.size && [...wanted].every((k) => assigned.has(k))) continue;
      const g = this.liveGroup(record.name, record);
      if (g.rebalance === null) this.startRebalance(g, record);
    }
  }

  private tick(): void {
    if (this.closed) return;
    this.check();
    this.alarm.at(this.nextCheckMs());
  }

  /**
   * When the next check is due: TICK_MS from now while a group has members (their session
   * timeouts) or a rebalance (its completion, its members' rebalance timeouts); at the next lag
   * refresh while there is lag to report; else never, until a meta turn or a rebalance wakes the
   * coordinator. An idle node used to wake 20 times a second here (issue #17).
   */
  private nextCheckMs(): number {
    if (!this.meta.isUpToDateController()) return Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    const groups = this.meta.state.groups.all();
    if (groups.some((record) => record.members.length > 0)) return now + TICK_MS;
    for (const g of this.live.values()) if (g.rebalance !== null) return now + TICK_MS;
    const lagged = this.lagCache.length > 0 || groups.some((record) => record.offsets.size > 0);
    return lagged ? this.lagRefreshedAtMs + this.settings.lagRefreshMs : Number.POSITIVE_INFINITY;
  }

  /** Removes members past their session or rebalance timeout, completes the rebalances that
   *  can be, and refreshes the lag when due. */
  private check(): void {
    if (!this.meta.isController()) {
      if (this.live.size > 0) this.resetLive(this.meta.notControllerError());
      return;
    }
    if (!this.meta.isUpToDateController()) return;
    this.checkTerm();
    const now = this.clock.now();
    for (const record of this.meta.state.groups.all()) {
      if (record.members.length === 0 && !this.live.has(record.name)) continue;
      const g = this.liveGroup(record.name, record);
      const r = g.rebalance;
      if (r?.proposing === true) continue;
      for (const m of record.members) {
        if (r?.removed.has(m.memberId) === true || r?.pending.has(m.memberId) === true) continue;
        const last = g.lastSeen.get(m.memberId);
        if (last === undefined) g.lastSeen.set(m.memberId, now);
        else if (now - last > m.sessionTimeoutMs) this.removeMember(g, m.memberId, `no heartbeat within its session timeout of ${m.sessionTimeoutMs} ms`);
        else if (g.rebalance !== null && now - g.rebalance.startedAtMs > m.rebalanceTimeoutMs) this.removeMember(g, m.memberId, `did not rejoin within its rebalance timeout of ${m.rebalanceTimeoutMs} ms`);
      }
      this.maybeComplete(g);
    }
    // Groups being formed: no generation committed yet.
    for (const g of this.live.values()) if (this.meta.state.groups.get(g.name) === undefined) this.maybeComplete(g);
    if (now - this.lagRefreshedAtMs >= this.settings.lagRefreshMs) {
      this.lagRefreshedAtMs = now;
      void this.refreshLag();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** Refuses unless this node is the controller with every committed change applied. */
  private ensureReady(): void {
    if (this.closed) throw new HeraldError('ShuttingDown', 'the node is shutting down; retry on another node');
    if (!this.meta.isController()) throw this.meta.notControllerError();
    if (!this.meta.isUpToDateController()) {
      throw noLeader('the controller', 100, 'was just elected and is catching up');
    }
    this.checkTerm();
  }

  /** A new term of leadership: whatever live state an earlier term left is void. */
  private checkTerm(): void {
    const term = this.meta.group.term();
    if (term === this.liveTerm) return;
    this.resetLive(this.meta.notControllerError());
    this.liveTerm = term;
    this.lagRefreshedAtMs = 0; // lag() serves nothing of an earlier term: refresh at once
  }

  private resetLive(err: Error): void {
    for (const g of this.live.values()) {
      for (const p of g.rebalance?.pending.values() ?? []) p.reject(err);
      for (const p of g.nextJoins.values()) p.reject(err);
    }
    this.live.clear();
  }

  private liveGroup(name: string, record: GroupRecord | undefined): LiveGroup {
    let g = this.live.get(name);
    if (g === undefined) {
      const now = this.clock.now();
      g = { name, lastSeen: new Map((record?.members ?? []).map((m) => [m.memberId, now])), rebalance: null, nextJoins: new Map(), nextRemovals: new Set() };
      this.live.set(name, g);
    }
    return g;
  }

  /** A member of the current generation that was not removed since. */
  private isMember(g: LiveGroup, record: GroupRecord | undefined, memberId: string): boolean {
    return record?.members.some((m) => m.memberId === memberId) === true && g.rebalance?.removed.has(memberId) !== true && !g.nextRemovals.has(memberId);
  }

  /** The members that count now: the current generation's (not removed) and those joining. */
  private activeSpecs(g: LiveGroup, record: GroupRecord | undefined): MemberSpec[] {
    const out = new Map<string, MemberSpec>();
    for (const m of record?.members ?? []) if (this.isMember(g, record, m.memberId)) out.set(m.memberId, m);
    for (const p of g.rebalance?.pending.values() ?? []) out.set(p.member.memberId, p.member);
    for (const p of g.nextJoins.values()) out.set(p.member.memberId, p.member);
    return [...out.values()];
  }

  private checkEmpty(group: string, record: GroupRecord): void {
    const g = this.live.get(group);
    const joining = (g?.rebalance?.pending.size ?? 0) + (g?.nextJoins.size ?? 0);
    if (record.members.length > 0 || joining > 0) throw groupNotEmpty(group, Math.max(record.members.length, joining));
  }

  private checkPartition(topic: string, partition: number): void {
    const t = this.meta.state.topic(topic);
    if (t === undefined) throw topicNotFound(topic);
    if (partition >= t.partitions.length) throw partitionNotFound(topic, partition, t.partitions.length);
  }

  private async propose(command: MetaCommand): Promise<void> {
    const outcome = await this.meta.propose(command, COMMIT_TIMEOUT_MS);
    if (!outcome.ok) throw new HeraldError(outcome.reason, outcome.message);
  }
}

/** Strategies every member supports, in the first member's order of preference. */
function commonStrategies(members: readonly { strategies: readonly string[] }[]): string[] {
  const [first, ...rest] = members;
  if (first === undefined) return [];
  return first.strategies.filter((s) => rest.every((m) => m.strategies.includes(s)));
}

function offsetsOf(record: GroupRecord): CommittedOffsetView[] {
  const out: CommittedOffsetView[] = [];
  for (const topic of [...record.offsets.keys()].sort()) {
    const partitions = record.offsets.get(topic)!;
    for (const partition of [...partitions.keys()].sort((a, b) => a - b)) out.push({ topic, partition, ...partitions.get(partition)! });
  }
  return out;
}
