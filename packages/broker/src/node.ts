import { HeraldError, invalidTxnState, leadershipLost, noLeader, notLeader, partitionNotFound, producerFenced, randomProducerId, topicNotFound } from '@herald/protocol';
import type { NodeId, RaftEvent } from '@herald/raft';
import { NodeStore } from '@herald/storage';
import type { Logger } from 'pino';
import type { NodeConfig } from './config/config.js';
import { GroupCoordinator, type PartitionFacts, type PartitionQuery } from './consumer-groups/coordinator.js';
import { DISK_CHECK_MS, DiskGuard } from './disk-guard.js';
import { DueSweep, systemClock, type Clock, type Timer } from './host/clock.js';
import { Host, raftSettingsFromMs, UntrustedGroupError } from './host/host.js';
import { LeadershipCache } from './leadership-cache.js';
import { META_GROUP_LABEL, MetaGroup } from './meta/meta-group.js';
import { META_GROUP_ID, partitionGroupId, type NodeRecord, type TopicRecord } from './meta/meta-state.js';
import { NodeMetrics, type GroupView } from './metrics/metrics.js';
import { Partition } from './partition/partition.js';
import { DeadLetterWriter } from './queue/dead-letters.js';
import { bootstrapSecurity, readBootstrapUsers } from './security/bootstrap.js';
import { NodeSecurity } from './security/node-security.js';
import { requireFeatureLevel } from './feature-levels.js';
import { FEATURE_LEVEL_MAX, FeatureLevel, STORE_FORMAT_VERSION, STORE_FORMATS_READ } from './store-format.js';
import { CheckRegistry } from './transactions/check-registry.js';
import type { CheckSettings } from './transactions/half-leader.js';
import { TxnCoordinator } from './transactions/txn-coordinator.js';
import { TxnStatus, type TxnPartition } from './transactions/txn-state.js';
import type { MarkerRequest } from './partition/partition-leader.js';
import { RaftEventLog } from './raft-event-log.js';
import { PeerTransport, type DescribeReplicasRequest, type ReplicaState } from './transport/peer-transport.js';

export const HERALD_VERSION = '0.1.0';

/** How long DescribeTopic waits for the peers leading the partitions this node does not lead. */
const DESCRIBE_PEERS_MS = 300;

/** How often partition leaders with a queue subscription look for records due for the
 *  dead-letter topic. */
const QUEUE_SWEEP_MS = 1_000;

/** The least time between two looks for half messages due for a check-back: the retry interval
 *  of checks that failed or are still being committed. */
const HALF_SWEEP_MS = 250;

/** How long a check-back's or a check-max rollback's command may take to commit. */
const HALF_SWEEP_TIMEOUT_MS = 10_000;

/** How often a controller checks that the cluster's security state was written (bootstrap). */
const SECURITY_BOOTSTRAP_CHECK_MS = 200;

/** Kafka's default delete.retention.ms: tombstones stay a day after compaction could drop them. */
const DELETE_RETENTION_MS_DEFAULT = 86_400_000;

/** A topic's cleanup.policy: "delete" (the default), "compact", or "compact,delete". */
export function cleanupPolicyOf(topic: { configs: Readonly<Record<string, string>> }): string {
  return topic.configs['cleanup.policy'] ?? 'delete';
}

/** A topic's dead-letter topic: its dead.letter.topic config, else "<topic>.dlq". */
export function deadLetterTopicOf(topic: { name: string; configs: Readonly<Record<string, string>> }): string {
  return topic.configs['dead.letter.topic'] ?? `${topic.name}.dlq`;
}

/** A partition's leadership and offsets, as DescribeTopic reports them. */
export interface PartitionView {
  readonly leaderId: number;
  readonly leaderTerm: number;
  readonly isr: readonly number[];
  readonly highWatermark: number;
  readonly logStartOffset: number;
  /** The replicas that answered that they are repairing a log they lost, by id. */
  readonly repairing: readonly number[];
}

/** How long a transactional batch waits for this node's copy of the coordinator's state to show
 *  its partition added (AddPartitionsToTxn answered once the controller applied it; a follower
 *  applies it a moment later). */
const TXN_VERIFY_WAIT_MS = 2_000;

const unknownView: PartitionView = { leaderId: 0, leaderTerm: 0, isr: [], highWatermark: 0, logStartOffset: 0, repairing: [] };

function toView(state: ReplicaState, repairing: readonly number[] = state.repairing === true && state.nodeId !== undefined ? [state.nodeId] : []): PartitionView {
  return { leaderId: state.leaderId, leaderTerm: state.term, isr: state.isLeader ? [...state.isr] : [], highWatermark: state.highWatermark, logStartOffset: state.logStartOffset, repairing };
}

/** A partition hosted here, and where it came from. */
export interface HostedPartition {
  readonly topic: TopicRecord;
  readonly partition: Partition;
}

/**
 * One Herald node: its store, the host driving its Raft groups, the peer transport, the meta
 * group and the partitions assigned to it. The broker's operations (topics.ts, produce.ts,
 * consume.ts) and the protocol adapters (the gRPC API here, Kafka and MQTT in their packages)
 * call what it offers.
 */
