#!/usr/bin/env node
// `pnpm fuzz [--runs N] [--seed S]`: the fuzz tests of test/fuzz (every public RPC and the peer
// port of a secure three-node cluster) with N generated requests per method (default 200; the
// test suite runs 5). A failure prints the seed and the counterexample; --seed replays it.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '200' }, seed: { type: 'string' } } });
for (const [name, value] of Object.entries(values)) {
  if (value !== undefined && !/^\d+$/.test(value)) {
    console.error(`fuzz: --${name} must be a non-negative integer (got ${JSON.stringify(value)})`);
    process.exit(2);
  }
}
const env = { ...process.env, FUZZ_RUNS: values.runs, ...(values.seed === undefined ? {} : { FUZZ_SEED: values.seed }) };
const result = spawnSync('pnpm', ['exec', 'vitest', 'run', '--project', 'cluster', 'test/fuzz'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
