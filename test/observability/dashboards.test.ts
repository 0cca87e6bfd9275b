// Shows that the Grafana dashboards and provisioning in deploy/grafana/ are well-formed and are
// what grafana-dashboards.ts generates, and that every alert rule carries what an operator
// needs. Method: read the committed files and check their structure; no Grafana binary runs
// here (PromQL is checked against a real Prometheus in prometheus.test.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Panel } from '@grafana/schema';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { allPanels, loadDashboards } from './dashboard-queries.js';
import { buildDashboards, DATASOURCE, dashboardText } from './grafana-dashboards.js';
import { DEPLOY_DIR, loadAlertRules } from './prometheus.js';

const files = loadDashboards();

describe('Grafana dashboards', () => {
  it('are the generator output (regenerate: pnpm exec tsx test/observability/grafana-dashboards.ts --write)', () => {
    const generated = buildDashboards();
    expect(files.map((f) => f.file)).toEqual(Object.keys(generated).sort());
    for (const { file, text } of files) expect(text, file).toBe(dashboardText(generated[file]!));
  });

  it('cover the five views of the issue, with unique uids and titles', () => {
    const uids = files.map((f) => f.dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(new Set(files.map((f) => f.dashboard.title)).size).toBe(files.length);
    expect(uids.sort()).toEqual(['herald-consumer-groups', 'herald-node-process', 'herald-overview', 'herald-raft', 'herald-throughput']);
    for (const uid of uids) expect(uid!.length).toBeLessThanOrEqual(40); // Grafana's limit
  });

  it.each(files.map((f) => [f.file, f] as const))('%s: unique panel ids, a datasource on every target, panels inside the grid', (_file, { dashboard }) => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const panels = allPanels(dashboard);
    const ids = panels.map((p) => p.id);
    expect(ids.every((id) => typeof id === 'number')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      const where = `panel ${p.id} "${p.title}"`;
      expect(p.gridPos, where).toBeDefined();
      expect(p.gridPos!.x + p.gridPos!.w, where).toBeLessThanOrEqual(24);
      if (p.type === 'row') continue;
      const panel = p as Panel;
      expect(panel.datasource, where).toEqual(DATASOURCE);
      expect(panel.targets?.length, where).toBeGreaterThan(0);
      const refIds = panel.targets!.map((t) => t.refId);
      expect(new Set(refIds).size, where).toBe(refIds.length);
      for (const t of panel.targets!) {
        expect(t.datasource, `${where} target ${t.refId}`).toEqual(DATASOURCE);
        expect((t as { expr?: string }).expr, `${where} target ${t.refId}`).toMatch(/\S/);
      }
      expect(panel.description, where).toMatch(/\S/);
    }
    // No two panels overlap.
    const cells = new Set<string>();
    for (const p of panels) {
      for (let x = p.gridPos!.x; x < p.gridPos!.x + p.gridPos!.w; x++) {
        for (let y = p.gridPos!.y; y < p.gridPos!.y + p.gridPos!.h; y++) {
          const cell = `${x},${y}`;
          expect(cells.has(cell), `panel ${p.id} overlaps at ${cell}`).toBe(false);
          cells.add(cell);
        }
      }
    }
  });

  it.each(files.map((f) => [f.file, f] as const))('%s: datasource and node variables, and leader changes as annotations', (_file, { dashboard }) => {
    const variables = dashboard.templating?.list ?? [];
    expect(variables[0]).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
    expect(variables.map((v) => v.name)).toContain('node');
    if (dashboard.uid !== 'herald-node-process') expect(variables.map((v) => v.name)).toContain('topic');
    for (const v of variables.filter((v) => v.type === 'query')) expect(v.datasource, v.name).toEqual(DATASOURCE);
    const annotation = dashboard.annotations?.list?.find((a) => a.name === 'Leader changes');
    expect(annotation?.datasource).toEqual(DATASOURCE);
    expect((annotation as { expr?: string } | undefined)?.expr).toContain('herald_raft_leader_changes_total');
  });
});

describe('Grafana provisioning', () => {
  const provisioning = join(DEPLOY_DIR, 'grafana', 'provisioning');

  it('provisions the Prometheus datasource and the dashboards folder (apiVersion 1)', () => {
    const ds = parse(readFileSync(join(provisioning, 'datasources', 'prometheus.yml'), 'utf8')) as { apiVersion: number; datasources: { type: string; url: string; uid: string; isDefault: boolean }[] };
    expect(ds.apiVersion).toBe(1);
    expect(ds.datasources).toHaveLength(1);
    expect(ds.datasources[0]).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090', isDefault: true });
    const dashboards = parse(readFileSync(join(provisioning, 'dashboards', 'herald.yml'), 'utf8')) as { apiVersion: number; providers: { type: string; options: { path: string } }[] };
    expect(dashboards.apiVersion).toBe(1);
    expect(dashboards.providers[0]).toMatchObject({ type: 'file', options: { path: '/var/lib/grafana/dashboards/herald' } });
  });
});

describe('alert rules', () => {
  const rules = loadAlertRules().groups.flatMap((g) => g.rules);

  it('cover what the issue lists, once each', () => {
    const names = rules.map((r) => r.alert);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining([
        'HeraldLeaderFlapping', // leader changes above a rate
        'HeraldLeaderChanged',
        'HeraldPartitionOffline', // partitions without a leader
        'HeraldUnderReplicatedPartitions',
        'HeraldPartitionsUnderMinIsr',
        'HeraldConsumerLagRecordsHigh',
        'HeraldConsumerLagSecondsHigh',
        'HeraldNodeDown',
        'HeraldFsyncLatencyHigh',
        'HeraldProduceErrorRateHigh',
      ]),
    );
    expect(rules.find((r) => r.alert === 'HeraldUnderReplicatedPartitions')!.for).toBe('1m');
  });

  it.each(rules.map((r) => [r.alert!, r] as const))('%s has a severity, a summary, a description and a runbook line', (_name, rule) => {
    expect(['info', 'warning', 'critical']).toContain(rule.labels?.severity);
    for (const key of ['summary', 'description', 'runbook']) expect(rule.annotations?.[key], key).toMatch(/\S/);
    expect(rule.annotations?.runbook).not.toContain('\n');
  });
});
