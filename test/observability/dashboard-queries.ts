// Reads the committed Grafana dashboards (deploy/grafana/dashboards/*.json) and lists what the
// tests check: every panel query, annotation query and label variable, with Grafana's variables
// replaced by what a test cluster can answer.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dashboard, Panel, RowPanel } from '@grafana/schema';
import { DEPLOY_DIR } from './prometheus.js';

export const DASHBOARD_DIR = join(DEPLOY_DIR, 'grafana', 'dashboards');

export interface DashboardFile {
  readonly file: string;
  readonly text: string;
  readonly dashboard: Dashboard;
}

export function loadDashboards(): DashboardFile[] {
  return readdirSync(DASHBOARD_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(DASHBOARD_DIR, file), 'utf8');
      return { file, text, dashboard: JSON.parse(text) as Dashboard };
    });
}

/** Every panel, those inside collapsed rows included. */
export function allPanels(d: Dashboard): (Panel | RowPanel)[] {
  const out: (Panel | RowPanel)[] = [];
  for (const p of d.panels ?? []) {
    out.push(p);
    if (p.type === 'row') out.push(...((p as RowPanel).panels ?? []));
  }
  return out;
}

export interface DashboardQuery {
  /** "file: panel title (refId)" or "file: annotation name". */
  readonly where: string;
  readonly expr: string;
}

/** Every PromQL expression of the dashboards: panel targets and annotations. */
export function dashboardQueries(files: readonly DashboardFile[]): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  for (const { file, dashboard } of files) {
    for (const p of allPanels(dashboard)) {
      if (p.type === 'row') continue;
      for (const t of (p as Panel).targets ?? []) out.push({ where: `${file}: "${p.title}" (${t.refId})`, expr: (t as { expr: string }).expr });
    }
    for (const a of dashboard.annotations?.list ?? []) {
      const expr = (a as { expr?: string }).expr;
      if (expr !== undefined) out.push({ where: `${file}: annotation "${a.name}"`, expr });
    }
  }
  return out;
}

/** Label variables: `label_values(metric, label)`. */
export function labelVariables(files: readonly DashboardFile[]): { where: string; metric: string; label: string }[] {
  const out: { where: string; metric: string; label: string }[] = [];
  for (const { file, dashboard } of files) {
    for (const v of dashboard.templating?.list ?? []) {
      if (v.type !== 'query') continue;
      const definition = (v as { definition?: string }).definition ?? '';
      const match = /^label_values\((\w+),\s*(\w+)\)$/.exec(definition);
      if (match === null) throw new Error(`${file}: variable ${v.name} is not label_values(metric, label): "${definition}"`);
      out.push({ where: `${file}: variable ${v.name}`, metric: match[1]!, label: match[2]! });
    }
  }
  return out;
}

/**
 * Replaces Grafana's variables the way Grafana would with "All" selected: label variables become
 * `.*` (their allValue), $__rate_interval and $__interval a window the test's 1 s scrapes fill.
 */
export function interpolate(expr: string, rateIntervalSeconds: number): string {
  return expr.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => {
    if (name === '__rate_interval' || name === '__interval') return `${rateIntervalSeconds}s`;
    if (name === 'node' || name === 'topic' || name === 'group') return '.*';
    throw new Error(`unknown Grafana variable ${whole} in ${expr}`);
  });
}
