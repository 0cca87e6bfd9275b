// KafkaBackend over a Herald node in this process: every decision is the broker's (its
// operations in @herald/broker), reached the way Herald's own gRPC API reaches them. The adapter
// imports the broker; the broker never imports the adapter (DESIGN.md).

import { getRandomValues } from 'node:crypto';
import {
  countFetched,
  createTopic,
  deleteRecords,
  deleteTopic,
  GROUP_CLIENT_ID_BYTES_MAX,
  GROUP_OFFSET_METADATA_BYTES_MAX,
  GROUP_OFFSETS_MAX,
  GROUP_REBALANCE_TIMEOUT_MAX_MS,
  GROUP_TOPICS_MAX,
  groupName,
  intInRange,
  localKafkaPort,
  PARTITIONS_MAX,
  ProducePipeline,
  TOPIC_MESSAGE_BYTES_MAX,
  topicConfigs,
  topicName,
  type HeraldNode,
} from '@herald/broker';
import { invalidArgument, offsetOutOfRange, topicExists } from '@herald/protocol';
import { CLUSTER_RESOURCE_NAME, type Operation, type Principal, type QuotaKind, type ResourceType } from '@herald/security/models';
import type {
  BrokerEndpoint,
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
  TopicMetadata,
  TopicPartitions,
} from './backend.js';

/** Who may authenticate on the listener: the replicated user store once security lands. */
export interface CredentialStore {
  /** SASL PLAIN: the principal ("User:name") for a valid user and password, else null. */
  authenticatePlain(username: string, password: string): Promise<string | null>;
  /** SASL SCRAM: the user's stored credential for the mechanism, else null. */
  scramCredential(mechanism: ScramMechanism, username: string): Promise<ScramCredential | null>;
}

/** No users: every SASL attempt fails. An insecure cluster's listener requires no SASL, so
 *  clients connect without it. */
export const NO_USERS: CredentialStore = {
  authenticatePlain: async () => null,
  scramCredential: async () => null,
};

/**
 * The cluster's users (the meta group's security state), as a secure cluster's listener checks
 * them: SCRAM against the stored credential of the mechanism; PLAIN (over TLS only) by
 * NodeSecurity.checkPassword, so that no password is ever stored.
 */
export function clusterUsers(node: HeraldNode): CredentialStore {
  return {
    async scramCredential(mechanism, username) {
      const stored = node.security.credential(username, mechanism);
      return stored === undefined ? null : { salt: stored.salt, iterations: stored.iterations, storedKey: stored.storedKey, serverKey: stored.serverKey };
    },
    async authenticatePlain(username, password) {
      return (await node.security.checkPassword(username, password)) ?? null;
    },
  };
}

/** Options of a BrokerBackend. */
export interface BrokerBackendOptions {
  /** The port the listener bound, when the config asks for any free port (0). */
  readonly boundPort: () => number;
  readonly credentials?: CredentialStore;
}

/** The topic configs DescribeConfigs shows for every topic, with the node's defaults. */
function defaultConfigs(node: HeraldNode): Record<string, string> {
  const d = node.config.topicDefaults;
  return {
    'cleanup.policy': 'delete',
    'max.message.bytes': String(node.config.limits.maxMessageBytes),
    'min.insync.replicas': String(d.minInsyncReplicas),
    'retention.ms': String(d.retentionMs),
    'retention.bytes': String(d.retentionBytes),
  };
}

/**
 * A producer id for an idempotent Kafka producer: random in [0, 2^53), as the Herald SDK draws
 * its own (@herald/client randomProducerId). Both draw from one space, uniformly, so a Kafka
 * producer and an SDK producer are as unlikely to collide as two SDK producers (about n²/2^54
 * for n producers); blocks allocated by the controller would make Kafka's ids unique among
 * themselves but not against the SDK's, and would put a meta-group commit in every producer's
 * start.
 */
