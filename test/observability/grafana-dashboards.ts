// Herald's Grafana dashboards, built from code so that every panel gets a unique id, a grid
// position, the datasource variable on every target, and the same variables and annotations.
// The JSON in deploy/grafana/dashboards/ is this output; test/observability/dashboards.test.ts
// fails when they differ. After editing, regenerate with:
//   pnpm exec tsx test/observability/grafana-dashboards.ts --write
import type { AnnotationQuery, Dashboard, DataSourceRef, FieldColorModeId, Panel, RowPanel, ThresholdsMode, VariableModel } from '@grafana/schema';

/** Every Prometheus target and annotation points at the dashboard's datasource variable. */
export const DATASOURCE: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

export type PromQuery = Record<string, unknown> & { refId: string; datasource: DataSourceRef; expr: string; legendFormat: string; range: boolean; instant: boolean; format: 'time_series' | 'table' };
export type PromAnnotation = AnnotationQuery & { expr: string; step: string; titleFormat: string; textFormat: string; tagKeys: string; useValueForTime: boolean };

interface QuerySpec {
  readonly expr: string;
  readonly legend?: string;
}

interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly type: 'timeseries' | 'stat' | 'table';
  readonly unit?: string;
  readonly queries: readonly QuerySpec[];
  /** Grid width of 24; height in grid rows. */
  readonly w: number;
  readonly h?: number;
  readonly stack?: boolean;
  /** Stat panels showing a count: a count above this is red. */
  readonly redAbove?: number;
}

/** Places panels left to right, wrapping at 24 columns, and numbers them. */
class Layout {
  readonly panels: (Panel | RowPanel)[] = [];
  private x = 0;
  private y = 0;
  private rowHeight = 0;
  private nextId = 1;

  row(title: string): void {
    this.newLine();
    this.panels.push({ type: 'row', title, id: this.nextId++, collapsed: false, gridPos: { x: 0, y: this.y, w: 24, h: 1 }, panels: [] });
    this.y += 1;
  }

  add(spec: PanelSpec): void {
    const h = spec.h ?? (spec.type === 'stat' ? 4 : 8);
    if (this.x + spec.w > 24) this.newLine();
    this.panels.push(panel(spec, this.nextId++, { x: this.x, y: this.y, w: spec.w, h }));
    this.x += spec.w;
    this.rowHeight = Math.max(this.rowHeight, h);
  }

  private newLine(): void {
    if (this.x === 0) return;
    this.y += this.rowHeight;
    this.x = 0;
    this.rowHeight = 0;
  }
}

function panel(spec: PanelSpec, id: number, gridPos: { x: number; y: number; w: number; h: number }): Panel {
  const table = spec.type === 'table';
  const targets: PromQuery[] = spec.queries.map((q, i) => ({
    refId: String.fromCharCode(65 + i),
    datasource: DATASOURCE,
    expr: q.expr,
    legendFormat: q.legend ?? '__auto',
    range: !table,
    instant: table,
    format: table ? 'table' : 'time_series',
  }));
  const base: Panel = {
    id,
    type: spec.type,
    title: spec.title,
    description: spec.description,
    datasource: DATASOURCE,
    gridPos,
    targets,
    fieldConfig: {
      defaults: {
        unit: spec.unit ?? 'short',
        ...(spec.type === 'timeseries'
          ? { custom: { drawStyle: 'line', lineWidth: 1, fillOpacity: spec.stack === true ? 30 : 10, showPoints: 'never', spanNulls: false, stacking: { mode: spec.stack === true ? 'normal' : 'none', group: 'A' } } }
          : {}),
        ...(spec.redAbove !== undefined
          ? { thresholds: { mode: 'absolute' as ThresholdsMode, steps: [{ color: 'green', value: null }, { color: 'red', value: spec.redAbove + 1 }] }, color: { mode: 'thresholds' as FieldColorModeId } }
          : {}),
      },
      overrides: [],
    },
  };
  if (spec.type === 'timeseries') base.options = { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } };
  if (spec.type === 'stat') base.options = { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'area', textMode: 'auto', justifyMode: 'auto', orientation: 'auto' };
  if (table) {
    base.options = { showHeader: true, cellHeight: 'sm' };
    // One row per series: the instant queries' values side by side, joined on their labels.
    base.transformations = [
      { id: 'merge', options: {} },
      { id: 'organize', options: { excludeByName: { Time: true, job: true, instance: true, __name__: true } } },
    ];
  }
  return base;
}

