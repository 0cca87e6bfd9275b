import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import { Role, type RaftEvent, type RaftStatus } from '@herald/raft';
import type { TurnStats } from '../host/host.js';
import type { GroupLag } from '../consumer-groups/coordinator.js';

/** How often the event-loop delay is sampled (prom-client's monitorEventLoopDelay resolution). */
const EVENT_LOOP_SAMPLE_MS = 1_000;

/** prom-client's metrics of the sampled event-loop delay (with Herald's prefix). */
const EVENT_LOOP_DELAY_METRICS = ['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99'].map((stat) => `herald_nodejs_eventloop_lag_${stat}_seconds`);

/** Added to their help text: what a sample every EVENT_LOOP_SAMPLE_MS measures (Node's
 *  monitorEventLoopDelay records how late a timer of that interval fired). */
const EVENT_LOOP_SAMPLING =
  'Sampled once a second since the last scrape, each sample being how late a one-second timer fired: a stall longer than a second always shows (up to a second short), a shorter one only when a sample fell due during it (a 200 ms stall one time in five); herald_nodejs_eventloop_lag_seconds is measured at the scrape instead.';

/** What metrics need to know about a hosted group at scrape time. */
export interface GroupView {
  readonly id: string;
  /** For partitions; undefined for the meta group. */
  readonly topic?: string;
  readonly partition?: number;
  readonly minInsyncReplicas?: number;
  readonly highWatermark?: number;
  readonly logBytes?: number;
  /** Undecided half messages of the partition (transactions). */
  readonly pendingHalves?: number;
  status(): RaftStatus;
}

/** A group as one scrape sees it: its status read once, whatever number of gauges use it. */
interface Scraped {
  readonly view: GroupView;
  readonly status: RaftStatus;
  /** group, plus topic and partition for a partition group; topic alone per topic. */
  readonly labels: GroupLabels;
  /** topic and partition (topic alone per topic); undefined for the meta group. */
  readonly partitionLabels: Labels | undefined;
}

type GroupLabels = { group?: string; topic?: string; partition?: string };

/** How partitions appear in the series (config `metrics.partitionSeries`): one series per
 *  partition, or one per topic summing its partitions hosted on the node. */
export type PartitionSeries = 'partition' | 'topic';
type GroupLabel = 'group' | 'topic' | 'partition';
const groupLabelNames: GroupLabel[] = ['group', 'topic', 'partition'];
type Labels = Record<string, string>;
type Sample = { labels: Labels; value: number };

/**
 * A gauge whose every series is computed at scrape time. prom-client's Registry only calls a
 * metric's get() (and reset()), so this registers itself directly and hands over its samples,
 * skipping Gauge.set()'s per-series label validation and hashing: with thousands of partitions
 * those dominate the cost of a scrape.
 */
class ScrapeGauge {
  readonly type = 'gauge';
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    registry: Registry,
    private readonly samples: () => Sample[],
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  get(): { name: string; help: string; type: string; values: Sample[]; aggregator: string } {
    return { name: this.name, help: this.help, type: this.type, values: this.samples(), aggregator: this.aggregator };
  }

  reset(): void {}
}

const leads = (s: RaftStatus) => s.role === Role.Leader;
const underReplicated = (s: RaftStatus) => leads(s) && s.isr.length < s.membership.voters.length;
const underMinIsr = (s: RaftStatus, g: GroupView) => leads(s) && s.isr.length < (g.minInsyncReplicas ?? 1);
const withoutLeader = (s: RaftStatus) => s.leaderId === 0;

/** Removes every series of `metric` whose labels match. prom-client removes series by exact
 *  label sets only, so the label sets are read from its (synchronous) internal table. */
function removeSeries(metric: Counter<string>, match: (labels: Labels) => boolean): void {
  const table = (metric as unknown as { hashMap: Record<string, { labels: Labels }> }).hashMap;
  for (const { labels } of Object.values(table)) if (match(labels)) metric.remove(labels);
}

const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const byteBuckets = [256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216];

