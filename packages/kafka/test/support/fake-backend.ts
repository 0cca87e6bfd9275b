// An in-memory KafkaBackend with Herald's rules, small enough to read: one node (id 1), topics
// of partitions that store Herald batches (validated with @herald/protocol's validateBatch),
// offsets assigned in append order, idempotent producers deduplicated by sequence, and a group
// coordinator that computes assignments itself and rebalances eagerly, as the broker's
// GroupCoordinator does (packages/broker/src/groups/coordinator.ts). Tests drive a real
// KafkaServer and real Kafka clients against it.

import { createHash, createHmac, pbkdf2Sync, randomBytes, randomUUID } from 'node:crypto';
import {
  decodeBatch,
  fencedGeneration,
  groupNotEmpty,
  groupNotFound,
  HeraldError,
  offsetOutOfRange,
  outOfOrderSequence,
  partitionNotFound,
  producerFenced,
  readBatchHeader,
  rebalanceInProgress,
  topicExists,
  topicNotFound,
  unknownMember,
  validateBatch,
} from '@herald/protocol';
import type {
  ClusterMetadata,
  CommittedOffset,
  ConfigEntry,
  CreateTopicRequest,
  FetchPosition,
  FetchRequest,
  FetchResult,
  GroupDescription,
  GroupSummary,
  JoinGroupRequest,
  JoinGroupResult,
  KafkaBackend,
  ListOffsetRequest,
  ListOffsetResult,
  OffsetToCommit,
  ProduceRequest,
  ProduceResult,
  RequestContext,
  ScramCredential,
  ScramMechanism,
  TopicPartitions,
} from '../../src/index.js';

export const NODE_ID = 1;
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const CONFIG_DEFAULTS: Readonly<Record<string, string>> = { 'max.message.bytes': '1048576', 'min.insync.replicas': '1', 'retention.ms': '-1', 'cleanup.policy': 'delete' };

const invalid = (field: string, why: string) => new HeraldError('InvalidArgument', `${field}: ${why}`, { 'herald-field': field });

interface StoredBatch {
  readonly baseOffset: number;
  readonly leaderEpoch: number;
  readonly bytes: Uint8Array;
  readonly span: number;
}

interface ProducerState {
  epoch: number;
  lastBaseSequence: number;
  nextSequence: number;
  lastBaseOffset: number;
}

class FakePartition {
  readonly batches: StoredBatch[] = [];
  highWatermark = 0;
  logStartOffset = 0;
  leaderEpoch = 1;
  readonly producers = new Map<number, ProducerState>();
  /** Appends in call order, whatever validation awaits (the KafkaBackend contract). */
  tail: Promise<unknown> = Promise.resolve();
  readonly listeners = new Set<() => void>();

  append(bytes: Uint8Array): number {
    const header = readBatchHeader(bytes);
    if (header.producerId >= 0) {
      const state = this.producers.get(header.producerId);
      if (state !== undefined && header.producerEpoch < state.epoch) throw producerFenced(header.producerId, header.producerEpoch, state.epoch);
      const fresh = state === undefined || header.producerEpoch > state.epoch;
      if (!fresh && header.baseSequence === state.lastBaseSequence) return state.lastBaseOffset; // a retry of the last batch
      const expected = fresh ? 0 : state.nextSequence;
      if (header.baseSequence !== expected) throw outOfOrderSequence(header.producerId, expected, header.baseSequence);
      this.producers.set(header.producerId, {
        epoch: header.producerEpoch,
        lastBaseSequence: header.baseSequence,
        nextSequence: header.baseSequence + header.recordCount,
        lastBaseOffset: this.highWatermark,
      });
    }
    const baseOffset = this.highWatermark;
    this.batches.push({ baseOffset, leaderEpoch: this.leaderEpoch, bytes, span: header.recordCount });
    this.highWatermark += header.recordCount;
    for (const listener of [...this.listeners]) listener();
    return baseOffset;
  }