function datasourceVariable(): VariableModel {
  return { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: { text: 'default', value: 'default' }, hide: 0, refresh: 1, regex: '', options: [], skipUrlSync: false };
}

/** A multi-value label variable; "All" is the regex `.*`, so queries filter with `=~"$name"`. */
export function labelVariable(name: string, label: string, metric: string): VariableModel {
  const definition = `label_values(${metric}, ${name})`;
  return {
    name,
    label,
    type: 'query',
    datasource: DATASOURCE,
    query: { qryType: 1, query: definition, refId: `PrometheusVariableQueryEditor-${name}` },
    definition,
    refresh: 2,
    includeAll: true,
    multi: true,
    allValue: '.*',
    current: { selected: true, text: ['All'], value: ['$__all'] },
    options: [],
    regex: '',
    sort: 3,
    hide: 0,
    skipUrlSync: false,
  } as VariableModel;
}

const nodeVariable = () => labelVariable('node', 'Node', 'herald_build_info');
const topicVariable = () => labelVariable('topic', 'Topic', 'herald_partition_has_leader');

/** Marks leader changes on every time series: any group whose leader a node saw change. */
export function leaderChangeAnnotation(): PromAnnotation {
  return {
    name: 'Leader changes',
    datasource: DATASOURCE,
    enable: true,
    hide: false,
    iconColor: 'orange',
    expr: 'sum by (group, topic, partition) (increase(herald_raft_leader_changes_total{node=~"$node"}[30s])) > 0',
    step: '15s',
    titleFormat: 'Leader change',
    textFormat: 'group {{group}} {{topic}} {{partition}}',
    tagKeys: 'group',
    useValueForTime: false,
  };
}

function dashboard(uid: string, title: string, description: string, variables: VariableModel[], layout: Layout): Dashboard {
  return {
    uid,
    title,
    description,
    tags: ['herald'],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: '10s',
    time: { from: 'now-30m', to: 'now' },
    fiscalYearStartMonth: 0,
    liveNow: false,
    weekStart: '',
    links: [{ title: 'Herald', type: 'dashboards', tags: ['herald'], asDropdown: true, includeVars: true, keepTime: true, icon: 'external link', targetBlank: false, tooltip: '', url: '' }],
    templating: { list: [datasourceVariable(), ...variables] },
    annotations: {
      list: [
        { builtIn: 1, datasource: { type: 'grafana', uid: '-- Grafana --' }, enable: true, hide: true, iconColor: 'rgba(0, 211, 255, 1)', name: 'Annotations & Alerts', type: 'dashboard' },
        leaderChangeAnnotation(),
      ],
    },
    panels: layout.panels,
  };
}

// Label filters the panels share.
const N = 'node=~"$node"';
const T = 'topic=~"$topic"';
const RI = '$__rate_interval';