/**
 * A node's metrics: one prom-client Registry per node (so in-process clusters do not collide),
 * Prometheus naming (herald_ prefix, base units, _total counters). Raft and replication gauges are
 * computed at scrape time from the groups themselves, consumer lag gauges from the group
 * coordinator's lag cache; counters and histograms are fed by the host and the API as things
 * happen. Labels are bounded: node, group/topic/partition (bounded by the
 * partitions hosted), method, code, acks, follower. With `partitionSeries` 'topic', partitions
 * are summed per topic (gauges renamed herald_topic_*), so that 10,000 partitions do not make
 * 150,000 series. docs/metrics.md lists every metric.
 */
export class NodeMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'code'>;
  readonly requestSeconds: Histogram<'method'>;
  readonly producedRecords: Counter<'topic'>;
  readonly producedBytes: Counter<'topic'>;
  readonly fetchedRecords: Counter<'topic'>;
  readonly fetchedBytes: Counter<'topic'>;
  readonly produceBatchRecords: Histogram;
  readonly produceBatchBytes: Histogram;
  /** Produce latency from proposal to the requested acks level: append (leader) and replicate (quorum, all). */
  readonly appendSeconds: Histogram<'acks'>;
  readonly subscriptions: Gauge;
  /** Server streams ended because their reader stopped reading. */
  readonly streamsCut: Counter;
  /** Bytes written to server streams and not yet taken by their readers. */
  readonly streamBufferBytes: Gauge;
  /** Queue subscriptions (QueueService): records leased, by first delivery or redelivery. */
  readonly queueDelivered: Counter<'topic' | 'subscription' | 'kind'>;
  /** Queue subscriptions: receipts applied, by ack, nack, reject or extend. */
  readonly queueSettled: Counter<'topic' | 'subscription' | 'kind'>;
  /** Queue subscriptions: records sent to the dead-letter topic (or dropped without one). */
  readonly queueDeadLetters: Counter<'topic' | 'subscription' | 'outcome'>;
  /** Half messages stored by this node as partition leader (a retry of one is not counted). */
  readonly halfSent: Counter<'topic'>;
  /** Half messages decided by this node as partition leader, by decision and by whom. */
  readonly halfDecisions: Counter<'topic' | 'decision' | 'by'>;
  /** Check-backs this node sent as partition leader, by whether a live member took them. */
  readonly halfChecks: Counter<'topic' | 'delivered'>;
  /** WatchChecks streams open on this node. */
  readonly checkStreams: Gauge;
  /** Seconds answers were held back for principals over a quota. */
  readonly quotaThrottled: Counter<'principal' | 'kind'>;
  /** Peer traffic dropped: not from a member, a wrong sender, malformed (issue #12). */
  readonly peerRefused: Counter<'reason'>;
  /** Where herald_peer_backlog_bytes reads each peer link's unsent bytes (set once the
   *  transport exists). */
  peerBacklogs: () => readonly (readonly [number, number])[] = () => [];
  private readonly leaderChanges: Counter<GroupLabel>;
  private readonly elections: Counter<GroupLabel>;
  private readonly isrShrinks: Counter<'topic' | 'partition'>;
  private readonly isrExpands: Counter<'topic' | 'partition'>;
  private readonly snapshotsSent: Counter<GroupLabel>;
  private readonly storageWriteBytes: Counter;
  private readonly storageWriteBatchBytes: Histogram;
  private readonly storageSyncSeconds: Histogram;
  private readonly turnGroups: Histogram;
  private readonly turnSeconds: Histogram;
  private readonly peerMessages: Counter;
  private scraped: readonly Scraped[] | undefined;
  /** Groups whose counters have their zero series. */
  private readonly countedGroups = new Set<string>();

  constructor(
    nodeId: number,
    version: string,
    private readonly groups: () => Iterable<GroupView>,
    /** The consumer lag of every group with a committed offset: non-empty on the controller only
     *  (GroupCoordinator.lag()), so that each series has one source. */
    private readonly consumerLag: () => readonly GroupLag[] = () => [],
    private readonly partitionSeries: PartitionSeries = 'partition',
  ) {
    this.registry.setDefaultLabels({ node: String(nodeId) });
    // prom-client's process and Node.js metrics with the herald_ prefix: herald_process_cpu_seconds_total,
    // herald_nodejs_eventloop_lag_p99_seconds, herald_nodejs_heap_size_used_bytes, herald_nodejs_gc_duration_seconds.
    // The event-loop delay is sampled once a second (EVENT_LOOP_SAMPLE_MS), not every 10 ms
    // (prom-client's default): each sample is a wake-up of the process, and an idle node's CPU
    // is its wake-ups (issue #17, test/bench/idle.ts). Its help text says what that measures.
    collectDefaultMetrics({ register: this.registry, prefix: 'herald_', eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    for (const name of EVENT_LOOP_DELAY_METRICS) {
      // prom-client's metrics carry their help text as a plain field (its registry prints it);
      // its typings leave it out.
      const metric = this.registry.getSingleMetric(name) as unknown as { help: string } | undefined;
      if (metric !== undefined) metric.help = `${metric.help} ${EVENT_LOOP_SAMPLING}`;
    }
    const r = [this.registry];
    new Gauge({ name: 'herald_build_info', help: 'Build information; always 1.', labelNames: ['version', 'node_version'], registers: r }).set({ version, node_version: process.version }, 1);

    this.requests = new Counter({ name: 'herald_requests_total', help: 'Client API requests by method and gRPC status code.', labelNames: ['method', 'code'], registers: r });
    this.requestSeconds = new Histogram({
      name: 'herald_request_duration_seconds',
      help: 'Client API request latency by method (produce: until acknowledged at the requested acks level).',
      labelNames: ['method'],
      buckets: latencyBuckets,
      registers: r,
    });
    this.producedRecords = new Counter({ name: 'herald_produce_records_total', help: 'Records accepted by this node as partition leader.', labelNames: ['topic'], registers: r });
    this.producedBytes = new Counter({ name: 'herald_produce_bytes_total', help: 'Record-batch bytes accepted by this node as partition leader.', labelNames: ['topic'], registers: r });
    this.fetchedRecords = new Counter({ name: 'herald_fetch_records_total', help: 'Records served to consumers (Fetch and Subscribe).', labelNames: ['topic'], registers: r });
    this.fetchedBytes = new Counter({ name: 'herald_fetch_bytes_total', help: 'Record-batch bytes served to consumers (Fetch and Subscribe).', labelNames: ['topic'], registers: r });
    this.produceBatchRecords = new Histogram({ name: 'herald_produce_batch_records', help: 'Records per produced batch.', buckets: [1, 4, 16, 64, 256, 1024, 4096], registers: r });
    this.produceBatchBytes = new Histogram({ name: 'herald_produce_batch_bytes', help: 'Bytes per produced record batch.', buckets: byteBuckets, registers: r });
    this.appendSeconds = new Histogram({
      name: 'herald_raft_append_duration_seconds',
      help: 'Leader: from proposing a produced batch to its acks level: leader = durable in the leader log (append), quorum = committed by a majority (replicate), all = on every ISR member.',
      labelNames: ['acks'],
      buckets: latencyBuckets,
      registers: r,
    });
    this.subscriptions = new Gauge({ name: 'herald_subscriptions_open', help: 'Open Subscribe streams.', registers: r });
    this.streamBufferBytes = new Gauge({ name: 'herald_stream_buffer_bytes', help: 'Bytes written to Subscribe streams and not yet taken by their readers (bounded by limits.streamBufferBytes).', registers: r });
    this.streamsCut = new Counter({ name: 'herald_streams_cut_total', help: 'Server streams ended because their reader took nothing for limits.streamStallMs.', registers: r });
    this.queueDelivered = new Counter({ name: 'herald_queue_delivered_records_total', help: 'Queue subscriptions: records leased to members, by kind (first, redelivery).', labelNames: ['topic', 'subscription', 'kind'], registers: r });
    this.queueSettled = new Counter({ name: 'herald_queue_settled_records_total', help: 'Queue subscriptions: receipts applied, by kind (ack, nack, reject, extend).', labelNames: ['topic', 'subscription', 'kind'], registers: r });
    this.queueDeadLetters = new Counter({ name: 'herald_queue_dead_letters_total', help: 'Queue subscriptions: records sent to the dead-letter topic (outcome written), or dropped for want of one (outcome dropped).', labelNames: ['topic', 'subscription', 'outcome'], registers: r });
    this.halfSent = new Counter({ name: 'herald_txn_half_sent_total', help: 'Half messages stored by this node as partition leader (retries not counted).', labelNames: ['topic'], registers: r });
    this.halfDecisions = new Counter({
      name: 'herald_txn_half_decisions_total',
      help: 'Half messages decided by this node as partition leader, by decision (commit, rollback) and by whom (producer, check: a producer answering a check-back, check-max: rolled back after transaction.check.max checks).',
      labelNames: ['topic', 'decision', 'by'],
      registers: r,
    });
    this.halfChecks = new Counter({ name: 'herald_txn_half_checks_total', help: 'Check-backs sent by this node as partition leader, by whether a live member of the producer group took them (delivered true or false).', labelNames: ['topic', 'delivered'], registers: r });
    this.checkStreams = new Gauge({ name: 'herald_txn_check_streams_open', help: 'Open WatchChecks streams (live producer-group members) on this node.', registers: r });
    // Read from the coordinator's lag cache at each scrape: a group deleted since, or a node that
    // is no longer the controller, leaves no stale series behind.
    const lagGauge = (name: string, help: string, value: (l: GroupLag) => number) =>
      new ScrapeGauge(name, help, this.registry, () => this.consumerLag().map((l) => ({ labels: { group: l.group, topic: l.topic, partition: String(l.partition) }, value: value(l) })));
    lagGauge('herald_consumer_group_lag_records', 'Controller only: records between a consumer group committed offset and the partition high watermark.', (l) => l.records);
    lagGauge('herald_consumer_group_lag_seconds', 'Controller only: age of the oldest record a consumer group has not consumed; 0 when caught up.', (l) => l.seconds);

    // Counters by group start at 0 for every hosted group, so that rate() and increase() see
    // their first event (a series that appears at 1 hides that increment). Done once per group.
    const scrape = () => this.scrape();
    const initCounters = () => this.initCounters();
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) => new Counter<L>({ name, help, labelNames, registers: r, collect: initCounters });
    this.leaderChanges = counter('herald_raft_leader_changes_total', 'Times this node saw the leader of a group change to a known leader.', groupLabelNames);
    this.elections = counter('herald_raft_elections_total', 'Elections (pre-votes included) this node started.', groupLabelNames);
    this.snapshotsSent = counter('herald_raft_snapshots_sent_total', 'Snapshots sent to followers too far behind.', groupLabelNames);
    this.isrShrinks = counter('herald_isr_shrinks_total', 'Times a follower left the ISR of a partition this node leads.', ['topic', 'partition']);
    this.isrExpands = counter('herald_isr_expands_total', 'Times a follower rejoined the ISR of a partition this node leads.', ['topic', 'partition']);
    this.storageWriteBytes = new Counter({ name: 'herald_storage_write_bytes_total', help: 'Bytes written to the node store.', registers: r });
    this.storageWriteBatchBytes = new Histogram({ name: 'herald_storage_write_batch_bytes', help: 'Bytes per storage write (one write per host turn, for every group).', buckets: byteBuckets, registers: r });
    this.storageSyncSeconds = new Histogram({
      name: 'herald_storage_sync_duration_seconds',
      help: 'Duration of one synced storage write (one per host turn, for every group).',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: r,
    });
    this.turnGroups = new Histogram({ name: 'herald_host_turn_groups', help: 'Raft groups with work per host turn.', buckets: [1, 2, 4, 8, 16, 32, 64, 128], registers: r });
    this.turnSeconds = new Histogram({
      name: 'herald_host_turn_seconds',
      help: 'Duration of one host turn (step, write, send, apply for every group with work): no group of the node is heard or answered meanwhile, so a turn near an election timeout (300 ms) starves heartbeats.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5],
      registers: r,
    });
    this.peerMessages = new Counter({ name: 'herald_peer_messages_sent_total', help: 'Raft messages sent to peers.', registers: r });
    this.quotaThrottled = new Counter({
      name: 'herald_quota_throttle_seconds_total',
      help: 'Seconds answers to a principal were held back because it exceeded a quota (kind: produce, fetch or request), Kafka-style throttling.',
      labelNames: ['principal', 'kind'],
      registers: r,
    });
    this.peerRefused = new Counter({
      name: 'herald_peer_refused_total',
      help: 'Peer-port traffic dropped: connections without a member certificate (not-member), frames or messages claiming another sender than their certificate (wrong-sender), messages that do not decode or carry impossible values (malformed), Raft messages whose term jumps too far ahead (term-jump).',
      labelNames: ['reason'],
      registers: r,
    });
    for (const reason of ['not-member', 'wrong-sender', 'malformed', 'term-jump']) this.peerRefused.inc({ reason }, 0);
    const backlogs = (): readonly (readonly [number, number])[] => this.peerBacklogs();
    new Gauge({
      name: 'herald_peer_backlog_bytes',
      help: 'Bytes written to the stream to a peer and not yet sent (estimated): a peer that reads slowly, or a slow link, makes it grow, and delays every heartbeat behind it; catch-up data waits while it is over raft.catchupBytesPerTurn.',
      labelNames: ['peer'],
      registers: r,
      collect() {
        this.reset();
        for (const [peer, bytes] of backlogs()) this.set({ peer: String(peer) }, bytes);
      },
    });

    this.registerRaftGauges(this.registry, scrape);
  }

  /** Creates the zero series of the per-group counters for groups not seen before. */
  private initCounters(): void {
    for (const g of this.scrape()) {
      if (this.countedGroups.has(g.view.id)) continue;
      this.countedGroups.add(g.view.id);
      for (const c of [this.leaderChanges, this.elections, this.snapshotsSent]) c.inc(g.labels, 0);
      if (g.partitionLabels !== undefined) for (const c of [this.isrShrinks, this.isrExpands]) c.inc(g.partitionLabels, 0);
    }
  }

  /**
   * Every hosted group with its status, read once per scrape. prom-client starts every metric's
   * collect() in one synchronous pass (Registry.metrics), so a snapshot dropped on the next turn
   * of the event loop serves exactly one scrape; nothing stale survives it.
   */
  private scrape(): readonly Scraped[] {
    if (this.scraped === undefined) {
      const scraped: Scraped[] = [];
      for (const view of this.groups()) {
        const partitionLabels = this.partitionLabelsOf(view.topic, view.partition);
        scraped.push({ view, status: view.status(), labels: this.groupLabelsOf(view.id, partitionLabels), partitionLabels });
      }
      this.scraped = scraped;
      setImmediate(() => {
        this.scraped = undefined;
      });
    }
    return this.scraped;
  }

  /** A partition's topic and partition labels (its topic alone per topic); undefined for the
   *  meta group. */
  private partitionLabelsOf(topic: string | undefined, partition: number | undefined): Labels | undefined {
    if (topic === undefined) return undefined;
    return this.partitionSeries === 'topic' ? { topic } : { topic, partition: String(partition) };
  }

  /** A group's labels: group plus its partition labels; per topic, the partition labels alone. */
  private groupLabelsOf(group: string, partitionLabels: Labels | undefined): GroupLabels {
    return partitionLabels !== undefined && this.partitionSeries === 'topic' ? partitionLabels : { group, ...partitionLabels };
  }

  /** Gauges read from the groups at scrape time. */
  private registerRaftGauges(registry: Registry, scrape: () => readonly Scraped[]): void {
    const perTopic = this.partitionSeries === 'topic';
    // Per topic, the per-group raft gauges are the meta group's only.
    const groups = () => (perTopic ? scrape().filter((g) => g.partitionLabels === undefined) : scrape());
    const perGroup = (name: string, help: string, value: (s: RaftStatus) => number) =>
      new ScrapeGauge(name, help, registry, () => groups().map((g) => ({ labels: g.labels, value: value(g.status) })));
    perGroup('herald_raft_term', 'Current raft term of the group on this node.', (s) => s.term);
    perGroup('herald_raft_is_leader', '1 if this node leads the group (for group "meta": is the controller).', (s) => (s.role === Role.Leader ? 1 : 0));
    perGroup('herald_raft_leader_id', 'The leader this node knows for the group (0: none).', (s) => s.leaderId);
    perGroup('herald_raft_commit_index', 'Highest log index known committed.', (s) => s.commitIndex);
    perGroup('herald_raft_applied_index', 'Highest log index applied to the state machine.', (s) => s.appliedIndex);
    perGroup('herald_raft_last_index', 'Index of the last entry in the log.', (s) => s.lastIndex);
    perGroup('herald_raft_repairing', '1 while this replica repairs a log it lost (wiped or damaged store): it neither votes nor campaigns.', (s) => (s.repairing ? 1 : 0));
    new ScrapeGauge('herald_raft_follower_lag_entries', 'Leader only: entries a follower is behind the leader (per topic: the most over its partitions).', registry, () => {
      const out = new Map<string, Sample>();
      for (const { status: s, labels } of scrape()) {
        for (const p of s.progress) {
          if (p.id === s.id) continue;
          const sample = { labels: { ...labels, follower: String(p.id) } as Labels, value: Math.max(0, s.lastIndex - p.matchIndex) };
          const key = JSON.stringify(sample.labels);
          const seen = out.get(key);
          if (seen === undefined || seen.value < sample.value) out.set(key, sample);
        }
      }
      return [...out.values()];
    });
    if (perTopic) this.registerTopicGauges(registry, scrape);
    else this.registerPartitionGauges(registry, scrape);
    const countPartitions = (name: string, help: string, test: (s: RaftStatus, g: GroupView) => boolean) =>
      new ScrapeGauge(name, help, registry, () => {
        let n = 0;
        for (const { view: g, status: s } of scrape()) if (g.topic !== undefined && test(s, g)) n++;
        return [{ labels: {}, value: n }];
      });
    countPartitions('herald_partitions_led', 'Partitions this node leads.', leads);
    countPartitions('herald_partitions_under_replicated', 'Partitions this node leads whose ISR is smaller than their replica set.', underReplicated);
    countPartitions('herald_partitions_under_min_isr', 'Partitions this node leads whose ISR is below min.insync.replicas.', underMinIsr);
    countPartitions('herald_partitions_without_leader', 'Partition replicas on this node that know no leader (offline if every replica says so).', withoutLeader);
    countPartitions('herald_partitions_repairing', 'Partition replicas on this node repairing a log they lost; they neither vote nor campaign until repaired.', (s) => s.repairing);
    countPartitions('herald_raft_groups_quiescent', 'Partition groups quiescent on this node: idle, neither ticked nor heartbeating.', (s) => s.quiescent);
  }

  /** One series per partition hosted here (metrics.partitionSeries: partition). */
  private registerPartitionGauges(registry: Registry, scrape: () => readonly Scraped[]): void {
    const perPartition = (name: string, help: string, value: (s: RaftStatus, g: GroupView) => number | undefined) =>
      new ScrapeGauge(name, help, registry, () => {
        const out: Sample[] = [];
        for (const { view: g, status: s, partitionLabels } of scrape()) {
          if (partitionLabels === undefined) continue;
          const v = value(s, g);
          if (v !== undefined) out.push({ labels: partitionLabels, value: v });
        }
        return out;
      });
    const leaderOnly = (s: RaftStatus, v: number) => (s.role === Role.Leader ? v : undefined);
    perPartition('herald_partition_isr_size', 'Leader only: in-sync replicas of the partition, leader included.', (s) => leaderOnly(s, s.isr.length));
    perPartition('herald_partition_replicas', 'Leader only: replicas (voters) of the partition.', (s) => leaderOnly(s, s.membership.voters.length));
    perPartition('herald_partition_min_insync_replicas', 'Leader only: the min.insync.replicas setting of the partition.', (s, g) => leaderOnly(s, g.minInsyncReplicas ?? 1));
    perPartition('herald_partition_high_watermark', 'Leader only: the partition high watermark (next committed offset).', (s, g) => leaderOnly(s, g.highWatermark ?? 0));
    perPartition('herald_partition_log_bytes', 'Bytes of committed record batches in the partition log on this node.', (_s, g) => g.logBytes);
    perPartition('herald_txn_half_pending', 'Leader only: undecided half messages of the partition.', (s, g) => leaderOnly(s, g.pendingHalves ?? 0));
    perPartition('herald_partition_has_leader', '1 if this replica knows a leader for the partition.', (s) => (s.leaderId !== 0 ? 1 : 0));
  }

  /** One series per topic, summing its partitions hosted here (metrics.partitionSeries: topic). */
  private registerTopicGauges(registry: Registry, scrape: () => readonly Scraped[]): void {
    const perTopic = (name: string, help: string, value: (s: RaftStatus, g: GroupView) => number) =>
      new ScrapeGauge(name, help, registry, () => {
        const sums = new Map<string, number>();
        for (const { view: g, status: s } of scrape()) if (g.topic !== undefined) sums.set(g.topic, (sums.get(g.topic) ?? 0) + value(s, g));
        return [...sums].map(([topic, value]) => ({ labels: { topic }, value }));
      });
    const count = (test: (s: RaftStatus, g: GroupView) => boolean) => (s: RaftStatus, g: GroupView) => (test(s, g) ? 1 : 0);
    perTopic('herald_topic_partitions', 'Partition replicas of the topic hosted on this node.', () => 1);
    perTopic('herald_topic_partitions_led', 'Partitions of the topic this node leads.', count(leads));
    perTopic('herald_topic_partitions_under_replicated', 'Partitions of the topic this node leads whose ISR is smaller than their replica set.', count(underReplicated));
    perTopic('herald_topic_partitions_under_min_isr', 'Partitions of the topic this node leads whose ISR is below min.insync.replicas.', count(underMinIsr));
    perTopic('herald_topic_partitions_without_leader', 'Partition replicas of the topic on this node that know no leader.', count(withoutLeader));
    perTopic('herald_topic_high_watermark', 'Sum of the high watermarks of the partitions of the topic this node leads (its rate is the records committed per second).', (s, g) => (leads(s) ? (g.highWatermark ?? 0) : 0));
    perTopic('herald_topic_log_bytes', 'Bytes of committed record batches of the topic on this node.', (_s, g) => g.logBytes ?? 0);
  }

  /**
   * A partition replica was deleted with its topic: its series go with it (a cluster that
   * creates and deletes topics must not grow its scrape without bound). The per-topic series go
   * too; a topic deleted and created again starts them afresh.
   */
  forgetPartition(group: string, topic: string, partition: number): void {
    this.countedGroups.delete(group);
    const partitionLabels = this.partitionLabelsOf(topic, partition)!;
    for (const c of [this.leaderChanges, this.elections, this.snapshotsSent]) c.remove(this.groupLabelsOf(group, partitionLabels));
    for (const c of [this.isrShrinks, this.isrExpands]) c.remove(partitionLabels);
    for (const metric of [this.producedRecords, this.producedBytes, this.fetchedRecords, this.fetchedBytes, this.queueDelivered, this.queueSettled, this.queueDeadLetters, this.halfSent, this.halfDecisions, this.halfChecks] as Counter<string>[]) {
      removeSeries(metric, (labels) => labels.topic === topic);
    }
  }

  /** Counts what raft reported in one Ready. */
  onRaftEvents(group: string, topicPartition: { topic: string; partition: number } | undefined, events: readonly RaftEvent[]): void {
    const partitionLabels = this.partitionLabelsOf(topicPartition?.topic, topicPartition?.partition);
    const labels = this.groupLabelsOf(group, partitionLabels);
    for (const e of events) {
      if (e.type === 'RoleChanged' && e.leaderId !== 0) this.leaderChanges.inc(labels);
      else if (e.type === 'ElectionStarted') this.elections.inc(labels);
      else if (e.type === 'SnapshotSent') this.snapshotsSent.inc(labels);
      else if (e.type === 'MessageRefused') this.peerRefused.inc({ reason: e.reason });
      else if (partitionLabels !== undefined && (e.type === 'IsrShrunk' || e.type === 'IsrExpanded')) {
        (e.type === 'IsrShrunk' ? this.isrShrinks : this.isrExpands).inc(partitionLabels);
      }
    }
  }

  onTurn(stats: TurnStats): void {
    this.turnGroups.observe(stats.groupsReady);
    this.turnSeconds.observe(stats.turnSeconds);
    this.storageWriteBytes.inc(stats.bytesWritten);
    if (stats.bytesWritten > 0) this.storageWriteBatchBytes.observe(stats.bytesWritten);
    if (stats.synced) this.storageSyncSeconds.observe(stats.writeSeconds);
    this.peerMessages.inc(stats.messagesSent);
  }
}
