// Shows that Herald's Prometheus rules and Grafana dashboards work against a real cluster and a
// real Prometheus: every expression parses, every dashboard query returns data, the
// leader-change and under-replicated alerts fire when a node stops and clear when it returns,
// and the consumer lag alerts fire for a group far behind, whose lag only the controller exports.
// Method: three in-process nodes of a secure cluster (TestCluster) and Debian's prometheus
// scraping them over TLS every second with the rules of deploy/prometheus/alerts.yml in compressed time (durations / 30);
// a produce/fetch/subscribe workload, a consumer group that committed an offset far below the
// high watermark of an old backlog, a leadership transfer, one node stopped and restarted.
// Needs prometheus and promtool (scripts/lib/ensure-prometheus.sh): skipped without them
// locally, failed without them in CI.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeraldClient } from '@herald/client';
import { encodeBatch, type RecordInput } from '@herald/protocol';
import type * as grpc from '@grpc/grpc-js';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, TestCluster } from '../support/cluster.js';
import { testCertificates } from '../support/pki.js';
import { freePorts } from '../support/ports.js';
import { waitFor } from '../support/wait-for.js';
import { dashboardQueries, interpolate, labelVariables, loadDashboards } from './dashboard-queries.js';
import { compressRules, findBinary, loadAlertRules, PROMETHEUS_DIR, PrometheusServer, promtool, testConfig, type ActiveAlert } from './prometheus.js';

const missing = ['prometheus', 'promtool'].filter((name) => findBinary(name) === undefined);
const inCi = process.env.CI === 'true';
const MISSING = `${missing.join(' and ')} not found on PATH; run scripts/lib/ensure-prometheus.sh (installs Debian's prometheus package)`;
if (missing.length > 0 && !inCi) console.warn(`test/observability/prometheus.test.ts skipped: ${MISSING}`);

/** Production durations divided by this in the test's copy of the rules. */
const TIME_COMPRESSION = 30;
/** What $__rate_interval stands for in the test: four 1 s scrapes. */
const RATE_INTERVAL_SECONDS = 4;
const TOPIC = 'orders';
const PARTITIONS = 3;
/** The lagging group: it committed BACKLOG_COMMITTED of BACKLOG_TOPIC's BACKLOG_RECORDS records,
 *  all BACKLOG_AGE_MS old, so that both consumer lag alerts (more than 100,000 records, oldest
 *  unconsumed record older than 300 s) hold. */
const BACKLOG_TOPIC = 'backlog';
const BACKLOG_GROUP = 'billing';
const BACKLOG_RECORDS = 100_020;
const BACKLOG_COMMITTED = 4;
const BACKLOG_AGE_MS = 600_000;

it.runIf(missing.length > 0 && inCi)('has prometheus and promtool installed (CI)', () => {
  expect.fail(MISSING);
});

describe.skipIf(missing.length > 0)('promtool', () => {
  it('checks the configurations and the rules, and passes the rule unit tests', () => {
    for (const args of [
      ['check', 'config', join(PROMETHEUS_DIR, 'prometheus.yml')],
      ['check', 'config', join(PROMETHEUS_DIR, 'prometheus.compose.yml')],
      ['check', 'rules', join(PROMETHEUS_DIR, 'alerts.yml')],
      ['test', 'rules', join(PROMETHEUS_DIR, 'alerts.test.yml')],
    ]) {
      const { status, output } = promtool(args);
      expect(status, `promtool ${args.join(' ')}:\n${output}`).toBe(0);
    }
  });
});