function overview(): Dashboard {
  const l = new Layout();
  l.add({ title: 'Nodes up', description: 'Herald nodes Prometheus scrapes successfully.', type: 'stat', w: 4, queries: [{ expr: `sum(up{job="herald", ${N}})` }] });
  l.add({ title: 'Controller', description: 'The node leading the meta group (topics, assignments).', type: 'stat', w: 4, queries: [{ expr: 'max(herald_raft_leader_id{group="meta"} and herald_raft_is_leader{group="meta"} == 1)' }] });
  l.add({ title: 'Partitions', description: 'Partitions of the selected topics.', type: 'stat', w: 4, queries: [{ expr: `count(count by (topic, partition) (herald_partition_has_leader{${T}}))` }] });
  l.add({ title: 'Under-replicated', description: 'Partitions whose ISR is smaller than their replica set (counted by their leaders).', type: 'stat', w: 4, redAbove: 0, queries: [{ expr: `sum(herald_partitions_under_replicated{${N}})` }] });
  l.add({ title: 'Under min ISR', description: 'Partitions that refuse acks QUORUM/ALL writes: ISR below min.insync.replicas.', type: 'stat', w: 4, redAbove: 0, queries: [{ expr: `sum(herald_partitions_under_min_isr{${N}})` }] });
  l.add({ title: 'Offline partitions', description: 'Partitions no replica knows a leader for.', type: 'stat', w: 4, redAbove: 0, queries: [{ expr: `count(max by (topic, partition) (herald_partition_has_leader{${T}}) == 0) or vector(0)` }] });
  l.add({ title: 'Partitions led per node', description: 'Leadership balance: partitions each node leads.', type: 'timeseries', w: 12, stack: true, queries: [{ expr: `sum by (node) (herald_partitions_led{${N}})`, legend: 'node {{node}}' }] });
  l.add({
    title: 'Under-replicated and leaderless partitions per node',
    description: 'Under-replicated: led by the node, ISR smaller than replicas. Without leader: replicas on the node that know no leader.',
    type: 'timeseries',
    w: 12,
    queries: [
      { expr: `herald_partitions_under_replicated{${N}}`, legend: 'under-replicated (node {{node}})' },
      { expr: `herald_partitions_without_leader{${N}}`, legend: 'without leader (node {{node}})' },
    ],
  });
  l.add({ title: 'Leader changes', description: 'Leader changes each node observed, per interval.', type: 'timeseries', w: 12, queries: [{ expr: `sum by (node) (increase(herald_raft_leader_changes_total{${N}, ${T}}[${RI}]))`, legend: 'node {{node}}' }] });
  l.add({
    title: 'ISR shrinks and expands',
    description: 'Followers leaving and rejoining the ISR of partitions the node leads, per second.',
    type: 'timeseries',
    unit: 'ops',
    w: 12,
    queries: [
      { expr: `sum by (node) (rate(herald_isr_shrinks_total{${N}, ${T}}[${RI}]))`, legend: 'shrinks (node {{node}})' },
      { expr: `sum by (node) (rate(herald_isr_expands_total{${N}, ${T}}[${RI}]))`, legend: 'expands (node {{node}})' },
    ],
  });
  l.add({
    title: 'Partitions',
    description: 'Each partition as its leader reports it: the leader (node), ISR size, replicas and high watermark.',
    type: 'table',
    w: 24,
    h: 9,
    queries: [
      { expr: `herald_partition_isr_size{${T}}`, legend: 'ISR' },
      { expr: `herald_partition_replicas{${T}}`, legend: 'replicas' },
      { expr: `herald_partition_high_watermark{${T}}`, legend: 'high watermark' },
    ],
  });
  return dashboard('herald-overview', 'Herald / Cluster overview', 'Nodes, controller, leadership and replication health of a Herald cluster.', [nodeVariable(), topicVariable()], l);
}

