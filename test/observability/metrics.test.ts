// Shows what a node's metrics registry and metrics port promise: every group's status is read
// once per scrape whatever the number of gauges, counters by group start at 0, labels stay
// bounded, the consumer-lag gauges report exactly what the coordinator's lag holds at each
// scrape (nothing stale), every metric is in docs/metrics.md, /healthz, /readyz and /metrics
// answer as documented, and on a real cluster the controller alone exports a group's lag.
// Method: NodeMetrics over fake groups and a fake lag source (no cluster), MetricsServer on a
// free port, and three in-process nodes (TestCluster) scraped over HTTP.
import { readFileSync } from 'node:fs';
import { HeraldClient } from '@herald/client';
import { Role, type RaftStatus } from '@herald/raft';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupLag } from '../../packages/broker/src/consumer-groups/coordinator.js';
import { MetricsServer } from '../../packages/broker/src/metrics/http.js';
import { NodeMetrics, type GroupView } from '../../packages/broker/src/metrics/metrics.js';
import { TestCluster } from '../support/cluster.js';
import { waitFor } from '../support/wait-for.js';

function status(id: number, role: Role, voters: number[], isr: number[]): RaftStatus {
  return {
    id,
    role,
    term: 3,
    vote: id,
    leaderId: role === Role.Leader ? id : voters[0]!,
    commitIndex: 90,
    appliedIndex: 88,
    firstIndex: 1,
    lastIndex: 100,
    snapshotIndex: 0,
    membership: { voters, learners: [] },
    progress: role === Role.Leader ? voters.map((v) => ({ id: v, matchIndex: v === id ? 100 : 95 })) : [],
    isr: role === Role.Leader ? isr : [],
    transferee: 0,
  } as unknown as RaftStatus;
}

/** `partitions` partition groups on node 1 (it leads every third, one of them under-replicated) and the meta group. */
function fakeGroups(partitions: number): { views: GroupView[]; reads: () => number } {
  let reads = 0;
  const views: GroupView[] = [{ id: 'meta', status: () => (reads++, status(1, Role.Leader, [1, 2, 3], [1, 2, 3])) }];
  for (let p = 0; p < partitions; p++) {
    const leads = p % 3 === 0;
    const isr = p === 0 ? [1, 2] : [1, 2, 3];
    views.push({ id: `p.1.${p}`, topic: 'orders', partition: p, minInsyncReplicas: 2, highWatermark: 10 * p, logBytes: 1000 * p, status: () => (reads++, status(1, leads ? Role.Leader : Role.Follower, [1, 2, 3], isr)) });
  }
  return { views, reads: () => reads };
}

const valueOf = (text: string, series: string) => Number(text.split('\n').find((l) => l.startsWith(`${series} `))?.split(' ')[1]);

