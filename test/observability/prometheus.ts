// A real Prometheus (Debian's `prometheus` package, see scripts/lib/ensure-prometheus.sh) for
// the observability tests: finding the binaries, deriving a fast test configuration and rules
// from deploy/prometheus/, starting and stopping one server by its pid, and its HTTP API.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { waitFor } from '../support/wait-for.js';

export const DEPLOY_DIR = new URL('../../deploy/', import.meta.url).pathname;
export const PROMETHEUS_DIR = join(DEPLOY_DIR, 'prometheus');

/** The absolute path of an executable on PATH, or undefined. */
export function findBinary(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Runs promtool; returns its exit status and output. */
export function promtool(args: readonly string[]): { status: number; output: string } {
  const result = spawnSync('promtool', args, { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

const unitSeconds: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 };

/** Seconds of a single-unit Prometheus duration such as `30s` or `5m`. */
export function durationSeconds(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (match === null) throw new Error(`unsupported duration "${text}" (use one unit: 30s, 5m)`);
  return Number(match[1]) * unitSeconds[match[2]!]!;
}

interface RuleFile {
  groups: { name: string; interval?: string; rules: { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[];
}

/** Every rule of deploy/prometheus/alerts.yml. */
export function loadAlertRules(): RuleFile {
  return parse(readFileSync(join(PROMETHEUS_DIR, 'alerts.yml'), 'utf8')) as RuleFile;
}

/**
 * The alert rules in compressed time: every `for:` and every range selector divided by
 * `factor` (range selectors no shorter than minRangeSeconds, so that rate() has samples), so
 * that a test with 1 s scrapes sees in seconds what production sees in minutes. Thresholds
 * are unchanged.
 */
export function compressRules(rules: RuleFile, factor: number, minRangeSeconds: number): RuleFile {
  const scaled = (text: string, min: number) => `${Math.max(min, Math.round(durationSeconds(text) / factor))}s`;
  return {
    groups: rules.groups.map((g) => ({
      ...g,
      rules: g.rules.map((r) => ({
        ...r,
        expr: r.expr.replace(/\[(\d+(?:ms|s|m|h|d))\]/g, (_, d: string) => `[${scaled(d, minRangeSeconds)}]`),
        ...(r.for === undefined ? {} : { for: scaled(r.for, 1) }),
      })),
    })),
  };
}

/**
 * deploy/prometheus/prometheus.yml pointed at a test cluster: the same job and node labels, the
 * targets replaced by the nodes' metrics ports, 1 s scrape and evaluation intervals, and the
 * given rule file.
 */
export function testConfig(metricsPorts: ReadonlyMap<number, number>, ruleFile: string, caFile: string): string {
  const config = parse(readFileSync(join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8')) as {
    global: Record<string, string>;
    rule_files: string[];
    scrape_configs: { job_name: string; scheme: string; tls_config: { ca_file: string }; static_configs: { targets: string[]; labels: { node: string } }[] }[];
  };
  config.global = { ...config.global, scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' };
  config.rule_files = [ruleFile];
  for (const job of config.scrape_configs) {
    if (job.scheme !== 'https') throw new Error(`job ${job.job_name} of prometheus.yml does not scrape over TLS`);
    job.tls_config = { ...job.tls_config, ca_file: caFile };
    for (const target of job.static_configs) {
      const port = metricsPorts.get(Number(target.labels.node));
      if (port === undefined) throw new Error(`no test node ${target.labels.node} for target ${target.targets.join(', ')}`);
      target.targets = [`127.0.0.1:${port}`];
    }
  }
  return stringify(config);
}

interface ApiResponse<T> {
  status: 'success' | 'error';
  data: T;
  errorType?: string;
  error?: string;
}

export interface Series {
  metric: Record<string, string>;
  values?: [number, string][];
  value?: [number, string];
}

export interface ActiveAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  value: string;
}

/** One Prometheus process, started by us, stopped by its pid. */
export class PrometheusServer {
  private exited = false;
  private log = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => this.keepLog(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.keepLog(chunk));
    child.once('exit', () => {
      this.exited = true;
    });
  }

  /** Starts Prometheus on 127.0.0.1:port with `configText`, keeping everything under `dir`. */
  static async start(options: { dir: string; port: number; configText: string; files?: Record<string, string> }): Promise<PrometheusServer> {
    mkdirSync(options.dir, { recursive: true });
    for (const [name, text] of Object.entries(options.files ?? {})) writeFileSync(join(options.dir, name), text);
    const configFile = join(options.dir, 'prometheus.yml');
    writeFileSync(configFile, options.configText);
    const child = spawn(
      'prometheus',
      [`--config.file=${configFile}`, `--storage.tsdb.path=${join(options.dir, 'data')}`, `--web.listen-address=127.0.0.1:${options.port}`, '--storage.tsdb.retention.time=1h', '--log.level=warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const server = new PrometheusServer(child, `http://127.0.0.1:${options.port}`);
    try {
      await waitFor(
        async () => {
          if (server.exited) throw new Error(`prometheus exited: ${server.log}`);
          const res = await fetch(`${server.url}/-/ready`);
          return res.ok;
        },
        { timeoutMs: 15_000, what: 'prometheus to be ready', intervalMs: 100 },
      );
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** What the process printed (warnings and errors), for failure messages. */
  get output(): string {
    return this.log;
  }

  private keepLog(chunk: Buffer): void {
    this.log = `${this.log}${chunk.toString()}`.slice(-20_000);
  }

  private async get<T>(path: string, params: Record<string, string | number> = {}): Promise<ApiResponse<T>> {
    const query = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
    const res = await fetch(`${this.url}${path}?${query}`);
    return (await res.json()) as ApiResponse<T>;
  }

  /** An instant query; the raw answer, so that callers can see a parse error. */
  query(expr: string, timeSeconds?: number): Promise<ApiResponse<{ resultType: string; result: Series[] }>> {
    return this.get('/api/v1/query', timeSeconds === undefined ? { query: expr } : { query: expr, time: timeSeconds });
  }

  queryRange(expr: string, startSeconds: number, endSeconds: number, stepSeconds: number): Promise<ApiResponse<{ resultType: string; result: Series[] }>> {
    return this.get('/api/v1/query_range', { query: expr, start: startSeconds, end: endSeconds, step: stepSeconds });
  }

  labelValues(label: string, match: string): Promise<ApiResponse<string[]>> {
    return this.get(`/api/v1/label/${label}/values`, { 'match[]': match });
  }

  async alerts(): Promise<ActiveAlert[]> {
    const res = await this.get<{ alerts: ActiveAlert[] }>('/api/v1/alerts');
    return res.data.alerts;
  }

  async targets(): Promise<{ labels: Record<string, string>; health: string }[]> {
    const res = await this.get<{ activeTargets: { labels: Record<string, string>; health: string }[] }>('/api/v1/targets');
    return res.data.activeTargets;
  }

  /** SIGTERM to our pid, SIGKILL if it has not exited within 5 s. */
  async stop(): Promise<void> {
    if (this.exited || this.child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    process.kill(this.child.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (!this.exited) process.kill(this.child.pid!, 'SIGKILL');
    }, 5_000);
    await exited;
    clearTimeout(timer);
  }
}