function raft(): Dashboard {
  const l = new Layout();
  l.add({ title: 'Term per group', description: 'The highest raft term any node reports for each group; a climbing term means elections.', type: 'timeseries', w: 12, queries: [{ expr: `max by (group, topic, partition) (herald_raft_term{${N}, ${T}})`, legend: '{{group}} {{topic}} {{partition}}' }] });
  l.add({ title: 'Elections started', description: 'Elections (pre-votes included) started per interval, by node.', type: 'timeseries', w: 12, queries: [{ expr: `sum by (node) (increase(herald_raft_elections_total{${N}, ${T}}[${RI}]))`, legend: 'node {{node}}' }] });
  l.add({ title: 'Leader changes per group', description: 'Leader changes nodes observed per interval, by group.', type: 'timeseries', w: 12, queries: [{ expr: `sum by (group, topic, partition) (increase(herald_raft_leader_changes_total{${N}, ${T}}[${RI}]))`, legend: '{{group}} {{topic}} {{partition}}' }] });
  l.add({ title: 'Leaders per node', description: 'Groups (the meta group included) each node leads.', type: 'timeseries', w: 12, stack: true, queries: [{ expr: `sum by (node) (herald_raft_is_leader{${N}, ${T}})`, legend: 'node {{node}}' }] });
  l.add({
    title: 'Commit progress',
    description: 'Entries committed and applied per second, by node.',
    type: 'timeseries',
    unit: 'ops',
    w: 12,
    queries: [
      { expr: `sum by (node) (deriv(herald_raft_commit_index{${N}, ${T}}[${RI}]))`, legend: 'committed (node {{node}})' },
      { expr: `sum by (node) (deriv(herald_raft_applied_index{${N}, ${T}}[${RI}]))`, legend: 'applied (node {{node}})' },
    ],
  });
  l.add({ title: 'Apply backlog', description: 'Entries committed but not yet applied, worst group per node.', type: 'timeseries', w: 12, queries: [{ expr: `max by (node) (herald_raft_commit_index{${N}, ${T}} - herald_raft_applied_index{${N}, ${T}})`, legend: 'node {{node}}' }] });
  l.add({ title: 'Follower lag', description: 'Entries each follower is behind its leader (reported by leaders), worst group per follower.', type: 'timeseries', w: 12, queries: [{ expr: `max by (follower) (herald_raft_follower_lag_entries{${N}, ${T}})`, legend: 'follower {{follower}}' }] });
  l.add({
    title: 'Append latency',
    description: 'From proposal to the acks level: leader = durable in the leader log, quorum = committed by a majority, all = on every ISR member.',
    type: 'timeseries',
    unit: 's',
    w: 12,
    queries: [
      { expr: `histogram_quantile(0.5, sum by (le, acks) (rate(herald_raft_append_duration_seconds_bucket{${N}}[${RI}])))`, legend: 'p50 {{acks}}' },
      { expr: `histogram_quantile(0.99, sum by (le, acks) (rate(herald_raft_append_duration_seconds_bucket{${N}}[${RI}])))`, legend: 'p99 {{acks}}' },
    ],
  });
  l.add({ title: 'Snapshots sent', description: 'Snapshots leaders sent to followers too far behind, per interval.', type: 'timeseries', w: 8, queries: [{ expr: `sum by (node) (increase(herald_raft_snapshots_sent_total{${N}, ${T}}[${RI}]))`, legend: 'node {{node}}' }] });
  l.add({ title: 'Peer messages sent', description: 'Raft messages sent to peers per second (one frame per peer per turn carries many).', type: 'timeseries', unit: 'ops', w: 8, queries: [{ expr: `sum by (node) (rate(herald_peer_messages_sent_total{${N}}[${RI}]))`, legend: 'node {{node}}' }] });
  l.add({
    title: 'Groups per host turn',
    description: 'Raft groups with work in one host turn (one storage write, one frame per peer): the group-commit batching.',
    type: 'timeseries',
    w: 8,
    queries: [{ expr: `sum by (node) (rate(herald_host_turn_groups_sum{${N}}[${RI}])) / sum by (node) (rate(herald_host_turn_groups_count{${N}}[${RI}]))`, legend: 'node {{node}}' }],
  });
  return dashboard('herald-raft', 'Herald / Raft', 'Terms, elections, commit and apply progress, follower lag and append latency of every raft group.', [nodeVariable(), topicVariable()], l);
}