describe('NodeMetrics', () => {
  it('reads each group status once per scrape and derives the partition gauges from it', async () => {
    const groups = fakeGroups(6);
    const metrics = new NodeMetrics(1, '0.1.0', () => groups.views);
    const text = await metrics.registry.metrics();
    expect(groups.reads()).toBe(7);
    expect(valueOf(text, 'herald_partitions_led{node="1"}')).toBe(2);
    expect(valueOf(text, 'herald_partitions_under_replicated{node="1"}')).toBe(1);
    expect(valueOf(text, 'herald_partitions_under_min_isr{node="1"}')).toBe(0);
    expect(valueOf(text, 'herald_partition_isr_size{topic="orders",partition="0",node="1"}')).toBe(2);
    expect(valueOf(text, 'herald_partition_log_bytes{topic="orders",partition="5",node="1"}')).toBe(5000);
    expect(valueOf(text, 'herald_raft_follower_lag_entries{group="p.1.3",topic="orders",partition="3",follower="2",node="1"}')).toBe(5);
    expect(valueOf(text, 'herald_raft_is_leader{group="meta",node="1"}')).toBe(1);
    // A second scrape reads again: nothing is cached across scrapes.
    await new Promise((resolve) => setImmediate(resolve));
    await metrics.registry.metrics();
    expect(groups.reads()).toBe(14);
  });

  it('starts counters by group at 0, and has no consumer-lag series without a lag source', async () => {
    const metrics = new NodeMetrics(2, '0.1.0', () => fakeGroups(2).views);
    metrics.onRaftEvents('p.1.1', { topic: 'orders', partition: 1 }, [{ type: 'RoleChanged', role: Role.Follower, term: 4, leaderId: 3 }]);
    const text = await metrics.registry.metrics();
    expect(valueOf(text, 'herald_raft_leader_changes_total{group="p.1.0",topic="orders",partition="0",node="2"}')).toBe(0);
    expect(valueOf(text, 'herald_raft_leader_changes_total{group="p.1.1",topic="orders",partition="1",node="2"}')).toBe(1);
    expect(valueOf(text, 'herald_isr_shrinks_total{topic="orders",partition="1",node="2"}')).toBe(0);
    expect(text).not.toMatch(/^herald_consumer_group_lag_(records|seconds)\{/m);
  });

  it('reports the consumer lag the source holds at each scrape, dropping series it no longer holds', async () => {
    let lag: GroupLag[] = [
      { group: 'billing', topic: 'orders', partition: 0, records: 6, seconds: 61.5 },
      { group: 'billing', topic: 'orders', partition: 1, records: 0, seconds: 0 },
      { group: 'audit', topic: 'orders', partition: 0, records: 42, seconds: 3 },
    ];
    const metrics = new NodeMetrics(1, '0.1.0', () => fakeGroups(2).views, () => lag);
    let text = await metrics.registry.metrics();
    expect(valueOf(text, 'herald_consumer_group_lag_records{group="billing",topic="orders",partition="0",node="1"}')).toBe(6);
    expect(valueOf(text, 'herald_consumer_group_lag_seconds{group="billing",topic="orders",partition="0",node="1"}')).toBe(61.5);
    expect(valueOf(text, 'herald_consumer_group_lag_records{group="billing",topic="orders",partition="1",node="1"}')).toBe(0);
    expect(valueOf(text, 'herald_consumer_group_lag_records{group="audit",topic="orders",partition="0",node="1"}')).toBe(42);
    // The group "audit" was deleted: its series goes at the next scrape.
    lag = lag.filter((l) => l.group !== 'audit');
    await new Promise((resolve) => setImmediate(resolve));
    text = await metrics.registry.metrics();
    expect(text).not.toContain('group="audit"');
    expect(valueOf(text, 'herald_consumer_group_lag_records{group="billing",topic="orders",partition="0",node="1"}')).toBe(6);
    // The node is no longer the controller (the coordinator's lag() is empty): no series at all.
    lag = [];
    await new Promise((resolve) => setImmediate(resolve));
    text = await metrics.registry.metrics();
    expect(text).not.toMatch(/^herald_consumer_group_lag_(records|seconds)\{/m);
  });

  it('keeps labels bounded: no label takes a value per record, request or offset', async () => {
    const metrics = new NodeMetrics(1, '0.1.0', () => fakeGroups(3).views);
    const allowed = new Set(['node', 'group', 'topic', 'partition', 'follower', 'method', 'code', 'acks', 'le', 'version', 'node_version', 'kind', 'space', 'type', 'major', 'minor', 'patch', 'reason', 'principal']);
    for (const m of await metrics.registry.getMetricsAsJSON()) {
      for (const v of m.values) for (const label of Object.keys(v.labels)) expect(allowed, `${m.name} label ${label}`).toContain(label);
    }
  });

  // Reports the cost of a scrape (CPU time, so that a busy machine does not inflate it); like
  // the benchmarks, it never fails on time.
  it('reports the cost of scraping 300 and 3,000 partition groups', async () => {
    for (const partitions of [300, 3_000]) {
      const metrics = new NodeMetrics(1, '0.1.0', () => fakeGroups(partitions).views);
      const cpuMs: number[] = [];
      let text = '';
      for (let i = 0; i < 5; i++) {
        const before = process.cpuUsage();
        text = await metrics.registry.metrics();
        const used = process.cpuUsage(before);
        cpuMs.push((used.user + used.system) / 1000);
        await new Promise((resolve) => setImmediate(resolve));
      }
      const series = text.split('\n').filter((l) => l.startsWith('herald_')).length;
      console.log(`scrape of ${partitions} partition groups: ${series} series, ${(text.length / 1024).toFixed(0)} KiB, ${Math.min(...cpuMs).toFixed(1)} ms CPU (best of 5)`);
      expect(series).toBeGreaterThan(partitions * 10);
    }
  });

  it('is documented: every metric in docs/metrics.md', async () => {
    const docs = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8');
    const metrics = new NodeMetrics(1, '0.1.0', () => []);
    const missing = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name).filter((name) => !docs.includes(`\`${name}\``));
    expect(missing, 'metrics missing from docs/metrics.md').toEqual([]);
  });
});

describe('the metrics port', () => {
  let ready = false;
  const metrics = new NodeMetrics(1, '0.1.0', () => []);
  const server = new MetricsServer(metrics.registry, () => ready);
  afterAll(() => server.close());

  it('serves /metrics, /healthz and /readyz (503 until a controller is known), and refuses the rest', async () => {
    const port = await server.listen('127.0.0.1', 0);
    const get = (path: string, method = 'GET') => fetch(`http://127.0.0.1:${port}${path}`, { method });
    const scrape = await get('/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toContain('text/plain');
    expect(await scrape.text()).toContain('herald_build_info{version="0.1.0"');
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(503);
    ready = true;
    expect((await get('/readyz')).status).toBe(200);
    expect((await get('/nothing')).status).toBe(404);
    expect((await get('/metrics', 'POST')).status).toBe(405);
  });
});

// Shows that the lag gauges are fed end to end: produce 10 records, commit offset 4 as a group,
// and the controller's /metrics reports lag_records 6 (and the records' age as lag_seconds)
// while the other nodes report no series for the group.
// Method: three in-process nodes, the lag refreshed every 200 ms, HeraldClient's producer and
// groups.commit(), each node's metrics port scraped over HTTP until the value appears.
describe('the consumer lag gauges of a real cluster', () => {
  let cluster: TestCluster;
  let client: HeraldClient;

  beforeAll(async () => {
    cluster = await TestCluster.start({ overrides: { groups: { lagRefreshMs: 200 } } });
    client = new HeraldClient({ brokers: cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`) });
  });

  afterAll(async () => {
    await client?.close();
    await cluster?.stop();
  });

  it('exports records 6 for a group that committed offset 4 of 10, from the controller only', async () => {
    await cluster.createTopic('lagging', 1);
    const producedMs = Date.now() - 60_000;
    const producer = client.producer({ acks: 'quorum' });
    await Promise.all(Array.from({ length: 10 }, (_, i) => producer.send('lagging', { partition: 0, value: `r${i}`, timestampMs: producedMs + i })));
    await producer.close();
    await client.groups.commit('lag-check', [{ topic: 'lagging', partition: 0, offset: 4 }]);

    const scrape = async (id: number) => (await fetch(`http://127.0.0.1:${cluster.node(id).metricsPort}/metrics`)).text();
    const series = (metric: string, id: number) => `${metric}{group="lag-check",topic="lagging",partition="0",node="${id}"}`;
    const controller = await cluster.controller();
    const text = await waitFor(
      async () => {
        const t = await scrape(controller);
        return valueOf(t, series('herald_consumer_group_lag_records', controller)) === 6 ? t : undefined;
      },
      { timeoutMs: 10_000, what: `herald_consumer_group_lag_records 6 on the controller (node ${controller})`, intervalMs: 100 },
    );
    console.log(text.split('\n').filter((l) => l.startsWith('herald_consumer_group_lag_')).join('\n'));
    // The record at offset 4, the oldest not consumed, was stamped producedMs + 4.
    const seconds = valueOf(text, series('herald_consumer_group_lag_seconds', controller));
    expect(seconds).toBeGreaterThanOrEqual(60 - 0.004);
    expect(seconds).toBeLessThan(90);
    for (const id of [1, 2, 3].filter((n) => n !== controller)) {
      expect(await scrape(id), `node ${id} is not the controller`).not.toMatch(/^herald_consumer_group_lag_(records|seconds)\{/m);
    }
  });
});