export class HeraldNode {
  readonly store: NodeStore;
  readonly host: Host;
  readonly transport: PeerTransport;
  readonly meta: MetaGroup;
  readonly metrics: NodeMetrics;
  readonly clock: Clock;
  /** Partition leadership for Kafka's Metadata, without asking the peers on every request. */
  readonly leadership: LeadershipCache;
  readonly security: NodeSecurity;
  /** Refuses produce while the data disk is nearly full (limits.diskFreeMinBytes). */
  readonly diskGuard: DiskGuard;
  /** The WatchChecks streams open here: live producer-group members (half messages). */
  readonly checks: CheckRegistry;
  private coordinator: GroupCoordinator | undefined;
  private txnCoordinator: TxnCoordinator | undefined;
  /** Partitions hosted here, by Raft group id. */
  private readonly partitions = new Map<string, HostedPartition>();
  private reconciling: Promise<void> = Promise.resolve();
  private reconcileQueued = false;
  private readonly timers: Timer[] = [];
  /** The sweeps of the partitions led here, armed only while one has work (armSweeps): the
   *  half messages' at the earliest check due, the queues' every QUEUE_SWEEP_MS while a
   *  subscription exists. As fixed polls they woke every node 5 times a second (issue #17). */
  private readonly halfSweep: DueSweep;
  private readonly queueSweep: DueSweep;
  /** Per partition hosted here, what stops its armSweeps (RaftGroup.watch). */
  private readonly unwatchPartitions = new Map<string, () => void>();
  private compacting: Promise<void> | null = null;
  private bootstrapping: Promise<void> | null = null;
  /** Every node's addresses this node has seen (configuration or meta state), so that a node
   *  removed from the list stays reachable while it is still a member of the meta group. */
  private readonly knownPeers = new Map<NodeId, NodeRecord>();
  /** The peers the transport and the host follow now (followPeers), as a comparable key. */
  private followedPeers = '';
  private readonly deadLetters: DeadLetterWriter;
  private closed = false;
  /** The role and ISR changes of the current host turn, logged at its end. */
  private readonly eventLog: RaftEventLog;

  private constructor(
    readonly config: NodeConfig,
    readonly logger: Logger,
    store: NodeStore,
    private readonly onFatal: (err: Error) => void,
    clock: Clock,
  ) {
    this.store = store;
    this.clock = clock;
    this.halfSweep = new DueSweep(clock, HALF_SWEEP_MS, (nowMs) => this.sweepHalves(nowMs));
    this.queueSweep = new DueSweep(clock, QUEUE_SWEEP_MS, (nowMs) => this.sweepQueues(nowMs));
    this.eventLog = new RaftEventLog(logger);
    this.security = new NodeSecurity(config, () => this.meta.state, clock, () => this.peers());
    this.diskGuard = new DiskGuard(config.dataDir, config.limits.diskFreeMinBytes, logger.child({ component: 'disk' }));
    // Check-backs unflushed to their streams hold at most a quarter of what Subscribe streams may.
    this.checks = new CheckRegistry(Math.floor(config.limits.streamBufferBytes / 4));
    // The coordinator is made in start(), after the constructor; until then there is no lag.
    this.metrics = new NodeMetrics(config.nodeId, HERALD_VERSION, () => this.groupViews(), () => this.coordinator?.lag() ?? [], config.metrics.partitionSeries);
    this.transport = new PeerTransport({
      nodeId: config.nodeId,
      peers: config.peers.filter((p) => p.id !== config.nodeId).map((p) => ({ id: p.id, address: `${p.host}:${p.peerPort}` })),
      logger: logger.child({ component: 'transport' }),
      onFrame: (from, messages) => this.host.receive(from, messages),
      onPeerLost: (peer, why) => this.host.peerLost(peer, why),
      describeReplicas: (request) => this.answerDescribeReplicas(request),
      writeTxnMarker: (group, marker, timeoutMs) => this.writeLocalMarker(group, marker, timeoutMs),
      serverCredentials: this.security.peerServerCredentials(),
      channelCredentials: (id) => this.security.peerChannelCredentials(id),
      onRefused: (reason) => this.metrics.peerRefused.inc({ reason }),
    });
    this.metrics.peerBacklogs = () => this.transport.backlogs();
    this.host = new Host({
      nodeId: config.nodeId,
      peers: config.peers.map((p) => p.id).filter((id) => id !== config.nodeId),
      store,
      sender: this.transport,
      raft: raftSettingsFromMs(config.raft),
      logger,
      onFatal,
      onTurn: (stats) => {
        this.eventLog.flush();
        this.metrics.onTurn(stats);
      },
      onEvents: (group, events) => this.onRaftEvents(group, events),
      rejoin: config.rejoin,
      addressOf: (id) => this.clientAddress(id),
      clock,
    });
    this.meta = new MetaGroup(config.raft.metaSnapshotEntries);
    this.leadership = new LeadershipCache({ local: (ids) => this.localReplicaStates(ids), ask: (ids, ms) => this.transport.describeReplicas(ids, ms), clock });
    this.deadLetters = new DeadLetterWriter({
      topic: (name) => this.meta.state.topic(name),
      localPartition: (topic, partition) => this.partitions.get(partitionGroupId(topic.id, partition))?.partition,
      leaderOf: async (topic, partition) => (await this.describePartitions(topic))[partition]?.leaderId ?? 0,
      clientAddress: (id) => this.clientAddress(id),
      credentials: () => this.security.clientChannelCredentials(),
    });
  }