function throughput(): Dashboard {
  const l = new Layout();
  l.row('Produce');
  l.add({ title: 'Records produced', description: 'Records accepted by partition leaders per second, by topic.', type: 'timeseries', unit: 'ops', w: 8, stack: true, queries: [{ expr: `sum by (topic) (rate(herald_produce_records_total{${N}, ${T}}[${RI}]))`, legend: '{{topic}}' }] });
  l.add({ title: 'Bytes produced', description: 'Record-batch bytes accepted per second, by topic.', type: 'timeseries', unit: 'Bps', w: 8, stack: true, queries: [{ expr: `sum by (topic) (rate(herald_produce_bytes_total{${N}, ${T}}[${RI}]))`, legend: '{{topic}}' }] });
  l.add({
    title: 'Produce batch size',
    description: 'Median records and bytes per produced batch.',
    type: 'timeseries',
    w: 8,
    queries: [
      { expr: `histogram_quantile(0.5, sum by (le) (rate(herald_produce_batch_records_bucket{${N}}[${RI}])))`, legend: 'p50 records' },
      { expr: `histogram_quantile(0.5, sum by (le) (rate(herald_produce_batch_bytes_bucket{${N}}[${RI}])))`, legend: 'p50 bytes' },
    ],
  });
  l.row('Consume');
  l.add({ title: 'Records fetched', description: 'Records served to consumers (Fetch and Subscribe) per second, by topic.', type: 'timeseries', unit: 'ops', w: 8, stack: true, queries: [{ expr: `sum by (topic) (rate(herald_fetch_records_total{${N}, ${T}}[${RI}]))`, legend: '{{topic}}' }] });
  l.add({ title: 'Bytes fetched', description: 'Record-batch bytes served per second, by topic.', type: 'timeseries', unit: 'Bps', w: 8, stack: true, queries: [{ expr: `sum by (topic) (rate(herald_fetch_bytes_total{${N}, ${T}}[${RI}]))`, legend: '{{topic}}' }] });
  l.add({ title: 'Open subscriptions', description: 'Subscribe streams open, by node.', type: 'timeseries', w: 8, queries: [{ expr: `sum by (node) (herald_subscriptions_open{${N}})`, legend: 'node {{node}}' }] });
  l.row('Requests');
  l.add({ title: 'Requests by method and code', description: 'Client API requests per second by method and gRPC status code.', type: 'timeseries', unit: 'reqps', w: 12, queries: [{ expr: `sum by (method, code) (rate(herald_requests_total{${N}}[${RI}]))`, legend: '{{method}} {{code}}' }] });
  l.add({
    title: 'Produce error ratio',
    description: 'Share of produce requests answered with an error (any code but OK).',
    type: 'timeseries',
    unit: 'percentunit',
    w: 12,
    queries: [{ expr: `(sum(rate(herald_requests_total{${N}, method=~"Produce|ProduceStream", code!="OK"}[${RI}])) or vector(0)) / sum(rate(herald_requests_total{${N}, method=~"Produce|ProduceStream"}[${RI}]))`, legend: 'errors' }],
  });
  l.add({
    title: 'Request latency p50',
    description: 'Median request latency by method (produce: until acknowledged at its acks level).',
    type: 'timeseries',
    unit: 's',
    w: 12,
    queries: [{ expr: `histogram_quantile(0.5, sum by (le, method) (rate(herald_request_duration_seconds_bucket{${N}}[${RI}])))`, legend: '{{method}}' }],
  });
  l.add({
    title: 'Request latency p99',
    description: '99th percentile request latency by method.',
    type: 'timeseries',
    unit: 's',
    w: 12,
    queries: [{ expr: `histogram_quantile(0.99, sum by (le, method) (rate(herald_request_duration_seconds_bucket{${N}}[${RI}])))`, legend: '{{method}}' }],
  });
  l.row('Storage');
  l.add({
    title: 'fsync latency',
    description: 'Synced storage writes (one per host turn for every group): p50 and p99 by node.',
    type: 'timeseries',
    unit: 's',
    w: 8,
    queries: [
      { expr: `histogram_quantile(0.5, sum by (le, node) (rate(herald_storage_sync_duration_seconds_bucket{${N}}[${RI}])))`, legend: 'p50 node {{node}}' },
      { expr: `histogram_quantile(0.99, sum by (le, node) (rate(herald_storage_sync_duration_seconds_bucket{${N}}[${RI}])))`, legend: 'p99 node {{node}}' },
    ],
  });
  l.add({
    title: 'Storage writes',
    description: 'Bytes written to the node store per second, and the median write batch.',
    type: 'timeseries',
    unit: 'bytes',
    w: 8,
    queries: [
      { expr: `sum by (node) (rate(herald_storage_write_bytes_total{${N}}[${RI}]))`, legend: 'bytes/s node {{node}}' },
      { expr: `histogram_quantile(0.5, sum by (le, node) (rate(herald_storage_write_batch_bytes_bucket{${N}}[${RI}])))`, legend: 'p50 batch node {{node}}' },
    ],
  });
  l.add({ title: 'Log size per partition', description: 'Bytes of committed record batches per partition (largest replica).', type: 'timeseries', unit: 'bytes', w: 8, queries: [{ expr: `max by (topic, partition) (herald_partition_log_bytes{${N}, ${T}})`, legend: '{{topic}}/{{partition}}' }] });
  return dashboard('herald-throughput', 'Herald / Throughput and latency', 'Produce and fetch rates, bytes, request latency and errors, storage writes and fsync latency.', [nodeVariable(), topicVariable()], l);
}