  read(offset: number, maxBytes: number): StoredBatch[] {
    const out: StoredBatch[] = [];
    let bytes = 0;
    for (const batch of this.batches) {
      if (batch.baseOffset + batch.span <= offset) continue;
      if (out.length > 0 && bytes + batch.bytes.length > maxBytes) break;
      out.push(batch);
      bytes += batch.bytes.length;
    }
    return out;
  }
}

interface FakeTopic {
  readonly partitions: FakePartition[];
  readonly configs: Record<string, string>;
}

interface Member {
  readonly memberId: string;
  readonly clientId: string;
  readonly clientHost: string;
  readonly topics: readonly string[];
  readonly strategies: readonly string[];
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  assignment: TopicPartitions[];
  lastSeenMs: number;
}

interface PendingJoin {
  readonly member: Member;
  readonly resolve: (result: JoinGroupResult) => void;
  readonly reject: (err: Error) => void;
}

interface FakeGroup {
  readonly name: string;
  generation: number;
  strategy: string;
  members: Member[];
  rebalance: { startedAtMs: number; notBeforeMs: number; pending: Map<string, PendingJoin> } | null;
  readonly offsets: Map<string, CommittedOffset>;
}

/** Options of the fake. */
export interface FakeBackendOptions {
  /** The first rebalance of an empty group waits this long for more members (Kafka's
   *  group.initial.rebalance.delay.ms). */
  readonly initialRebalanceDelayMs?: number;
  readonly users?: Readonly<Record<string, string>>;
  readonly scram?: ReadonlyMap<string, ScramCredential>;
}