function randomProducerId(): number {
  const [high, low] = getRandomValues(new Uint32Array(2));
  return (high! & 0x1f_ffff) * 2 ** 32 + low!;
}

/** Kafka's group states are Herald's by the same names. */
const toGroupState = (state: string): GroupSummary['state'] => state as GroupSummary['state'];

/**
 * The Kafka listener's view of a Herald node. Every request is authorized as the gRPC API's
 * are (the cluster's ACLs, per topic and group, with Kafka's operations: Write to produce, Read
 * to fetch, join and commit, Describe to look up), and counted against the principal's quotas
 * as the gRPC API's are (the same per-principal rates: a user over its quota is slowed down on
 * both protocols together).
 */
export class BrokerBackend implements KafkaBackend {
  /** Proposes each partition's batches in call order (a Kafka producer pipelines requests and
   *  its sequence numbers assume that order). */
  private readonly pipeline: ProducePipeline;
  private readonly credentials: CredentialStore;

  constructor(
    private readonly node: HeraldNode,
    private readonly options: BrokerBackendOptions,
  ) {
    this.pipeline = new ProducePipeline(node);
    this.credentials = options.credentials ?? NO_USERS;
  }

  throttleMs(principal: string, kind: QuotaKind, amount: number): number {
    const ms = this.node.security.throttleMs(principal as Principal, kind, amount);
    if (ms > 0) this.node.metrics.quotaThrottled.inc({ principal, kind }, ms / 1000);
    return ms;
  }

  /** Throws PermissionDenied unless the request's principal may perform `operation` on the
   *  resource (the cluster's ACLs; everything is allowed on an insecure cluster). */
  private authorize(ctx: RequestContext, operation: Exclude<Operation, 'all'>, type: ResourceType, name: string): void {
    this.node.security.authorize(ctx.principal as Principal, operation, { type, name });
  }

  private allows(ctx: RequestContext, operation: Exclude<Operation, 'all'>, type: ResourceType, name: string): boolean {
    return this.node.security.allows(ctx.principal as Principal, operation, { type, name });
  }

  /** Every node's Kafka listener as the cluster's node list names it (kafkaHost, else host;
   *  kafkaPort, else 19090 + id), so that every node advertises the same addresses; this node's
   *  own kafka.advertisedHost and advertisedPort take precedence, and its port is the one bound. */
  brokers(): BrokerEndpoint[] {
    const { config } = this.node;
    return this.node.peers().map((p) => {
      if (p.id === config.nodeId) {
        return { nodeId: p.id, host: config.kafka.advertisedHost ?? p.kafkaHost ?? p.host, port: config.kafka.advertisedPort ?? this.options.boundPort(), rack: null };
      }
      return { nodeId: p.id, host: p.kafkaHost ?? p.host, port: p.kafkaPort ?? localKafkaPort(p.id), rack: null };
    });
  }

  async metadata(topics: readonly string[] | null, ctx: RequestContext): Promise<ClusterMetadata> {
    const { meta } = this.node;
    // A topic the principal may not describe is left out, as one that does not exist.
    const visible = (topic: { name: string }) => this.allows(ctx, 'describe', 'topic', topic.name);
    const records = (topics === null ? meta.state.allTopics() : topics.flatMap((name) => meta.state.topic(name) ?? [])).filter(visible);
    // A topic this node does not know may exist all the same when its metadata lags: answer
    // retryably rather than "unknown topic" (a client would give up).
    if (topics !== null && topics.some((name) => meta.state.topic(name) === undefined) && !meta.isCurrent()) {
      throw meta.unknownTopicError(topics.find((name) => meta.state.topic(name) === undefined)!);
    }
    const described: TopicMetadata[] = await Promise.all(
      records.map(async (topic) => {
        const views = await this.node.cachedPartitionViews(topic);
        return {
          name: topic.name,
          partitions: topic.partitions.map((p, i) => {
            const view = views[i]!;
            const known = view.leaderId > 0;
            return {
              partition: p.partition,
              leaderId: known ? view.leaderId : -1,
              leaderEpoch: known ? view.leaderTerm : -1,
              replicas: [...p.replicas],
              // Only a leader knows its ISR; elsewhere the replicas stand in.
              isr: view.isr.length > 0 ? [...view.isr] : [...p.replicas],
              offlineReplicas: [],
            };
          }),
        };
      }),
    );
    const controllerId = meta.controllerId();
    return { clusterId: 'herald', controllerId: controllerId === 0 ? -1 : controllerId, brokers: this.brokers(), topics: described };
  }