function consumerGroups(): Dashboard {
  const l = new Layout();
  const G = 'group=~"$group"';
  // The lag series come from the controller only (one source per series), hence no node filter.
  l.add({ title: 'Lag in records', description: 'Records between each group committed offset and the high watermark, summed over partitions.', type: 'timeseries', w: 12, queries: [{ expr: `sum by (group, topic) (herald_consumer_group_lag_records{${G}, ${T}})`, legend: '{{group}} on {{topic}}' }] });
  l.add({ title: 'Lag in seconds', description: 'Age of the oldest record each group has not consumed (worst partition).', type: 'timeseries', unit: 's', w: 12, queries: [{ expr: `max by (group, topic) (herald_consumer_group_lag_seconds{${G}, ${T}})`, legend: '{{group}} on {{topic}}' }] });
  l.add({
    title: 'Lag per partition',
    description: 'Every group, topic and partition: lag in records and in seconds.',
    type: 'table',
    w: 24,
    h: 9,
    queries: [
      { expr: `max by (group, topic, partition) (herald_consumer_group_lag_records{${G}, ${T}})`, legend: 'records' },
      { expr: `max by (group, topic, partition) (herald_consumer_group_lag_seconds{${G}, ${T}})`, legend: 'seconds' },
    ],
  });
  l.add({
    title: 'Produced and consumed',
    description: 'Records produced and fetched per second, by topic: consumption that falls behind production grows the lag.',
    type: 'timeseries',
    unit: 'ops',
    w: 12,
    queries: [
      { expr: `sum by (topic) (rate(herald_produce_records_total{${N}, ${T}}[${RI}]))`, legend: 'produced {{topic}}' },
      { expr: `sum by (topic) (rate(herald_fetch_records_total{${N}, ${T}}[${RI}]))`, legend: 'fetched {{topic}}' },
    ],
  });
  l.add({ title: 'High watermark', description: 'Next committed offset of each partition (the end consumers chase).', type: 'timeseries', w: 12, queries: [{ expr: `max by (topic, partition) (herald_partition_high_watermark{${T}})`, legend: '{{topic}}/{{partition}}' }] });
  return dashboard(
    'herald-consumer-groups',
    'Herald / Consumer groups',
    'Consumer lag per group, topic and partition, in records and in seconds, next to production and consumption rates.',
    [nodeVariable(), topicVariable(), labelVariable('group', 'Group', 'herald_consumer_group_lag_records')],
    l,
  );
}