export class FakeBackend implements KafkaBackend {
  readonly topics = new Map<string, FakeTopic>();
  readonly groups = new Map<string, FakeGroup>();
  /** Where the listener is, set once it listens. */
  endpoint = { host: '127.0.0.1', port: 0 };
  controllerId = NODE_ID;
  /** Every call, by method name, for tests that check what reached the broker. */
  readonly calls: { method: string; args: unknown[] }[] = [];
  private nextProducerId = 1000;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: FakeBackendOptions = {}) {
    this.timer = setInterval(() => this.tickGroups(), 20);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
  }

  private note(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }

  /** Creates a topic directly (test setup). */
  addTopic(name: string, partitions: number, configs: Record<string, string> = {}): void {
    this.topics.set(name, { partitions: Array.from({ length: partitions }, () => new FakePartition()), configs });
  }

  partition(topic: string, partition: number): FakePartition {
    const t = this.topics.get(topic);
    if (t === undefined) throw topicNotFound(topic);
    const p = t.partitions[partition];
    if (p === undefined) throw partitionNotFound(topic, partition, t.partitions.length);
    return p;
  }

  /** Every record value of a partition, decoded, in offset order. */
  async values(topic: string, partition: number): Promise<string[]> {
    const out: string[] = [];
    for (const batch of this.partition(topic, partition).batches) {
      for (const record of await decodeBatch(batch.bytes)) out.push(record.value === null ? '' : Buffer.from(record.value).toString());
    }
    return out;
  }

  async metadata(topics: readonly string[] | null, _ctx: RequestContext): Promise<ClusterMetadata> {
    const names = topics ?? [...this.topics.keys()].sort();
    return {
      clusterId: 'herald-test',
      controllerId: this.controllerId,
      brokers: [{ nodeId: NODE_ID, host: this.endpoint.host, port: this.endpoint.port, rack: null }],
      topics: names
        .filter((name) => this.topics.has(name))
        .map((name) => ({
          name,
          partitions: this.topics.get(name)!.partitions.map((p, partition) => ({ partition, leaderId: NODE_ID, leaderEpoch: p.leaderEpoch, replicas: [NODE_ID], isr: [NODE_ID], offlineReplicas: [] })),
        })),
    };
  }

  produce(request: ProduceRequest, _ctx: RequestContext): Promise<ProduceResult> {
    this.note('produce', request);
    let p: FakePartition;
    try {
      p = this.partition(request.topic, request.partition);
    } catch (err) {
      return Promise.reject(err);
    }
    const limit = Number(this.topics.get(request.topic)!.configs['max.message.bytes'] ?? CONFIG_DEFAULTS['max.message.bytes']);
    const result = p.tail.then(async () => {
      for (const batch of request.batches) await validateBatch(batch, { recordBytesMax: limit, batchBytesMax: limit });
      const offsets = request.batches.map((batch) => p.append(batch));
      return { baseOffset: offsets[0]!, logStartOffset: p.logStartOffset };
    });
    p.tail = result.catch(() => undefined);
    return result;
  }

  async fetch(request: FetchRequest, _ctx: RequestContext): Promise<FetchResult> {
    const p = this.partition(request.topic, request.partition);
    if (request.offset < p.logStartOffset || request.offset > p.highWatermark) throw offsetOutOfRange(request.offset, p.logStartOffset, p.highWatermark);
    // No transactions here: everything below the high watermark is stable.
    return { batches: p.read(request.offset, request.maxBytes), highWatermark: p.highWatermark, logStartOffset: p.logStartOffset, lastStableOffset: p.highWatermark, abortedTransactions: [] };
  }

  waitForData(positions: readonly FetchPosition[], timeoutMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const partitions: FakePartition[] = [];
      const check = () => {
        if (positions.some((pos, i) => partitions[i] !== undefined && partitions[i]!.highWatermark > pos.offset)) finish();
      };
      const finish = () => {
        clearTimeout(timer);
        for (const p of partitions) p.listeners.delete(check);
        signal.removeEventListener('abort', finish);
        resolve();
      };
      for (const pos of positions) {
        const p = this.topics.get(pos.topic)?.partitions[pos.partition];
        if (p !== undefined) p.listeners.add(check);
        partitions.push(p as FakePartition);
      }
      const timer = setTimeout(finish, timeoutMs);
      signal.addEventListener('abort', finish);
      check();
    });
  }

  async listOffset(request: ListOffsetRequest, _ctx: RequestContext): Promise<ListOffsetResult> {
    const p = this.partition(request.topic, request.partition);
    if (request.spec === 'earliest') return { offset: p.logStartOffset, timestampMs: -1, leaderEpoch: p.leaderEpoch };
    if (request.spec === 'latest') return { offset: p.highWatermark, timestampMs: -1, leaderEpoch: p.leaderEpoch };
    for (const batch of p.batches) {
      for (const record of await decodeBatch(batch.bytes)) {
        const offset = batch.baseOffset + record.offsetDelta;
        if (offset >= p.logStartOffset && record.timestampMs >= request.timestampMs) return { offset, timestampMs: record.timestampMs, leaderEpoch: p.leaderEpoch };
      }
    }
    return { offset: p.highWatermark, timestampMs: -1, leaderEpoch: p.leaderEpoch };
  }

  async deleteRecords(topic: string, partition: number, beforeOffset: number, _ctx: RequestContext): Promise<number> {
    const p = this.partition(topic, partition);
    const target = beforeOffset === -1 ? p.highWatermark : beforeOffset;
    if (target < 0 || target > p.highWatermark) throw offsetOutOfRange(target, p.logStartOffset, p.highWatermark);
    p.logStartOffset = Math.max(p.logStartOffset, target);
    while (p.batches[0] !== undefined && p.batches[0].baseOffset + p.batches[0].span <= p.logStartOffset) p.batches.shift();
    return p.logStartOffset;
  }

  // Groups ---------------------------------------------------------------------------------------

  private group(name: string): FakeGroup {
    let g = this.groups.get(name);
    if (g === undefined) this.groups.set(name, (g = { name, generation: 0, strategy: '', members: [], rebalance: null, offsets: new Map() }));
    return g;
  }

  joinGroup(request: JoinGroupRequest, ctx: RequestContext): Promise<JoinGroupResult> {
    this.note('joinGroup', request);
    if (request.sessionTimeoutMs < 100 || request.sessionTimeoutMs > 300_000) {
      return Promise.reject(invalid('sessionTimeoutMs', `must be between 100 and 300,000 (got ${request.sessionTimeoutMs})`));
    }
    const g = this.group(request.group);
    let memberId = request.memberId;
    if (memberId === '') memberId = `${request.clientId || 'member'}-${randomUUID()}`;
    else if (!g.members.some((m) => m.memberId === memberId) && !g.rebalance?.pending.has(memberId)) return Promise.reject(unknownMember(request.group, memberId));
    const now = Date.now();
    const member: Member = { ...request, memberId, assignment: [], lastSeenMs: now };
    return new Promise((resolve, reject) => {
      g.rebalance ??= { startedAtMs: now, notBeforeMs: g.members.length === 0 ? now + (this.options.initialRebalanceDelayMs ?? 0) : now, pending: new Map() };
      g.rebalance.pending.get(memberId)?.reject(rebalanceInProgress(g.name));
      g.rebalance.pending.set(memberId, { member, resolve, reject });
      ctx.signal.addEventListener('abort', () => {
        if (g.rebalance?.pending.get(memberId)?.member === member) g.rebalance.pending.delete(memberId);
      });
      this.maybeComplete(g);
    });
  }

  private maybeComplete(g: FakeGroup): void {
    const r = g.rebalance;
    if (r === null) return;
    if (g.members.some((m) => !r.pending.has(m.memberId)) || Date.now() < r.notBeforeMs) return;
    const joined = [...r.pending.values()];
    g.rebalance = null;
    g.generation += 1;
    g.members = joined.map((p) => p.member);
    const first = g.members[0];
    g.strategy = first === undefined ? '' : (first.strategies.find((s) => g.members.every((m) => m.strategies.includes(s))) ?? first.strategies[0]!);
    this.assign(g);
    for (const p of joined) {
      p.member.lastSeenMs = Date.now();
      p.resolve({ memberId: p.member.memberId, generation: g.generation, strategy: g.strategy, assignment: p.member.assignment });
    }
  }

  /** Range over members sorted by id, per topic (roundrobin and sticky are the same here). */
  private assign(g: FakeGroup): void {
    const sorted = [...g.members].sort((a, b) => a.memberId.localeCompare(b.memberId));
    for (const m of sorted) m.assignment = [];
    for (const topic of new Set(sorted.flatMap((m) => m.topics))) {
      const count = this.topics.get(topic)?.partitions.length ?? 0;
      const subscribers = sorted.filter((m) => m.topics.includes(topic));
      subscribers.forEach((m, i) => {
        const partitions = [];
        for (let p = i; p < count; p += subscribers.length) partitions.push(p);
        if (partitions.length > 0) m.assignment.push({ topic, partitions });
      });
    }
  }

  private tickGroups(): void {
    const now = Date.now();
    for (const g of this.groups.values()) {
      const r = g.rebalance;
      for (const m of [...g.members]) {
        if (r?.pending.has(m.memberId) === true) continue;
        const late = now - m.lastSeenMs > m.sessionTimeoutMs || (r !== null && now - r.startedAtMs > m.rebalanceTimeoutMs);
        if (late) this.removeMember(g, m.memberId);
      }
      this.maybeComplete(g);
    }
  }

  private removeMember(g: FakeGroup, memberId: string): void {
    const wasMember = g.members.some((m) => m.memberId === memberId);
    g.members = g.members.filter((m) => m.memberId !== memberId);
    const pending = g.rebalance?.pending.get(memberId);
    if (pending !== undefined) {
      g.rebalance!.pending.delete(memberId);
      pending.reject(unknownMember(g.name, memberId));
    }
    if (wasMember && g.members.length > 0) g.rebalance ??= { startedAtMs: Date.now(), notBeforeMs: Date.now(), pending: new Map() };
    if (wasMember && g.members.length === 0 && g.rebalance === null) {
      g.generation += 1;
      g.strategy = '';
    }
    this.maybeComplete(g);
  }

  private member(group: string, memberId: string, generation: number): Member {
    const g = this.groups.get(group);
    if (g === undefined) throw groupNotFound(group);
    const m = g.members.find((x) => x.memberId === memberId);
    if (m === undefined) {
      if (g.rebalance?.pending.has(memberId) === true) throw rebalanceInProgress(group);
      throw unknownMember(group, memberId);
    }
    if (generation !== g.generation) throw fencedGeneration(group, generation, g.generation);
    m.lastSeenMs = Date.now();
    if (g.rebalance !== null) throw rebalanceInProgress(group);
    return m;
  }

  async groupAssignment(group: string, memberId: string, generation: number, _ctx: RequestContext): Promise<readonly TopicPartitions[]> {
    return this.member(group, memberId, generation).assignment;
  }

  async heartbeat(group: string, memberId: string, generation: number, _ctx: RequestContext): Promise<void> {
    this.member(group, memberId, generation);
  }

  async leaveGroup(group: string, memberId: string, _ctx: RequestContext): Promise<void> {
    this.note('leaveGroup', group, memberId);
    const g = this.groups.get(group);
    if (g === undefined) throw groupNotFound(group);
    if (!g.members.some((m) => m.memberId === memberId) && !g.rebalance?.pending.has(memberId)) throw unknownMember(group, memberId);
    this.removeMember(g, memberId);
  }

  async commitOffsets(group: string, memberId: string, generation: number, offsets: readonly OffsetToCommit[], _ctx: RequestContext): Promise<void> {
    this.note('commitOffsets', group, memberId, generation, offsets);
    if (memberId === '' && generation === 0) {
      const g = this.group(group);
      if (g.members.length > 0) throw groupNotEmpty(group, g.members.length);
    } else {
      const g = this.groups.get(group);
      if (g === undefined) throw groupNotFound(group);
      if (!g.members.some((m) => m.memberId === memberId)) throw unknownMember(group, memberId);
      if (generation !== g.generation) throw fencedGeneration(group, generation, g.generation);
    }
    for (const o of offsets) {
      this.partition(o.topic, o.partition);
      if (o.offset < 0) throw invalid('offset', `must be at least 0 (got ${o.offset})`);
    }
    const g = this.group(group);
    for (const o of offsets) g.offsets.set(`${o.topic}/${o.partition}`, { topic: o.topic, partition: o.partition, offset: o.offset, metadata: o.metadata });
  }

  async fetchOffsets(group: string, topics: readonly string[] | null, _ctx: RequestContext): Promise<readonly CommittedOffset[]> {
    const g = this.groups.get(group);
    if (g === undefined) throw groupNotFound(group);
    return [...g.offsets.values()].filter((o) => topics === null || topics.includes(o.topic));
  }

  async listGroups(_ctx: RequestContext): Promise<readonly GroupSummary[]> {
    return [...this.groups.values()].map((g) => ({ group: g.name, state: this.stateOf(g) }));
  }

  private stateOf(g: FakeGroup): GroupSummary['state'] {
    return g.rebalance !== null ? 'PreparingRebalance' : g.members.length === 0 ? 'Empty' : 'Stable';
  }

  async describeGroup(group: string, _ctx: RequestContext): Promise<GroupDescription> {
    const g = this.groups.get(group);
    if (g === undefined) throw groupNotFound(group);
    return { group, state: this.stateOf(g), generation: g.generation, strategy: g.strategy, members: g.members.map((m) => ({ ...m })) };
  }

  // Topics -----------------------------------------------------------------------------------------

  async createTopic(request: CreateTopicRequest, _ctx: RequestContext): Promise<void> {
    this.note('createTopic', request);
    if (!TOPIC_NAME.test(request.name)) throw invalid('name', `"${request.name}" is not a valid topic name`);
    const partitions = request.partitions === -1 ? 1 : request.partitions;
    if (partitions < 1 || partitions > 1024) throw invalid('partitions', `must be between 1 and 1,024 (got ${partitions})`);
    const replicationFactor = request.replicationFactor === -1 ? 1 : request.replicationFactor;
    if (replicationFactor !== 1) throw invalid('replication_factor', `must be between 1 and 1, the number of nodes (got ${replicationFactor})`);
    for (const key of Object.keys(request.configs)) if (!(key in CONFIG_DEFAULTS)) throw invalid(`configs.${key}`, 'is not a topic config Herald knows');
    if (this.topics.has(request.name)) throw topicExists(request.name);
    if (!request.validateOnly) this.addTopic(request.name, partitions, { ...request.configs });
  }

  async deleteTopic(name: string, _ctx: RequestContext): Promise<void> {
    if (!this.topics.delete(name)) throw topicNotFound(name);
  }

  async topicConfigs(name: string, _ctx: RequestContext): Promise<readonly ConfigEntry[]> {
    const topic = this.topics.get(name);
    if (topic === undefined) throw topicNotFound(name);
    return Object.entries({ ...CONFIG_DEFAULTS, ...topic.configs }).map(([key, value]) => ({ name: key, value, isTopicOverride: key in topic.configs, readOnly: false, sensitive: false }));
  }

  // Producers and principals -------------------------------------------------------------------

  async initProducerId(transactionalId: string | null, _timeoutMs: number, _ctx: RequestContext): Promise<{ producerId: number; producerEpoch: number }> {
    if (transactionalId !== null) throw invalid('transactionalId', 'the fake serves no transactions');
    return { producerId: this.nextProducerId++, producerEpoch: 0 };
  }

  // Transactions: the broker's (test/integration/kafka-transactions.test.ts); none here.

  async addPartitionsToTxn(): Promise<void> {
    throw invalid('transactionalId', 'the fake serves no transactions');
  }

  async addOffsetsToTxn(): Promise<void> {
    throw invalid('transactionalId', 'the fake serves no transactions');
  }

  async txnOffsetCommit(): Promise<void> {
    throw invalid('transactionalId', 'the fake serves no transactions');
  }

  async endTxn(): Promise<void> {
    throw invalid('transactionalId', 'the fake serves no transactions');
  }

  async authenticatePlain(username: string, password: string): Promise<string | null> {
    return this.options.users?.[username] === password ? `User:${username}` : null;
  }

  async scramCredential(mechanism: ScramMechanism, username: string): Promise<ScramCredential | null> {
    return this.options.scram?.get(`${mechanism}/${username}`) ?? null;
  }

  /** Waits for the appends queued so far on every partition (tests that read the log). */
  async settled(): Promise<void> {
    await Promise.all([...this.topics.values()].flatMap((t) => t.partitions.map((p) => p.tail)));
  }

  /** A group's committed offsets, for assertions. */
  committed(group: string): CommittedOffset[] {
    return [...(this.groups.get(group)?.offsets.values() ?? [])];
  }
}

/** A SCRAM credential as a user database would store it (RFC 5802 §3). */
export function scramCredential(password: string, hash: 'sha256' | 'sha512') {
  const salt = randomBytes(16);
  const iterations = 4096;
  const salted = pbkdf2Sync(password, salt, iterations, hash === 'sha256' ? 32 : 64, hash);
  const clientKey = createHmac(hash, salted).update('Client Key').digest();
  return { salt, iterations, storedKey: createHash(hash).update(clientKey).digest(), serverKey: createHmac(hash, salted).update('Server Key').digest() };
}