  // Partitions -----------------------------------------------------------------------------------

  async produce(request: ProduceRequest, ctx: RequestContext): Promise<ProduceResult> {
    this.authorize(ctx, 'write', 'topic', request.topic);
    // Every batch is queued now, before any await: call order is proposal order.
    const answers = request.batches.map((batch) =>
      this.pipeline.submit({ topic: request.topic, partition: request.partition, acks: request.acks, batch, timeoutMs: request.timeoutMs }),
    );
    for (const answer of answers) answer.catch(() => {}); // each is awaited below, in order
    let baseOffset = -1;
    for (const [i, answer] of answers.entries()) {
      const result = await answer;
      if (i === 0) baseOffset = result.baseOffset;
    }
    const { partition } = this.node.partition(request.topic, request.partition);
    return { baseOffset, logStartOffset: partition.log.logStartOffset };
  }

  async fetch(request: FetchRequest, ctx: RequestContext): Promise<FetchResult> {
    this.authorize(ctx, 'read', 'topic', request.topic);
    const { partition } = this.node.partition(request.topic, request.partition);
    const { logStartOffset, highWatermark } = partition.log;
    if (request.offset < logStartOffset || request.offset > highWatermark) throw offsetOutOfRange(request.offset, logStartOffset, highWatermark);
    const result = partition.log.fetch(request.offset, request.maxBytes);
    countFetched(this.node, request.topic, result);
    return {
      batches: result.batches.map((b) => ({ baseOffset: b.baseOffset, leaderEpoch: b.leaderEpoch, bytes: b.bytes })),
      highWatermark: result.highWatermark,
      logStartOffset: result.logStartOffset,
    };
  }

  async waitForData(positions: readonly FetchPosition[], timeoutMs: number, signal: AbortSignal): Promise<void> {
    const done = new AbortController();
    const stop = () => done.abort();
    signal.addEventListener('abort', stop, { once: true });
    const waits: Promise<void>[] = [];
    for (const pos of positions) {
      try {
        const { partition } = this.node.partition(pos.topic, pos.partition);
        waits.push(partition.log.waitForData(pos.offset, timeoutMs, done.signal));
      } catch {
        // A partition not hosted here (or gone) has nothing to wait for; the next read reports it.
      }
    }
    try {
      if (waits.length === 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          done.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
      } else {
        await Promise.race(waits.map((w) => w.catch(() => undefined)));
      }
    } finally {
      signal.removeEventListener('abort', stop);
      done.abort();
    }
  }

  async listOffset(request: ListOffsetRequest, ctx: RequestContext): Promise<ListOffsetResult> {
    this.authorize(ctx, 'describe', 'topic', request.topic);
    const { partition } = this.node.partition(request.topic, request.partition);
    // Kafka asks the leader: a follower's high watermark may lag behind what was acknowledged.
    partition.group.requireLeader();
    const log = partition.log;
    const leaderEpoch = partition.group.term();
    if (request.spec === 'earliest') return { offset: log.logStartOffset, timestampMs: -1, leaderEpoch };
    if (request.spec === 'latest') return { offset: log.highWatermark, timestampMs: -1, leaderEpoch };
    const offset = await log.offsetAtTimestamp(request.timestampMs);
    const timestampMs = offset >= log.highWatermark ? -1 : await log.recordTimestamp(offset);
    return { offset, timestampMs, leaderEpoch };
  }

