// Shows what a node's metrics registry and metrics port promise: every group's status is read
// once per scrape whatever the number of gauges, counters by group start at 0, labels stay
// bounded, the consumer-lag gauges stay empty until consumer groups exist, every metric is in
// docs/metrics.md, and /healthz, /readyz and /metrics answer as documented.
// Method: NodeMetrics over fake groups (no cluster), and MetricsServer on a free port.
import { readFileSync } from 'node:fs';
import { Role, type RaftStatus } from '@herald/raft';
import { afterAll, describe, expect, it } from 'vitest';
import { MetricsServer } from '../../packages/broker/src/metrics/http.js';
import { NodeMetrics, type GroupView } from '../../packages/broker/src/metrics/metrics.js';

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

  it('starts counters by group at 0, and leaves the consumer-lag gauges empty (TODO(#6))', async () => {
    const metrics = new NodeMetrics(2, '0.1.0', () => fakeGroups(2).views);
    metrics.onRaftEvents('p.1.1', { topic: 'orders', partition: 1 }, [{ type: 'RoleChanged', role: Role.Follower, term: 4, leaderId: 3 }]);
    const text = await metrics.registry.metrics();
    expect(valueOf(text, 'herald_raft_leader_changes_total{group="p.1.0",topic="orders",partition="0",node="2"}')).toBe(0);
    expect(valueOf(text, 'herald_raft_leader_changes_total{group="p.1.1",topic="orders",partition="1",node="2"}')).toBe(1);
    expect(valueOf(text, 'herald_isr_shrinks_total{topic="orders",partition="1",node="2"}')).toBe(0);
    expect(text).not.toMatch(/^herald_consumer_group_lag_(records|seconds)\{/m);
  });

  it('keeps labels bounded: no label takes a value per record, request or offset', async () => {
    const metrics = new NodeMetrics(1, '0.1.0', () => fakeGroups(3).views);
    const allowed = new Set(['node', 'group', 'topic', 'partition', 'follower', 'method', 'code', 'acks', 'le', 'version', 'node_version', 'kind', 'space', 'type', 'major', 'minor', 'patch']);
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