describe.skipIf(missing.length > 0)('a real Prometheus scraping a real cluster', () => {
  let cluster: TestCluster | undefined;
  let prometheus: PrometheusServer | undefined;
  let dir: string;
  let startedSeconds: number;
  const metricsPorts = new Map<number, number>();
  let stopWorkload: (() => Promise<void>) | undefined;
  let client: HeraldClient | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-prometheus-'));
    startedSeconds = Date.now() / 1000;
    // A short lag bound, so that a stopped follower leaves the ISR within a second.
    // A lag refresh per scrape interval, so that the lag gauges follow the controller promptly.
    cluster = await TestCluster.start({ secure: true, overrides: { raft: { replicaLagTimeMaxMs: 1_000 }, groups: { lagRefreshMs: 1_000 } } });
    for (const id of [1, 2, 3]) metricsPorts.set(id, cluster.node(id).metricsPort);
    const rules = stringify(compressRules(loadAlertRules(), TIME_COMPRESSION, RATE_INTERVAL_SECONDS));
    const [port] = await freePorts(1);
    // Scraped over TLS, as deploy/prometheus/prometheus.yml scrapes a secure cluster.
    const configText = testConfig(metricsPorts, join(dir, 'alerts.test-compressed.yml'), (await testCertificates()).ca.cert);
    writeFileSync(join(dir, 'alerts.test-compressed.yml'), rules);
    writeFileSync(join(dir, 'prometheus.yml'), configText);
    const checked = promtool(['check', 'config', join(dir, 'prometheus.yml')]);
    expect(checked.status, checked.output).toBe(0);
    prometheus = await PrometheusServer.start({ dir, port: port!, configText });
    await cluster.createTopic(TOPIC, PARTITIONS);
    client = new HeraldClient({ brokers: cluster.peers.map((peer) => `127.0.0.1:${peer.clientPort}`), tls: cluster.clientTls! });
    await createBacklog(cluster, client);
    stopWorkload = startWorkload(cluster);
  });

  afterAll(async () => {
    await stopWorkload?.();
    await client?.close();
    await prometheus?.stop();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fires the leader-change and under-replicated alerts while a node is down, and clears them after it returns', async () => {
    const c = cluster!;
    const p = prometheus!;
    await waitFor(async () => (await p.targets()).filter((t) => t.health === 'up').length === 3, { timeoutMs: 10_000, what: 'prometheus scraping all three nodes' });
    // A leadership transfer: the workload goes on at the new leader.
    const leader = await c.leaderOf(TOPIC, 0);
    const to = [1, 2, 3].find((id) => id !== leader)!;
    await call(c.client(leader).admin, 'transferLeadership', { topic: TOPIC, partition: 0, toNodeId: to });
    // Let the leader-change window of the compressed rules (10 s) pass, so that the alert below
    // is caused by the stop.
    await waitFor(async () => (await p.alerts()).every((a) => a.labels.alertname !== 'HeraldLeaderChanged'), { timeoutMs: 20_000, what: 'no leader change alert before the stop', intervalMs: 250 });

    // Stop a node that leads a partition (so leadership must move), not node 1 (it holds the
    // workload's Subscribe stream).
    let victim = 0;
    for (let partition = 0; partition < PARTITIONS && victim === 0; partition++) {
      const id = await c.leaderOf(TOPIC, partition);
      if (id !== 1) victim = id;
    }
    expect(victim, 'a partition led by node 2 or 3').not.toBe(0);
    const stoppedSeconds = Date.now() / 1000;
    await c.stopNode(victim);
    // Pending first (under-replicated waits its `for:`), then firing; the stopped node is down.
    const firing = new Map<string, ActiveAlert>();
    const expected = ['HeraldLeaderChanged', 'HeraldUnderReplicatedPartitions', 'HeraldNodeDown'];
    await waitFor(
      async () => {
        for (const a of await p.alerts()) if (a.state === 'firing' && !firing.has(a.labels.alertname!)) firing.set(a.labels.alertname!, a);
        return expected.every((name) => firing.has(name));
      },
      { timeoutMs: 20_000, what: `${expected.join(', ')} firing`, intervalMs: 250 },
    );
    expect(firing.get('HeraldNodeDown')!.labels.node).toBe(String(victim));

    const restartedSeconds = Date.now() / 1000;
    await c.startNode(victim);
    let active: ActiveAlert[] = [];
    const cleared = await waitFor(
      async () => {
        active = await p.alerts();
        return expected.every((name) => !active.some((a) => a.labels.alertname === name)) ? Date.now() / 1000 : undefined;
      },
      { timeoutMs: 45_000, what: `${expected.join(', ')} to clear after the node returned`, intervalMs: 250 },
    ).catch((err: Error) => {
      throw new Error(`${err.message}; still active: ${JSON.stringify(active.map((a) => ({ ...a.labels, state: a.state, value: a.value, activeAt: a.activeAt })))}`);
    });

    // The measured scrape: the cluster-wide under-replicated count over the episode.
    const range = await p.queryRange('sum(herald_partitions_under_replicated)', Math.floor(stoppedSeconds) - 2, Math.ceil(cleared), 1);
    const values = range.data.result[0]!.values!.map(([t, v]) => [t, Number(v)] as const);
    const transitions = values.filter(([, v], i) => i === 0 || v !== values[i - 1]![1]);
    console.log(
      [
        `node ${victim} stopped at ${iso(stoppedSeconds)}, restarted at ${iso(restartedSeconds)}; alerts firing: ${[...firing.keys()].join(', ')}; cleared at ${iso(cleared)}`,
        'sum(herald_partitions_under_replicated), 1 s steps, at each change:',
        ...transitions.map(([t, v]) => `  ${iso(t)}  ${v}`),
      ].join('\n'),
    );
    expect(Math.max(...values.map(([, v]) => v))).toBeGreaterThan(0);
    expect(values[values.length - 1]![1]).toBe(0);
  });

  it('fires the consumer lag alerts for a group far behind, with its lag exported by the controller alone', async () => {
    const c = cluster!;
    const p = prometheus!;
    const lagRecords = BACKLOG_RECORDS - BACKLOG_COMMITTED;
    // The controller's own scrape: the exact lag of the committed offset.
    const controller = await c.controller();
    const labels = `group="${BACKLOG_GROUP}",topic="${BACKLOG_TOPIC}",partition="0",node="${controller}"`;
    const scraped = await waitFor(
      async () => {
        const text = await scrapeOverTls(metricsPorts.get(controller)!, c.clientTls!.ca);
        const lines = text.split('\n').filter((l) => l.startsWith('herald_consumer_group_lag_') && l.includes(`group="${BACKLOG_GROUP}"`));
        return lines.includes(`herald_consumer_group_lag_records{${labels}} ${lagRecords}`) ? lines : undefined;
      },
      { timeoutMs: 10_000, what: `herald_consumer_group_lag_records ${lagRecords} in node ${controller}'s scrape`, intervalMs: 250 },
    );
    // Through Prometheus: one series per partition, from whichever node is the controller now.
    const series = await waitFor(
      async () => {
        const res = await p.query(`herald_consumer_group_lag_records{group="${BACKLOG_GROUP}"}`);
        const now = await c.controller();
        return res.data.result.length === 1 && res.data.result[0]!.metric.node === String(now) ? res.data.result[0]! : undefined;
      },
      { timeoutMs: 10_000, what: `one ${BACKLOG_GROUP} lag series in Prometheus, from the controller`, intervalMs: 250 },
    );
    expect(Number(series.value![1])).toBe(lagRecords);

    // Every consumer alert's expression has data, and each alert fires (its `for:` compressed).
    const consumerRules = loadAlertRules().groups.find((g) => g.name === 'herald-consumers')!.rules;
    expect(consumerRules.map((r) => r.alert).sort()).toEqual(['HeraldConsumerLagRecordsHigh', 'HeraldConsumerLagSecondsHigh']);
    for (const r of consumerRules) {
      const res = await p.query(r.expr);
      expect(res.data.result.map((s) => s.metric), `${r.alert}: ${r.expr}`).toEqual([{ job: 'herald', group: BACKLOG_GROUP, topic: BACKLOG_TOPIC }]);
    }
    let active: ActiveAlert[] = [];
    await waitFor(
      async () => {
        active = (await p.alerts()).filter((a) => a.labels.alertname?.startsWith('HeraldConsumerLag') === true);
        return consumerRules.every((r) => active.some((a) => a.labels.alertname === r.alert && a.state === 'firing' && a.labels.group === BACKLOG_GROUP));
      },
      { timeoutMs: 45_000, what: 'HeraldConsumerLagRecordsHigh and HeraldConsumerLagSecondsHigh firing', intervalMs: 250 },
    ).catch((err: Error) => {
      throw new Error(`${err.message}; active: ${JSON.stringify(active.map((a) => ({ ...a.labels, state: a.state, value: a.value })))}`);
    });
    console.log(
      [
        `node ${controller} (controller) scrape, group ${BACKLOG_GROUP} committed ${BACKLOG_COMMITTED} of ${BACKLOG_RECORDS} records stamped ${BACKLOG_AGE_MS / 1000} s ago:`,
        ...scraped.map((l) => `  ${l}`),
        `alerts firing: ${active.map((a) => `${a.labels.alertname} (value ${a.value})`).join(', ')}`,
      ].join('\n'),
    );
  });

  it('parses every alert rule and every dashboard expression', async () => {
    const p = prometheus!;
    const exprs = [
      ...loadAlertRules().groups.flatMap((g) => g.rules.map((r) => ({ where: `alerts.yml: ${r.alert ?? r.record}`, expr: r.expr }))),
      ...dashboardQueries(loadDashboards()).map((q) => ({ where: q.where, expr: interpolate(q.expr, RATE_INTERVAL_SECONDS) })),
    ];
    expect(exprs.length).toBeGreaterThan(50);
    const failures: string[] = [];
    for (const { where, expr } of exprs) {
      const res = await p.query(expr);
      if (res.status !== 'success') failures.push(`${where}: ${res.errorType}: ${res.error}\n    ${expr}`);
    }
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('answers every dashboard query and variable with data', async () => {
    const p = prometheus!;
    const files = loadDashboards();
    const end = Date.now() / 1000;
    const empty: string[] = [];
    let checked = 0;
    for (const { where, expr } of dashboardQueries(files)) {
      const res = await p.queryRange(interpolate(expr, RATE_INTERVAL_SECONDS), startedSeconds, end, 1);
      checked++;
      const hasData = res.status === 'success' && res.data.result.some((s) => (s.values ?? []).some(([, v]) => !Number.isNaN(Number(v))));
      if (!hasData) empty.push(`${where}: ${expr}`);
    }
    for (const v of labelVariables(files)) {
      const res = await p.labelValues(v.label, v.metric);
      checked++;
      if (res.status !== 'success' || res.data.length === 0) empty.push(`${v.where}: label_values(${v.metric}, ${v.label})`);
    }
    expect(checked).toBeGreaterThan(50);
    expect(empty, `queries without data:\n${empty.join('\n')}`).toEqual([]);
  });
});

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(11, 23);
}