  async deleteRecords(topic: string, partition: number, beforeOffset: number, ctx: RequestContext): Promise<number> {
    this.authorize(ctx, 'delete', 'topic', topic);
    if (beforeOffset < -1) throw invalidArgument('offset', `must be -1 (the high watermark) or an offset (got ${beforeOffset})`);
    return deleteRecords(this.node, topicName(topic), partition, beforeOffset);
  }

  // Consumer groups -----------------------------------------------------------------------------

  async joinGroup(request: JoinGroupRequest, ctx: RequestContext): Promise<JoinGroupResult> {
    if (request.topics.length === 0) throw invalidArgument('topics', 'a member subscribes to at least one topic');
    if (request.topics.length > GROUP_TOPICS_MAX) throw invalidArgument('topics', `at most ${GROUP_TOPICS_MAX} topics`);
    this.authorize(ctx, 'read', 'group', request.group);
    for (const topic of request.topics) this.authorize(ctx, 'read', 'topic', topic);
    const result = await this.node.groups.join(
      {
        group: groupName(request.group),
        memberId: request.memberId,
        clientId: Buffer.from(request.clientId).subarray(0, GROUP_CLIENT_ID_BYTES_MAX).toString(),
        clientHost: request.clientHost,
        topics: [...new Set(request.topics.map((t, i) => topicName(t, `topics[${i}]`)))],
        strategies: [...request.strategies],
        sessionTimeoutMs: request.sessionTimeoutMs,
        rebalanceTimeoutMs: intInRange(request.rebalanceTimeoutMs, 'rebalance_timeout_ms', 1, GROUP_REBALANCE_TIMEOUT_MAX_MS),
      },
      ctx.signal,
    );
    return { memberId: result.memberId, generation: result.generation, strategy: result.strategy, assignment: result.assignment };
  }

  async groupAssignment(group: string, memberId: string, generation: number, ctx: RequestContext): Promise<readonly TopicPartitions[]> {
    this.authorize(ctx, 'read', 'group', group);
    return this.node.groups.assignment(groupName(group), memberId, generation);
  }

  async heartbeat(group: string, memberId: string, generation: number, ctx: RequestContext): Promise<void> {
    this.authorize(ctx, 'read', 'group', group);
    this.node.groups.heartbeat(groupName(group), memberId, generation);
  }

  async leaveGroup(group: string, memberId: string, ctx: RequestContext): Promise<void> {
    this.authorize(ctx, 'read', 'group', group);
    if (memberId === '') throw invalidArgument('member_id', 'the member id is required');
    await this.node.groups.leave(groupName(group), memberId);
  }

  async commitOffsets(group: string, memberId: string, generation: number, offsets: readonly OffsetToCommit[], ctx: RequestContext): Promise<void> {
    this.authorize(ctx, 'read', 'group', group);
    for (const topic of new Set(offsets.map((o) => o.topic))) this.authorize(ctx, 'read', 'topic', topic);
    if (offsets.length > GROUP_OFFSETS_MAX) throw invalidArgument('offsets', `at most ${GROUP_OFFSETS_MAX} offsets per commit`);
    if (generation < 0) throw invalidArgument('generation', `must be at least 0 (got ${generation})`);
    // Checked here, before anything is proposed: the meta log refuses such entries when it
    // applies them, and a committed entry it cannot read stops every node.
    const checked = offsets.map((o, i) => {
      if (!Number.isSafeInteger(o.offset) || o.offset < 0) throw invalidArgument(`offsets[${i}].offset`, `must be at least 0 (got ${o.offset})`);
      if (Buffer.byteLength(o.metadata) > GROUP_OFFSET_METADATA_BYTES_MAX) throw invalidArgument(`offsets[${i}].metadata`, `must be at most ${GROUP_OFFSET_METADATA_BYTES_MAX} bytes`);
      return { topic: topicName(o.topic, `offsets[${i}].topic`), partition: o.partition, offset: o.offset, metadata: o.metadata };
    });
    await this.node.groups.commit(groupName(group), memberId, generation, checked);
  }

