// Shows that `herald bench produce` and `herald bench consume` run against a real cluster and
// report sane numbers: every record acknowledged and read back, no errors, positive rates, and
// ordered latency percentiles. It never asserts a speed (DESIGN.md: benchmarks report, never
// fail on time). Method: the real command (the compiled CLI, in a child process) against 3
// nodes in this process on free ports (test/support/cluster.ts).

import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestCluster } from '../support/cluster.js';
import { herald as run } from '../support/herald-cli.js';

const herald = (args: readonly string[], env: Record<string, string>) => run(args, { env, timeoutMs: 60_000 });

let cluster: TestCluster;
let env: Record<string, string>;

beforeAll(async () => {
  cluster = await TestCluster.start({ nodes: 3 });
  env = { HERALD_BROKERS: cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`).join(',') };
});

afterAll(async () => {
  await cluster?.stop();
});

it('bench produce --count 2000 --json reports every record acknowledged, with sane figures', async () => {
  const run = await herald(['bench', 'produce', '--topic', 'smoke', '--count', '2000', '--json'], env);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout) as {
    workload: string;
    system: string;
    records: number;
    bytes: number;
    errors: number;
    seconds: number;
    recordsPerSecond: number;
    megabytesPerSecond: number;
    latencyMs: { count: number; p50: number; p99: number; p999: number; max: number };
  };
  expect(result).toMatchObject({ workload: 'produce', system: 'herald', records: 2000, bytes: 2000 * 1024, errors: 0 });
  expect(result.seconds).toBeGreaterThan(0);
  expect(result.recordsPerSecond).toBeGreaterThan(0);
  expect(result.megabytesPerSecond).toBeGreaterThan(0);
  const l = result.latencyMs;
  expect(l.count).toBe(2000);
  expect(l.p50).toBeGreaterThan(0);
  expect(l.p50).toBeLessThanOrEqual(l.p99);
  expect(l.p99).toBeLessThanOrEqual(l.p999);
  expect(l.p999).toBeLessThanOrEqual(l.max);

  const consumed = await herald(['bench', 'consume', '--topic', 'smoke', '--json', '--delete-after'], env);
  expect(consumed.code).toBe(0);
  expect(JSON.parse(consumed.stdout)).toMatchObject({ workload: 'consume', records: 2000, bytes: 2000 * 1024, errors: 0 });
});
