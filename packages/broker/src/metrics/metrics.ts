import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Role, type RaftEvent, type RaftStatus } from '@herald/raft';
import type { TurnStats } from '../host/host.js';

/** What metrics need to know about a hosted group at scrape time. */
export interface GroupView {
  readonly id: string;
  /** For partitions; undefined for the meta group. */
  readonly topic?: string;
  readonly partition?: number;
  readonly minInsyncReplicas?: number;
  readonly highWatermark?: number;
  readonly logBytes?: number;
  status(): RaftStatus;
}

/**
 * A node's metrics: one prom-client Registry per node (so in-process clusters do not collide),
 * Prometheus naming (herald_ prefix, base units, _total counters). Raft and replication gauges are
 * computed at scrape time from the groups themselves; counters and histograms are fed by the host
 * and the API as things happen. Labels are bounded: node, group/topic/partition, method, code.
 */
export class NodeMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'code'>;
  readonly requestSeconds: Histogram<'method'>;
  readonly producedRecords: Counter<'topic'>;
  readonly producedBytes: Counter<'topic'>;
  readonly fetchedBytes: Counter<'topic'>;
  readonly produceBatchRecords: Histogram;
  readonly subscriptions: Gauge;
  private readonly leaderChanges: Counter<'group'>;
  private readonly elections: Counter<'group'>;
  private readonly isrShrinks: Counter<'topic' | 'partition'>;
  private readonly isrExpands: Counter<'topic' | 'partition'>;
  private readonly snapshotsSent: Counter<'group'>;
  private readonly storageWriteBytes: Counter;
  private readonly storageSyncSeconds: Histogram;
  private readonly turnGroups: Histogram;
  private readonly peerMessages: Counter;

  constructor(nodeId: number, version: string, groups: () => Iterable<GroupView>) {
    this.registry.setDefaultLabels({ node: String(nodeId) });
    collectDefaultMetrics({ register: this.registry, prefix: 'herald_process_' });
    const r = [this.registry];
    new Gauge({ name: 'herald_build_info', help: 'Build information; always 1.', labelNames: ['version', 'node_version'], registers: r }).set({ version, node_version: process.version }, 1);

    this.requests = new Counter({ name: 'herald_requests_total', help: 'Client API requests by method and gRPC status code.', labelNames: ['method', 'code'], registers: r });
    this.requestSeconds = new Histogram({
      name: 'herald_request_duration_seconds',
      help: 'Client API request latency by method (produce: until acknowledged at the requested acks level).',
      labelNames: ['method'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: r,
    });
    this.producedRecords = new Counter({ name: 'herald_produce_records_total', help: 'Records accepted by this node as partition leader.', labelNames: ['topic'], registers: r });
    this.producedBytes = new Counter({ name: 'herald_produce_bytes_total', help: 'Record-batch bytes accepted by this node as partition leader.', labelNames: ['topic'], registers: r });
    this.fetchedBytes = new Counter({ name: 'herald_fetch_bytes_total', help: 'Record-batch bytes served to consumers.', labelNames: ['topic'], registers: r });
    this.produceBatchRecords = new Histogram({ name: 'herald_produce_batch_records', help: 'Records per produced batch.', buckets: [1, 4, 16, 64, 256, 1024, 4096], registers: r });
    this.subscriptions = new Gauge({ name: 'herald_subscriptions_open', help: 'Open Subscribe streams.', registers: r });

    this.leaderChanges = new Counter({ name: 'herald_raft_leader_changes_total', help: 'Times this node saw the leader of a group change.', labelNames: ['group'], registers: r });
    this.elections = new Counter({ name: 'herald_raft_elections_total', help: 'Elections (pre-votes included) this node started.', labelNames: ['group'], registers: r });
    this.snapshotsSent = new Counter({ name: 'herald_raft_snapshots_sent_total', help: 'Snapshots sent to followers too far behind.', labelNames: ['group'], registers: r });
    this.isrShrinks = new Counter({ name: 'herald_isr_shrinks_total', help: 'Times a follower left the ISR of a partition this node leads.', labelNames: ['topic', 'partition'], registers: r });
    this.isrExpands = new Counter({ name: 'herald_isr_expands_total', help: 'Times a follower rejoined the ISR of a partition this node leads.', labelNames: ['topic', 'partition'], registers: r });
    this.storageWriteBytes = new Counter({ name: 'herald_storage_write_bytes_total', help: 'Bytes written to the node store.', registers: r });
    this.storageSyncSeconds = new Histogram({
      name: 'herald_storage_sync_duration_seconds',
      help: 'Duration of one synced storage write (one per host turn, for every group).',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: r,
    });
    this.turnGroups = new Histogram({ name: 'herald_host_turn_groups', help: 'Raft groups with work per host turn.', buckets: [1, 2, 4, 8, 16, 32, 64, 128], registers: r });
    this.peerMessages = new Counter({ name: 'herald_peer_messages_sent_total', help: 'Raft messages sent to peers.', registers: r });

    this.registerRaftGauges(r, groups);
  }

  /** Gauges read from the groups at scrape time. */
  private registerRaftGauges(r: Registry[], groups: () => Iterable<GroupView>): void {
    const perGroup = (name: string, help: string, value: (s: RaftStatus, g: GroupView) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['group'],
        registers: r,
        collect() {
          this.reset();
          for (const g of groups()) this.set({ group: g.id }, value(g.status(), g));
        },
      });
    perGroup('herald_raft_term', 'Current raft term of the group on this node.', (s) => s.term);
    perGroup('herald_raft_is_leader', '1 if this node leads the group.', (s) => (s.role === Role.Leader ? 1 : 0));
    perGroup('herald_raft_leader_id', 'The leader this node knows for the group (0: none).', (s) => s.leaderId);
    perGroup('herald_raft_commit_index', 'Highest log index known committed.', (s) => s.commitIndex);
    perGroup('herald_raft_applied_index', 'Highest log index applied to the state machine.', (s) => s.appliedIndex);
    perGroup('herald_raft_last_index', 'Index of the last entry in the log.', (s) => s.lastIndex);
    new Gauge({
      name: 'herald_raft_follower_lag_entries',
      help: 'Leader only: entries a follower is behind the leader.',
      labelNames: ['group', 'follower'],
      registers: r,
      collect() {
        this.reset();
        for (const g of groups()) {
          const s = g.status();
          for (const p of s.progress) if (p.id !== s.id) this.set({ group: g.id, follower: String(p.id) }, Math.max(0, s.lastIndex - p.matchIndex));
        }
      },
    });
    const perPartition = (name: string, help: string, value: (s: RaftStatus, g: GroupView) => number | undefined) =>
      new Gauge({
        name,
        help,
        labelNames: ['topic', 'partition'],
        registers: r,
        collect() {
          this.reset();
          for (const g of groups()) {
            if (g.topic === undefined) continue;
            const v = value(g.status(), g);
            if (v !== undefined) this.set({ topic: g.topic, partition: String(g.partition) }, v);
          }
        },
      });
    const leaderOnly = (s: RaftStatus, v: number) => (s.role === Role.Leader ? v : undefined);
    perPartition('herald_partition_isr_size', 'Leader only: in-sync replicas of the partition, leader included.', (s) => leaderOnly(s, s.isr.length));
    perPartition('herald_partition_replicas', 'Leader only: replicas (voters) of the partition.', (s) => leaderOnly(s, s.membership.voters.length));
    perPartition('herald_partition_high_watermark', 'Leader only: the partition high watermark (next committed offset).', (s, g) => leaderOnly(s, g.highWatermark ?? 0));
    perPartition('herald_partition_log_bytes', 'Bytes of record batches stored for the partition on this node.', (_s, g) => g.logBytes);
    perPartition('herald_partition_has_leader', '1 if this replica knows a leader for the partition.', (s) => (s.leaderId !== 0 ? 1 : 0));
    const countLed = (name: string, help: string, test: (s: RaftStatus, g: GroupView) => boolean) =>
      new Gauge({
        name,
        help,
        registers: r,
        collect() {
          let n = 0;
          for (const g of groups()) {
            const s = g.status();
            if (g.topic !== undefined && s.role === Role.Leader && test(s, g)) n++;
          }
          this.set(n);
        },
      });
    countLed('herald_partitions_led', 'Partitions this node leads.', () => true);
    countLed('herald_partitions_under_replicated', 'Partitions this node leads whose ISR is smaller than their replica set.', (s) => s.isr.length < s.membership.voters.length);
    countLed('herald_partitions_under_min_isr', 'Partitions this node leads whose ISR is below min.insync.replicas.', (s, g) => s.isr.length < (g.minInsyncReplicas ?? 1));
    new Gauge({
      name: 'herald_partitions_without_leader',
      help: 'Partition replicas on this node that know no leader (offline if every replica says so).',
      registers: r,
      collect() {
        let n = 0;
        for (const g of groups()) if (g.topic !== undefined && g.status().leaderId === 0) n++;
        this.set(n);
      },
    });
  }

  /** Counts what raft reported in one Ready. */
  onRaftEvents(group: string, topicPartition: { topic: string; partition: number } | undefined, events: readonly RaftEvent[]): void {
    for (const e of events) {
      if (e.type === 'RoleChanged' && e.leaderId !== 0) this.leaderChanges.inc({ group });
      else if (e.type === 'ElectionStarted') this.elections.inc({ group });
      else if (e.type === 'SnapshotSent') this.snapshotsSent.inc({ group });
      else if (topicPartition !== undefined && (e.type === 'IsrShrunk' || e.type === 'IsrExpanded')) {
        const labels = { topic: topicPartition.topic, partition: String(topicPartition.partition) };
        (e.type === 'IsrShrunk' ? this.isrShrinks : this.isrExpands).inc(labels);
      }
    }
  }

  onTurn(stats: TurnStats): void {
    this.turnGroups.observe(stats.groupsReady);
    this.storageWriteBytes.inc(stats.bytesWritten);
    if (stats.synced) this.storageSyncSeconds.observe(stats.writeSeconds);
    this.peerMessages.inc(stats.messagesSent);
  }
}