  async fetchOffsets(group: string, topics: readonly string[] | null, ctx: RequestContext): Promise<readonly CommittedOffset[]> {
    this.authorize(ctx, 'describe', 'group', group);
    return this.node.groups.fetchOffsets(groupName(group), topics ?? []).map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset, metadata: o.metadata }));
  }

  async listGroups(ctx: RequestContext): Promise<readonly GroupSummary[]> {
    return this.node.groups
      .list()
      .filter((g) => this.allows(ctx, 'describe', 'group', g.group))
      .map((g) => ({ group: g.group, state: toGroupState(g.state) }));
  }

  async describeGroup(group: string, ctx: RequestContext): Promise<GroupDescription> {
    this.authorize(ctx, 'describe', 'group', group);
    const d = await this.node.groups.describe(groupName(group));
    return {
      group: d.group,
      state: toGroupState(d.state),
      generation: d.generation,
      strategy: d.strategy,
      members: d.members.map((m) => ({ memberId: m.memberId, clientId: m.clientId, clientHost: m.clientHost, topics: m.topics, assignment: m.assignment })),
    };
  }

  // Topics and configs ----------------------------------------------------------------------------

  async createTopic(request: CreateTopicRequest, ctx: RequestContext): Promise<void> {
    const { node } = this;
    const nodes = node.nodeIds().length;
    const name = topicName(request.name, 'name');
    if (!this.allows(ctx, 'create', 'cluster', CLUSTER_RESOURCE_NAME)) this.authorize(ctx, 'create', 'topic', name);
    const partitions = request.partitions === -1 ? node.config.topicDefaults.partitions : intInRange(request.partitions, 'partitions', 1, PARTITIONS_MAX);
    const replicationFactor =
      request.replicationFactor === -1 ? Math.min(node.config.topicDefaults.replicationFactor, nodes) : intInRange(request.replicationFactor, 'replication_factor', 1, nodes);
    const configs = topicConfigs(request.configs, replicationFactor, TOPIC_MESSAGE_BYTES_MAX);
    if (!node.meta.isController()) throw node.meta.notControllerError();
    if (request.validateOnly) {
      if (node.meta.state.topic(name) !== undefined) throw topicExists(name);
      return;
    }
    await createTopic(node, { name, partitions, replicationFactor, configs });
  }

  async deleteTopic(name: string, ctx: RequestContext): Promise<void> {
    this.authorize(ctx, 'delete', 'topic', name);
    await deleteTopic(this.node, topicName(name, 'name'));
  }

  async topicConfigs(name: string, ctx: RequestContext): Promise<readonly ConfigEntry[]> {
    this.authorize(ctx, 'describe', 'topic', name);
    const topic = this.node.topic(name);
    const all = { ...defaultConfigs(this.node), ...topic.configs };
    return Object.keys(all)
      .sort()
      .map((key) => ({ name: key, value: all[key]!, isTopicOverride: key in topic.configs, readOnly: false, sensitive: false }));
  }

  // Producers and principals ----------------------------------------------------------------------

  async initProducerId(transactionalId: string | null, _timeoutMs: number, _ctx: RequestContext): Promise<{ producerId: number; producerEpoch: number }> {
    // Any authenticated principal may have an id (it is random, and writing still needs the
    // topic's write permission). TODO(#15): transactional ids, with a transaction coordinator.
    if (transactionalId !== null) throw invalidArgument('transactional_id', 'transactions are not served yet');
    return { producerId: randomProducerId(), producerEpoch: 0 };
  }

  authenticatePlain(username: string, password: string): Promise<string | null> {
    return this.credentials.authenticatePlain(username, password);
  }

  scramCredential(mechanism: ScramMechanism, username: string): Promise<ScramCredential | null> {
    return this.credentials.scramCredential(mechanism, username);
  }
}