  /** Opens the store and every group found in it or assigned to this node, and starts the loop. */
  static async start(config: NodeConfig, logger: Logger, onFatal: (err: Error) => void, clock: Clock = systemClock): Promise<HeraldNode> {
    const dir = `${config.dataDir}/store`;
    const store = await NodeStore.open(dir, { logger: logger.child({ component: 'store' }) });
    try {
      await checkStoreFormat(store, dir);
    } catch (err) {
      await store.close();
      throw err;
    }
    // Read before anything starts: a bad bootstrap file is a configuration error.
    const bootstrapUsers = config.security.bootstrapFile === undefined ? [] : readBootstrapUsers(config.security.bootstrapFile);
    const node = new HeraldNode(config, logger, store, onFatal, clock);
    // A joining node is no voter until the controller promotes it (nodes.ts): it opens the meta
    // group as its only learner, and the controller's Appends bring it the real membership.
    const metaMembership = config.join ? { voters: [], learners: [config.nodeId] } : { voters: config.peers.map((p) => p.id), learners: [] };
    // Once the node list is recorded the meta group's membership may have changed: its repairing
    // voters stay strict (see the partitions' repairingAnswers in reconcileOnce). A wiped node
    // cannot know that until repaired; docs/operations.md says what this leaves open.
    node.meta.group = await node.host.openGroup(META_GROUP_ID, META_GROUP_LABEL, metaMembership, node.meta, { repairingAnswers: () => node.meta.state.nodes().length === 0 });
    node.meta.onChange(() => node.reconcile());
    node.coordinator = new GroupCoordinator(node.meta, config.groups, (topic, queries) => node.queryPartitions(topic, queries), logger.child({ component: 'groups' }), clock);
    node.txnCoordinator = new TxnCoordinator(node.meta, (p, marker, ms) => node.writeMarker(p, marker, ms), randomProducerId, () => requireFeatureLevel(node, FeatureLevel.Transactions), logger.child({ component: 'transactions' }), clock);
    await node.transport.listen(config.host, config.peerPort);
    await node.diskGuard.refresh();
    node.host.start();
    node.timers.push(
      clock.setInterval(() => void node.diskGuard.refresh(), DISK_CHECK_MS),
      clock.setInterval(() => node.enforceRetention(), config.retention.checkIntervalMs),
      clock.setInterval(() => {
        if (node.compacting === null) void node.compactKeys();
      }, config.retention.compactionIntervalMs),
    );
    // Until the cluster's security is bootstrapped (once, for good): an idle node's cost is its
    // wake-ups, and this timer was five a second forever.
    const bootstrapCheck = clock.setInterval(() => {
      if (node.meta.state.security.bootstrapped) return bootstrapCheck.cancel();
      if (node.closed || node.bootstrapping !== null) return;
      node.bootstrapping = bootstrapSecurity(node.meta, bootstrapUsers, 5_000)
        .catch((err: Error) => logger.debug({ err }, 'security bootstrap not written yet; retried'))
        .finally(() => (node.bootstrapping = null));
    }, SECURITY_BOOTSTRAP_CHECK_MS);
    node.timers.push(bootstrapCheck);
    node.reconcile();
    await node.reconciling;
    return node;
  }

  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) timer.cancel();
    this.halfSweep.cancel();
    this.queueSweep.cancel();
    this.deadLetters.close();
    this.coordinator?.close();
    this.txnCoordinator?.close();
    this.meta.group.close(() => leadershipLost(META_GROUP_LABEL, 'the node stopped'));
    for (const { partition } of this.partitions.values()) partition.group.close(() => leadershipLost(partition.name, 'the node stopped'));
    await this.host.stop();
    await this.reconciling;
    await this.transport.close();
    await this.store.close();
  }

  /** The consumer-group coordinator; it serves requests while this node is the controller. */
  get groups(): GroupCoordinator {
    if (this.coordinator === undefined) throw new HeraldError('ShuttingDown', 'the node is starting; retry shortly');
    return this.coordinator;
  }

  /** The transaction coordinator; it serves requests while this node is the controller. */
  get transactions(): TxnCoordinator {
    if (this.txnCoordinator === undefined) throw new HeraldError('ShuttingDown', 'the node is starting; retry shortly');
    return this.txnCoordinator;
  }

  /**
   * The number of the ongoing transaction of `producerId` at `producerEpoch` that `topic`'s
   * `partition` was added to, as this node's copy of the coordinator's state says (the partition
   * leader's check before a transaction's first write there, KIP-890 part 1); throws the
   * refusal otherwise.
   */
  transactionOf(topic: string, partition: number, producerId: number, producerEpoch: number): number {
    const record = this.meta.state.txns.ofProducer(producerId);
    if (record === undefined) throw invalidTxnState(`producer ${producerId} holds no transactional id; call InitProducerId with one first`);
    if (producerEpoch < record.producerEpoch) throw producerFenced(producerId, producerEpoch, record.producerEpoch);
    const added = record.partitions.some((p) => p.topic === topic && p.partition === partition);
    if (producerEpoch !== record.producerEpoch || record.status !== TxnStatus.Ongoing || !added) {
      throw invalidTxnState(`${topic}/${partition} is not in an ongoing transaction of producer ${producerId} epoch ${producerEpoch} (transaction ${record.txn} of ${JSON.stringify(record.transactionalId)} is ${record.status}); add it first (AddPartitionsToTxn)`);
    }
    return record.txn;
  }

  /** Waits (briefly) until this node's copy of the coordinator's state shows `topic`/`partition`
   *  in an ongoing transaction of the producer, or shows that it cannot be (a newer epoch). */
  async untilTransactionKnown(topic: string, partition: number, producerId: number, producerEpoch: number): Promise<void> {
    const known = () => {
      const record = this.meta.state.txns.ofProducer(producerId);
      return record !== undefined && (record.producerEpoch > producerEpoch || (record.status === TxnStatus.Ongoing && record.partitions.some((p) => p.topic === topic && p.partition === partition)));
    };
    if (!known()) await this.meta.group.waitUntil(known, TXN_VERIFY_WAIT_MS);
  }

  /** Writes a transaction marker through the partition's leader: here when this node leads it,
   *  else at every other replica (only the leader writes it; the others answer NotLeader). */
  private async writeMarker(p: TxnPartition, marker: MarkerRequest, timeoutMs: number): Promise<void> {
    const topic = this.topic(p.topic);
    const assignment = topic.partitions[p.partition];
    if (assignment === undefined) throw partitionNotFound(p.topic, p.partition, topic.partitions.length);
    const group = partitionGroupId(topic.id, p.partition);
    const local = this.partitions.get(group)?.partition;
    if (local?.group.isLeader() === true) return local.leader.writeMarker(marker, timeoutMs);
    const others = assignment.replicas.filter((id) => id !== this.nodeId);
    const answers = await Promise.allSettled(others.map((id) => this.transport.writeTxnMarker(id, group, marker, timeoutMs)));
    if (!answers.some((a) => a.status === 'fulfilled')) throw noLeader(`${p.topic}/${p.partition}`, 100, 'has no leader that wrote the transaction marker');
  }

  /** A peer coordinator's marker for a partition hosted here: written if this replica leads. */
  private async writeLocalMarker(group: string, marker: MarkerRequest, timeoutMs: number): Promise<void> {
    const partition = this.partitions.get(group)?.partition;
    if (partition === undefined) throw new HeraldError('NotLeader', `no replica of ${group} here`);
    await partition.leader.writeMarker(marker, timeoutMs);
  }

  get nodeId(): NodeId {
    return this.config.nodeId;
  }

  /** The cluster's nodes: the meta state's list once a membership change recorded it, else the
   *  configuration's peers (see MetaState's NodeCommand). */
  peers(): readonly NodeRecord[] {
    const recorded = this.meta.state.nodes();
    return recorded.length > 0 ? recorded : this.config.peers;
  }

  peer(id: NodeId): NodeRecord | undefined {
    return this.peers().find((p) => p.id === id);
  }

  /** The ids of the cluster's nodes (peers()). */
  nodeIds(): NodeId[] {
    return this.peers().map((p) => p.id);
  }

  clientAddress(id: NodeId): string {
    const peer = this.peer(id);
    return peer === undefined ? '' : `${peer.host}:${peer.clientPort}`;
  }

  /** A topic by name, or the refusal saying it does not exist (or that this node cannot tell). */
  topic(name: string): TopicRecord {
    const topic = this.meta.state.topic(name);
    // Only a node whose metadata is current may say the topic does not exist (MetaGroup.isCurrent).
    if (topic === undefined) throw this.meta.unknownTopicError(name);
    return topic;
  }

  /** The partition replica hosted here, or a typed refusal naming where to go. */
  partition(topicName: string, partition: number): HostedPartition {
    const topic = this.topic(topicName);
    const assignment = topic.partitions[partition];
    if (assignment === undefined) throw partitionNotFound(topicName, partition, topic.partitions.length);
    const hosted = this.partitions.get(partitionGroupId(topic.id, partition));
    if (hosted !== undefined) return hosted;
    // Not a replica here (or not opened yet): point at the preferred leader; it knows better.
    const guess = assignment.replicas.find((id) => id !== this.nodeId) ?? assignment.replicas[0]!;
    throw notLeader(`${topicName}/${partition} (it holds no replica)`, { id: guess, addr: this.clientAddress(guess) });
  }

  /** What this node alone knows of a partition's leadership: complete when it leads the
   *  partition; as a follower it knows the leader and term but not the ISR. */
  partitionView(topicName: string, partition: number): PartitionView {
    const topic = this.meta.state.topic(topicName);
    const state = topic === undefined ? undefined : this.localReplicaStates([partitionGroupId(topic.id, partition)])[0];
    return state === undefined ? unknownView : toView(state);
  }

  /** Every partition of a topic as its leader sees it: local views where this node leads, the
   *  leaders' answers (DescribeReplicas) for the rest, and what a follower knows where no leader
   *  answered in time; with the replicas that answered that they are repairing. Every peer is
   *  asked about every partition, led here or not, because only a replica knows whether it is
   *  repairing. */
  async describePartitions(topic: TopicRecord): Promise<PartitionView[]> {
    const ids = topic.partitions.map((p) => partitionGroupId(topic.id, p.partition));
    const local = new Map(this.localReplicaStates(ids).map((s) => [s.group, s]));
    // Short: a paused or partitioned peer must not hold up a client looking for a new leader
    // (what a follower knows stands in for a peer that did not answer).
    const remote = await this.transport.describeReplicas(ids, DESCRIBE_PEERS_MS);
    return ids.map((id) => {
      const answers = [local.get(id), ...remote.filter((s) => s.group === id)].filter((s): s is ReplicaState => s !== undefined);
      const leader = answers.filter((s) => s.isLeader).sort((a, b) => b.term - a.term)[0];
      const best = leader ?? answers.sort((a, b) => b.term - a.term)[0];
      const repairing = [...new Set(answers.flatMap((s) => (s.repairing === true && s.nodeId !== undefined ? [s.nodeId] : [])))].sort((a, b) => a - b);
      return best === undefined ? unknownView : toView(best, repairing);
    });
  }

  /** Every partition of a topic as far as this node knows without waiting on its peers each
   *  time (LeadershipCache): what Kafka's Metadata answers. */
  async cachedPartitionViews(topic: TopicRecord): Promise<PartitionView[]> {
    const ids = topic.partitions.map((p) => partitionGroupId(topic.id, p.partition));
    const states = await this.leadership.states(ids);
    return ids.map((id) => {
      const state = states.get(id);
      return state === undefined ? unknownView : toView(state);
    });
  }

  /**
   * Lookups on some partitions of a topic, answered by their leaders where they answer (this
   * node's own replicas, or its peers over DescribeReplicas), else by the most recent replica:
   * offsets, and the record timestamp or offset each query asks for. Partitions no replica
   * answered for are missing from the result.
   */
  async queryPartitions(topicName: string, queries: ReadonlyMap<number, PartitionQuery>): Promise<Map<number, PartitionFacts>> {
    const topic = this.meta.state.topic(topicName);
    const out = new Map<number, PartitionFacts>();
    if (topic === undefined) return out;
    const partitionOf = new Map<string, number>();
    const timestampAtOffset: Record<string, number> = {};
    const offsetAtTimestamp: Record<string, number> = {};
    for (const [partition, query] of queries) {
      if (partition >= topic.partitions.length) continue;
      const id = partitionGroupId(topic.id, partition);
      partitionOf.set(id, partition);
      if (query.timestampAtOffset !== undefined) timestampAtOffset[id] = query.timestampAtOffset;
      if (query.offsetAtTimestamp !== undefined) offsetAtTimestamp[id] = query.offsetAtTimestamp;
    }
    const ids = [...partitionOf.keys()];
    const local = await this.answerDescribeReplicas({ groups: ids, timestampAtOffset, offsetAtTimestamp });
    const missing = ids.filter((id) => local.find((s) => s.group === id)?.isLeader !== true);
    const remote = missing.length === 0 ? [] : await this.transport.describeReplicas(missing, 1_000, { timestampAtOffset, offsetAtTimestamp });
    for (const [id, partition] of partitionOf) {
      const answers = [...local, ...remote].filter((s) => s.group === id);
      const best = answers.filter((s) => s.isLeader).sort((a, b) => b.term - a.term)[0] ?? answers.sort((a, b) => b.term - a.term || b.highWatermark - a.highWatermark)[0];
      if (best === undefined) continue;
      out.set(partition, {
        highWatermark: best.highWatermark,
        logStartOffset: best.logStartOffset,
        recordTimestampMs: best.recordTimestampMs ?? -1,
        offsetForTimestamp: best.offsetForTimestamp ?? -1,
      });
    }
    return out;
  }

  /** A peer's DescribeReplicas: the states of the replicas hosted here, and the lookups asked. */
  private async answerDescribeReplicas(request: DescribeReplicasRequest): Promise<ReplicaState[]> {
    const states = this.localReplicaStates(request.groups);
    return Promise.all(
      states.map(async (state) => {
        const log = this.partitions.get(state.group)?.partition.log;
        const at = request.timestampAtOffset?.[state.group];
        const since = request.offsetAtTimestamp?.[state.group];
        return {
          ...state,
          recordTimestampMs: log === undefined || at === undefined || at < 0 ? -1 : await log.recordTimestamp(at),
          offsetForTimestamp: log === undefined || since === undefined || since < 0 ? -1 : await log.offsetAtTimestamp(since),
        };
      }),
    );
  }

  /** Every answer about `groups`: this node's own replicas, and those of the peers that answer
   *  within `timeoutMs` (DescribeReplicas). */
  async replicaStates(groups: readonly string[], timeoutMs: number): Promise<ReplicaState[]> {
    if (groups.length === 0) return [];
    const local = this.localReplicaStates(groups);
    const missing = groups.filter((id) => local.find((s) => s.group === id)?.isLeader !== true);
    return [...local, ...(missing.length === 0 ? [] : await this.transport.describeReplicas(missing, timeoutMs))];
  }

  /** The meta group's ISR as the controller reports it: this node's own when it is the
   *  controller, else the controller's answer to DescribeReplicas; empty when none answered. */
  async controllerIsr(): Promise<NodeId[]> {
    if (this.meta.isController()) return [...this.meta.group.status().isr];
    const answers = await this.transport.describeReplicas([META_GROUP_ID], DESCRIBE_PEERS_MS);
    return [...(answers.filter((s) => s.group === META_GROUP_ID && s.isLeader).sort((a, b) => b.term - a.term)[0]?.isr ?? [])];
  }

  private localReplicaStates(groups: readonly string[]): ReplicaState[] {
    const out: ReplicaState[] = [];
    for (const id of groups) {
      if (id === META_GROUP_ID) {
        const { group } = this.meta;
        const isLeader = group.isLeader();
        out.push({
          group: id,
          leaderId: group.leaderId(),
          term: group.term(),
          isLeader,
          isr: isLeader ? [...group.status().isr] : [],
          highWatermark: 0,
          logStartOffset: 0,
          nodeId: this.nodeId,
          featureLevel: FEATURE_LEVEL_MAX,
          repairing: group.isRepairing(),
        });
        continue;
      }
      const hosted = this.partitions.get(id);
      if (hosted === undefined) continue;
      const { group, log } = hosted.partition;
      const isLeader = group.isLeader();
      // A leader reports its membership once committed: the controller completes a
      // reassignment on it, and an uncommitted change could still be lost with this leader.
      const membership = isLeader && !group.isMembershipPending() ? group.membership() : { voters: [], learners: [] };
      out.push({
        group: id,
        leaderId: group.leaderId(),
        term: group.term(),
        isLeader,
        isr: isLeader ? group.status().isr : [],
        highWatermark: log.highWatermark,
        logStartOffset: log.logStartOffset,
        voters: [...membership.voters],
        learners: [...membership.learners],
        nodeId: this.nodeId,
        repairing: group.isRepairing(),
      });
    }
    return out;
  }

  /** The retention limits of a topic: its configs, else the node's topic defaults; -1 is none. */
  retentionOf(topic: TopicRecord): { retentionMs: number; retentionBytes: number } {
    return {
      retentionMs: Number(topic.configs['retention.ms'] ?? this.config.topicDefaults.retentionMs),
      retentionBytes: Number(topic.configs['retention.bytes'] ?? this.config.topicDefaults.retentionBytes),
    };
  }

  /** Each partition led here moves its log start past what its topic's retention.ms and
   *  retention.bytes no longer keep; every replica then compacts its raft log below it. */
  enforceRetention(nowMs = this.clock.now()): void {
    if (this.closed) return;
    for (const { topic, partition } of this.partitions.values()) {
      const { retentionMs, retentionBytes } = this.retentionOf(topic);
      if ((retentionMs < 0 && retentionBytes < 0) || !cleanupPolicyOf(topic).includes('delete') || !partition.group.isLeader()) continue;
      let target = partition.log.retentionTarget(nowMs, retentionMs, retentionBytes);
      // retention.unacked=keep (the default): never past a record a queue subscription has not settled.
      const floor = topic.configs['retention.unacked'] === 'delete' ? undefined : partition.log.state.queues.lowestFloor();
      if (floor !== undefined) target = Math.min(target, floor);
      if (target <= partition.log.logStartOffset) continue;
      partition.leader.trim(target, 10_000).then(
        (logStartOffset) => this.logger.info({ topic: topic.name, partition: partition.settings.partition, logStartOffset }, 'retention moved the log start'),
        (err: Error) => this.logger.debug({ err, topic: topic.name, partition: partition.settings.partition }, 'retention trim failed; retried at the next check'),
      );
    }
  }

  /** Every replica here of a topic with cleanup.policy compact removes the records a later
   *  record of the same key supersedes, and tombstones past delete.retention.ms (see
   *  PartitionLog.compactKeys). Passes run one at a time: a call during a pass runs after it. */
  async compactKeys(nowMs?: number): Promise<void> {
    while (this.compacting !== null) await this.compacting;
    this.compacting = this.compactOnce(nowMs ?? this.clock.now()).finally(() => (this.compacting = null));
    await this.compacting;
  }

  private async compactOnce(nowMs: number): Promise<void> {
    try {
      for (const { topic, partition } of [...this.partitions.values()]) {
        if (!cleanupPolicyOf(topic).includes('compact') || this.closed) continue;
        const result = await partition.log.compactKeys({
          nowMs,
          deleteRetentionMs: Number(topic.configs['delete.retention.ms'] ?? DELETE_RETENTION_MS_DEFAULT),
          minCompactionLagMs: Number(topic.configs['min.compaction.lag.ms'] ?? 0),
          limit: topic.configs['retention.unacked'] === 'delete' ? Number.MAX_SAFE_INTEGER : (partition.log.state.queues.lowestFloor() ?? Number.MAX_SAFE_INTEGER),
        });
        if (result.batches > 0) this.logger.info({ topic: topic.name, partition: partition.settings.partition, ...result }, 'key compaction rewrote batches');
      }
    } catch (err) {
      this.logger.warn({ err }, 'key compaction failed; retried at the next pass');
    }
  }

  /** Arms the sweeps partition `id` has work for, if it is led here: called after each of its
   *  turns that applied something or changed its leadership, which is when that work comes. */
  private armSweeps(id: string): void {
    const hosted = this.partitions.get(id);
    if (this.closed || hosted === undefined || !hosted.partition.group.isLeader()) return;
    const { topic, partition } = hosted;
    if (partition.log.state.halves.pending.size > 0) this.halfSweep.due(partition.leader.halves.nextCheckMs(this.checkSettingsOf(topic)));
    if (partition.log.state.queues.subscriptions.size > 0) this.queueSweep.due(this.clock.now());
  }

  /** Each partition led here with queue subscriptions sends what is due to its dead-letter
   *  topic (expired leases past max.deliveries, rejected records); again QUEUE_SWEEP_MS later
   *  while one has a subscription. */
  private sweepQueues(nowMs: number): number {
    if (this.closed) return Number.POSITIVE_INFINITY;
    let nextMs = Number.POSITIVE_INFINITY;
    for (const { partition } of this.partitions.values()) {
      if (partition.log.state.queues.subscriptions.size === 0 || !partition.group.isLeader()) continue;
      nextMs = nowMs + QUEUE_SWEEP_MS;
      partition.leader.queues.sweep().catch((err: Error) => this.logger.debug({ err, partition: partition.name }, 'queue sweep failed'));
    }
    return nextMs;
  }

  /** When the half messages of a topic are checked back: its configs, else the node's. */
  private checkSettingsOf(topic: TopicRecord): CheckSettings {
    const defaults = this.config.transactions;
    return {
      afterMs: Number(topic.configs['transaction.check.after.ms'] ?? defaults.checkAfterMs),
      intervalMs: Number(topic.configs['transaction.check.interval.ms'] ?? defaults.checkIntervalMs),
      max: Number(topic.configs['transaction.check.max'] ?? defaults.checkMax),
    };
  }

  /** Each partition led here with undecided half messages checks back those that are due with
   *  the live members of their producer groups (WatchChecks streams on this node), and rolls
   *  back those past transaction.check.max checks; answers when the next check is due. */
  private sweepHalves(nowMs: number): number {
    if (this.closed) return Number.POSITIVE_INFINITY;
    let nextMs = Number.POSITIVE_INFINITY;
    for (const { topic, partition } of this.partitions.values()) {
      if (partition.log.state.halves.pending.size === 0 || !partition.group.isLeader()) continue;
      const { topic: name, partition: id } = partition.settings;
      const settings = this.checkSettingsOf(topic);
      // Those due now stay due until their check is committed, which re-arms the sweep for
      // their next check (armSweeps); until then, or if it fails, they are retried HALF_SWEEP_MS
      // from now (DueSweep's gap).
      nextMs = Math.min(nextMs, partition.leader.halves.nextCheckMs(settings));
      partition.leader.halves.sweep(nowMs, settings, (notice) => this.checks.deliver({ ...notice, topic: name, partition: id }), HALF_SWEEP_TIMEOUT_MS).then(
        (result) => {
          for (const check of result.checks) this.metrics.halfChecks.inc({ topic: name, delivered: String(check.delivered > 0) });
          if (result.rolledBack > 0) this.metrics.halfDecisions.inc({ topic: name, decision: 'rollback', by: 'check-max' }, result.rolledBack);
        },
        (err: Error) => this.logger.debug({ err, partition: partition.name }, 'half message check-back failed; retried at the next sweep'),
      );
    }
    return nextMs;
  }

  hostedPartitions(): IterableIterator<HostedPartition> {
    return this.partitions.values();
  }

  /** Opens the partitions newly assigned here and deletes those whose topic was deleted.
   *  Serialized: one reconciliation runs at a time, and each sees the latest metadata, so one
   *  queued behind the running one covers every change until it starts (1,000 topics created
   *  at once make one or two passes over the metadata, not 1,000). */
  reconcile(): void {
    if (this.reconcileQueued) return;
    this.reconcileQueued = true;
    this.reconciling = this.reconciling.then(() => {
      this.reconcileQueued = false;
      return this.reconcileOnce();
    }).catch((err: Error) => {
      if (this.closed) return;
      // Anything else that fails here is a bug or a storage failure: stop the node.
      this.onFatal(err);
    });
  }

  /**
   * Points the peer transport, its certificate check and the failure detector at the cluster's
   * nodes: the recorded list, plus any other member of the meta group's Raft membership (a
   * removed node stays reachable until the controller has taken it out of the meta group, and a
   * joining node hears from the nodes of its configuration until its copy of the list arrives).
   * The meta group's Raft membership changes without a command its state machine sees, so the
   * membership driver calls this too, periodically; it does nothing when nothing changed.
   */
  followPeers(): void {
    const peers = new Map(this.peers().map((p) => [p.id, p]));
    for (const p of peers.values()) this.knownPeers.set(p.id, p);
    const membership = this.meta.group.status().membership;
    for (const id of [...membership.voters, ...membership.learners]) {
      const known = peers.has(id) ? undefined : this.knownPeers.get(id);
      if (known !== undefined) peers.set(id, known);
    }
    const others = [...peers.values()].filter((p) => p.id !== this.nodeId);
    const key = others.map((p) => `${p.id}=${p.host}:${p.peerPort}`).join(',');
    if (key === this.followedPeers) return;
    this.followedPeers = key;
    this.logger.info({ peers: key }, 'following the cluster\'s nodes');
    this.transport.setPeers(others.map((p) => ({ id: p.id, address: `${p.host}:${p.peerPort}` })));
    this.host.setPeers(others.map((p) => p.id));
  }

  private async reconcileOnce(): Promise<void> {
    if (this.closed) return;
    this.followPeers();
    // A replica is kept while its node is in the partition's replicas or in the target of a
    // reassignment in progress; a node the target adds joins as a learner (reassign.ts).
    const wanted = new Map<string, { topic: TopicRecord; partition: number; replicas: readonly NodeId[] }>();
    for (const topic of this.meta.state.allTopics()) {
      for (const p of topic.partitions) {
        const id = partitionGroupId(topic.id, p.partition);
        if (p.replicas.includes(this.nodeId) || this.meta.state.reassignmentOf(id)?.includes(this.nodeId) === true) wanted.set(id, { topic, partition: p.partition, replicas: p.replicas });
      }
    }
    for (const [id, hosted] of this.partitions) {
      if (wanted.has(id)) continue;
      hosted.partition.group.close(() => topicNotFound(hosted.topic.name));
      this.partitions.delete(id);
      this.unwatchPartitions.get(id)?.();
      this.unwatchPartitions.delete(id);
      this.host.deleteRaftGroup(id);
      this.metrics.forgetPartition(id, hosted.topic.name, hosted.partition.settings.partition);
      this.logger.info({ group: id, topic: hosted.topic.name }, 'deleted partition replica');
    }
    // Every new replica opens in the same host turn: one storage write (one fsync) holds all
    // their initial states and the preferred leaders' first votes, not one turn and one fsync
    // each (1,000 topics of 10 partitions are 10,000 groups; issue #17).
    const open = (id: string, want: { topic: TopicRecord; partition: number; replicas: readonly NodeId[] }) => {
      const partition = this.newPartition(want.topic, want.partition);
      const membership = want.replicas.includes(this.nodeId) ? { voters: want.replicas, learners: [] } : { voters: [], learners: [this.nodeId] };
      // A repairing replica answers "repairing" to a candidate only while the partition's
      // replicas never changed and this node's metadata says so (docs/design-notes.md, "two of
      // three replicas repairing", item 5): a stale candidate could otherwise miss a voter a
      // reassignment added.
      const repairingAnswers = () => this.meta.isCurrent() && !this.meta.state.wasReassigned(id);
      return { id, want, partition, group: this.host.openGroup(id, partition.name, membership, partition.log, { repairingAnswers }) };
    };
    const opening: ReturnType<typeof open>[] = [];
    for (const [id, want] of wanted) if (!this.partitions.has(id) && !this.closed) opening.push(open(id, want));
    const opened = await Promise.allSettled(opening.map((o) => o.group));
    for (const [i, { id, want, partition }] of opening.entries()) {
      const result = opened[i]!;
      if (result.status === 'rejected') {
        if (!(result.reason instanceof UntrustedGroupError)) throw result.reason;
        // This replica stays closed; the others serve the partition. The operator must act.
        this.logger.error({ group: id, problems: result.reason.problems }, 'partition replica not opened: its stored vote cannot be trusted');
        continue;
      }
      partition.log.group = result.value;
      this.partitions.set(id, { topic: want.topic, partition });
      this.unwatchPartitions.set(id, partition.group.watch(() => this.armSweeps(id)));
      // The preferred leader (first replica) campaigns at once, so leadership starts balanced.
      if (want.replicas[0] === this.nodeId && partition.group.term() === 0) partition.group.campaign();
      this.logger.info({ group: id, topic: want.topic.name, partition: want.partition }, 'opened partition replica');
    }
    this.host.schedule();
  }

  private newPartition(topic: TopicRecord, partition: number): Partition {
    return new Partition({
      topic: topic.name,
      partition,
      minInsyncReplicas: Number(topic.configs['min.insync.replicas'] ?? this.config.topicDefaults.minInsyncReplicas),
      clock: this.clock,
      transactionOf: (producerId, producerEpoch) => this.transactionOf(topic.name, partition, producerId, producerEpoch),
      queue: {
        maxDeliveries: Number(topic.configs['max.deliveries'] ?? 0),
        deadLetter: async (subscription, letters) => {
          const written = await this.deadLetters.write({ topic: topic.name, partition, subscription, deadLetterTopic: deadLetterTopicOf(topic) }, letters);
          this.metrics.queueDeadLetters.inc({ topic: topic.name, subscription, outcome: written ? 'written' : 'dropped' }, letters.length);
          return written;
        },
        logger: this.logger.child({ group: `${topic.name}/${partition}` }),
      },
    });
  }

  private onRaftEvents(groupId: string, events: readonly RaftEvent[]): void {
    const hosted = this.partitions.get(groupId);
    const tp = hosted === undefined ? undefined : { topic: hosted.topic.name, partition: hosted.partition.settings.partition };
    this.metrics.onRaftEvents(groupId, tp, events);
    // Thousands of these come in one turn when a node fails over: logged at the end of the turn,
    // many as one line (RaftEventLog).
    this.eventLog.add(tp === undefined ? groupId : `${tp.topic}/${tp.partition}`, events);
  }

  private *groupViews(): Iterable<GroupView> {
    const meta = this.host.group(META_GROUP_ID);
    if (meta !== undefined) yield { id: META_GROUP_ID, status: () => meta.status() };
    for (const [id, { topic, partition }] of this.partitions) {
      yield {
        id,
        topic: topic.name,
        partition: partition.settings.partition,
        minInsyncReplicas: partition.settings.minInsyncReplicas,
        highWatermark: partition.log.highWatermark,
        logBytes: partition.log.logBytes,
        pendingHalves: partition.log.state.halves.pending.size,
        status: () => partition.group.status(),
      };
    }
  }
}

/** Refuses a store written in a format this version does not read (a newer Herald's), and
 *  records this version's format once the store is known to be readable. */
async function checkStoreFormat(store: NodeStore, dir: string): Promise<void> {
  const format = (await store.formatVersion()) ?? (store.groupIds().length > 0 ? 1 : null);
  if (format !== null && !STORE_FORMATS_READ.includes(format)) {
    throw new Error(`the store in ${dir} is in format ${format}, which Herald ${HERALD_VERSION} cannot read (it reads ${STORE_FORMATS_READ.join(', ')}); run a newer Herald`);
  }
  if (format !== STORE_FORMAT_VERSION) await store.setFormatVersion(STORE_FORMAT_VERSION);
}