/**
 * The lagging consumer group: BACKLOG_RECORDS records stamped BACKLOG_AGE_MS ago on one
 * partition (raw produce in batches of at most 25,005 records, about 240 KB, under the default
 * max.message.bytes), then the group's offset committed at BACKLOG_COMMITTED with HeraldClient
 * (a standalone commit: the group has no members).
 */
/** A node's /metrics over HTTPS, trusting the cluster CA. */
function scrapeOverTls(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port, path: '/metrics', ca }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`HTTP ${res.statusCode}`))));
      })
      .on('error', reject);
  });
}

async function createBacklog(cluster: TestCluster, client: HeraldClient): Promise<void> {
  await cluster.createTopic(BACKLOG_TOPIC, 1);
  const stampedMs = Date.now() - BACKLOG_AGE_MS;
  const leader = await cluster.leaderOf(BACKLOG_TOPIC, 0);
  for (let produced = 0; produced < BACKLOG_RECORDS; ) {
    const count = Math.min(25_005, BACKLOG_RECORDS - produced);
    const batch = await encodeBatch(Array.from({ length: count }, () => ({ key: null, value: Buffer.from('x'), timestampMs: stampedMs })));
    await call(cluster.client(leader).produce, 'produce', { topic: BACKLOG_TOPIC, partition: 0, acks: 'ACKS_QUORUM', batch });
    produced += count;
  }
  await client.groups.commit(BACKLOG_GROUP, [{ topic: BACKLOG_TOPIC, partition: 0, offset: BACKLOG_COMMITTED }]);
}