function nodeProcess(): Dashboard {
  const l = new Layout();
  l.add({
    title: 'Event loop lag',
    description: 'Event loop delay p50 and p99: raft ticks and heartbeats run late by this much.',
    type: 'timeseries',
    unit: 's',
    w: 12,
    queries: [
      { expr: `herald_nodejs_eventloop_lag_p50_seconds{${N}}`, legend: 'p50 node {{node}}' },
      { expr: `herald_nodejs_eventloop_lag_p99_seconds{${N}}`, legend: 'p99 node {{node}}' },
    ],
  });
  l.add({ title: 'CPU', description: 'CPU seconds used per second (1 = one core).', type: 'timeseries', unit: 'percentunit', w: 12, queries: [{ expr: `rate(herald_process_cpu_seconds_total{${N}}[${RI}])`, legend: 'node {{node}}' }] });
  l.add({
    title: 'Heap',
    description: 'V8 heap used and total, and resident memory.',
    type: 'timeseries',
    unit: 'bytes',
    w: 12,
    queries: [
      { expr: `herald_nodejs_heap_size_used_bytes{${N}}`, legend: 'heap used node {{node}}' },
      { expr: `herald_nodejs_heap_size_total_bytes{${N}}`, legend: 'heap total node {{node}}' },
      { expr: `herald_process_resident_memory_bytes{${N}}`, legend: 'resident node {{node}}' },
    ],
  });
  l.add({ title: 'GC time', description: 'Seconds spent in garbage collection per second, by kind.', type: 'timeseries', unit: 'percentunit', w: 12, queries: [{ expr: `sum by (node, kind) (rate(herald_nodejs_gc_duration_seconds_sum{${N}}[${RI}]))`, legend: '{{kind}} node {{node}}' }] });
  l.add({ title: 'Heap spaces', description: 'V8 heap used per space.', type: 'timeseries', unit: 'bytes', w: 12, stack: true, queries: [{ expr: `sum by (space) (herald_nodejs_heap_space_size_used_bytes{${N}})`, legend: '{{space}}' }] });
  l.add({
    title: 'Handles and file descriptors',
    description: 'Open file descriptors and active libuv handles.',
    type: 'timeseries',
    w: 12,
    queries: [
      { expr: `herald_process_open_fds{${N}}`, legend: 'fds node {{node}}' },
      { expr: `herald_nodejs_active_handles_total{${N}}`, legend: 'handles node {{node}}' },
    ],
  });
  l.add({ title: 'Build', description: 'Herald and Node.js versions per node.', type: 'table', w: 12, h: 6, queries: [{ expr: `herald_build_info{${N}}`, legend: 'build' }] });
  l.add({ title: 'Uptime', description: 'Seconds since each node process started.', type: 'stat', unit: 's', w: 12, h: 6, queries: [{ expr: `time() - herald_process_start_time_seconds{${N}}`, legend: 'node {{node}}' }] });
  return dashboard('herald-node-process', 'Herald / Node process', 'Event loop lag, CPU, heap, GC and handles of each Herald node process.', [nodeVariable()], l);
}

/** Every dashboard by its file name under deploy/grafana/dashboards/. */
export function buildDashboards(): Record<string, Dashboard> {
  return {
    'herald-overview.json': overview(),
    'herald-raft.json': raft(),
    'herald-throughput.json': throughput(),
    'herald-consumer-groups.json': consumerGroups(),
    'herald-node-process.json': nodeProcess(),
  };
}

/** The file text of a dashboard, as committed. */
export function dashboardText(d: Dashboard): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}

if (process.argv.includes('--write')) {
  const { writeFileSync, mkdirSync } = await import('node:fs');
  const dir = new URL('../../deploy/grafana/dashboards/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  for (const [file, d] of Object.entries(buildDashboards())) {
    writeFileSync(new URL(file, dir), dashboardText(d));
    console.log(`wrote deploy/grafana/dashboards/${file}`);
  }
}