const records = (n: number): RecordInput[] => Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`value ${i}`), timestampMs: Date.now() }));

/**
 * Produces (acks LEADER, QUORUM and ALL in turn) and fetches on every partition until stopped,
 * through whichever node leads, and keeps one Subscribe stream open on node 1. Refusals while a
 * node is down are expected and only counted (by the broker's own metrics).
 */
function startWorkload(cluster: TestCluster): () => Promise<void> {
  let running = true;
  const acks = ['ACKS_LEADER', 'ACKS_QUORUM', 'ACKS_ALL'];
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const partition = i % PARTITIONS;
      try {
        const leader = await cluster.leaderOf(TOPIC, partition, 2_000);
        await call(cluster.client(leader).produce, 'produce', { topic: TOPIC, partition, acks: acks[i % acks.length], batch: await encodeBatch(records(1 + (i % 8))) }, 3_000);
        await call(cluster.client(leader).consume, 'fetch', { topic: TOPIC, partition, offset: 0, maxBytes: 16_384 }, 3_000);
      } catch {
        // a node is down or leadership moved: the next round goes to the new leader
      }
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
  })();
  const stream = cluster.client(1).consume.subscribe({ topic: TOPIC, partition: 0, startPosition: 'START_POSITION_EARLIEST' }) as grpc.ClientReadableStream<unknown>;
  stream.on('data', () => {});
  stream.on('error', () => {});
  return async () => {
    running = false;
    stream.cancel();
    await loop;
  };
}
