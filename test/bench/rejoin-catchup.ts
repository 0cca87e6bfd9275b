// Time for a wiped node to be back in the ISR of a partition holding a lot of data, with real
// `herald node start` processes on 127.0.0.1 (one per node, as deployed). Also counts what went
// wrong meanwhile: leader changes of the partition and of the meta group, and CheckQuorum
// step-downs in the nodes' logs. Prints one JSON line.
//
//   pnpm exec tsx --conditions=@herald/source test/bench/rejoin-catchup.ts [megabytes] [wiped nodes: 1|2] [partitions]
//
// HERALD_BENCH_INFLIGHT_BYTES sets the nodes' raft.maxInflightBytes; KEEP_DATA=1 keeps the logs.
//
// With 2, both followers of the partition are wiped and restarted with --rejoin at once: the
// single intact replica (the leader) must re-replicate to both.
import { HeraldClient } from '@herald/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../support/ports.js';
import { waitFor } from '../support/wait-for.js';

const megabytes = Number(process.argv[2] ?? 50);
const wipedCount = Number(process.argv[3] ?? 1);
const partitions = Number(process.argv[4] ?? 1);
const valueBytes = 16 * 1024;

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cliEntry = `${repoRoot}packages/cli/src/main.ts`;
const dataDir = mkdtempSync(`${tmpdir()}/herald-rejoin-bench-`);
const ports = await freePorts(9);
const peers = [1, 2, 3].map((id, i) => ({ id, clientPort: ports[i * 3]!, peerPort: ports[i * 3 + 1]!, metricsPort: ports[i * 3 + 2]! }));
const peersArg = peers.map((p) => `${p.id}=127.0.0.1:${p.clientPort}:${p.peerPort}`).join(',');
const children = new Map<number, ChildProcess>();
const inflightBytes = process.env.HERALD_BENCH_INFLIGHT_BYTES;
const configFile = `${dataDir}/node.yaml`;
writeFileSync(configFile, inflightBytes === undefined ? '{}\n' : `raft:\n  maxInflightBytes: ${Number(inflightBytes)}\n`);

function start(id: number, rejoin = false): void {
  const self = peers.find((p) => p.id === id)!;
  const log = createWriteStream(`${dataDir}/node-${id}.log`, { flags: 'a' });
  const args = ['--import', 'tsx', '--conditions=@herald/source', cliEntry, 'node', 'start', '--config', configFile, '--id', String(id), '--data-dir', `${dataDir}/node-${id}`, '--peers', peersArg, '--metrics-port', String(self.metricsPort), '--kafka-port', '0', '--log-level', 'info'];
  const child = spawn(process.execPath, rejoin ? [...args, '--rejoin'] : args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  children.set(id, child);
}

async function kill(id: number): Promise<void> {
  const child = children.get(id);
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
  children.delete(id);
}

function countInLog(id: number, text: string): number {
  return readFileSync(`${dataDir}/node-${id}.log`, 'utf8').split('\n').filter((line) => line.includes(text)).length;
}

/** Each running node's commit and applied index per raft group, from its /metrics. */
async function scrapeAll(): Promise<Map<string, Map<number, { commit: number; applied: number }>>> {
  const out = new Map<string, Map<number, { commit: number; applied: number }>>();
  for (const p of peers) {
    if (!children.has(p.id)) continue;
    const text = await fetch(`http://127.0.0.1:${p.metricsPort}/metrics`).then((r) => r.text()).catch(() => '');
    for (const line of text.split('\n')) {
      const m = /^herald_raft_(commit|applied)_index\{[^}]*group="([^"]+)"[^}]*\} (\d+)/.exec(line);
      if (m === null) continue;
      let byNode = out.get(m[2]!);
      if (byNode === undefined) out.set(m[2]!, (byNode = new Map()));
      const entry = byNode.get(p.id) ?? { commit: 0, applied: 0 };
      entry[m[1] === 'commit' ? 'commit' : 'applied'] = Number(m[3]);
      byNode.set(p.id, entry);
    }
  }
  return out;
}

const client = new HeraldClient({ brokers: peers.map((p) => `127.0.0.1:${p.clientPort}`), callTimeoutMs: 60_000 });
try {
  for (const p of peers) start(p.id);
  await client.createTopic('bulk', { partitions, replicationFactor: 3 });
  const topicOf = async () => (await client.describeTopic('bulk')).partitions;
  await waitFor(async () => (await topicOf()).every((p) => p.leaderId > 0 && p.isr.length === 3), { timeoutMs: 60_000, what: 'leaders and full ISRs' });

  const producer = client.producer({ acks: 'quorum', idempotent: true, deliveryTimeoutMs: 120_000 });
  const value = Buffer.alloc(valueBytes, 7);
  const records = Math.round((megabytes * 1024 * 1024) / valueBytes);
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < records; i++) {
    sends.push(producer.send('bulk', { value, partition: i % partitions }));
    if (sends.length >= 256) await Promise.all(sends.splice(0));
  }
  await Promise.all(sends);
  await producer.close();

  const before = await topicOf();
  const leader = before[0]!.leaderId;
  const victims = peers.map((p) => p.id).filter((id) => id !== leader).slice(0, wipedCount);
  const stepDownsBefore = peers.map((p) => countInLog(p.id, 'stepped down: no quorum'));
  for (const id of victims) await kill(id);
  for (const id of victims) rmSync(`${dataDir}/node-${id}`, { recursive: true, force: true });
  const started = performance.now();
  for (const id of victims) start(id, true);

  // Every 50 ms: leadership (DescribeTopic) and each node's raft gauges, until every wiped node
  // holds, for every partition, what was committed when it restarted, and every ISR is full.
  const target = new Map<string, number>();
  for (const [group, byNode] of await scrapeAll()) {
    if (group.startsWith('p.')) target.set(group, Math.max(...[...byNode.values()].map((m) => m.commit)));
  }
  const leaders = new Map<number, Set<string>>();
  let leaderlessMs = 0;
  let last = performance.now();
  let caughtUpMs = -1;
  let isrBackMs = -1;
  const deadline = started + 600_000;
  while (performance.now() < deadline) {
    const now = performance.now();
    const parts = await topicOf().catch(() => []);
    for (const p of parts) {
      let seen = leaders.get(p.id);
      if (seen === undefined) leaders.set(p.id, (seen = new Set()));
      if (p.leaderId > 0) seen.add(`${p.leaderId}@${p.leaderTerm}`);
    }
    if (parts.length < partitions || parts.some((p) => p.leaderId === 0)) leaderlessMs += now - last;
    last = now;
    if (caughtUpMs < 0) {
      const scraped = await scrapeAll();
      const done = [...target].every(([group, index]) => victims.every((id) => (scraped.get(group)?.get(id)?.applied ?? 0) >= index));
      if (done) caughtUpMs = now - started;
    }
    if (caughtUpMs >= 0 && parts.length === partitions && parts.every((p) => p.isr.length === 3)) {
      isrBackMs = now - started;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const stepDowns = peers.map((p, i) => countInLog(p.id, 'stepped down: no quorum') - stepDownsBefore[i]!);
  console.log(
    JSON.stringify({
      megabytes,
      maxInflightBytes: inflightBytes === undefined ? 'default' : Number(inflightBytes),
      records,
      partitions,
      wiped: victims,
      caughtUpSeconds: caughtUpMs < 0 ? null : Number((caughtUpMs / 1000).toFixed(2)),
      isrBackSeconds: isrBackMs < 0 ? null : Number((isrBackMs / 1000).toFixed(2)),
      leadershipsPerPartition: [...leaders.values()].map((s) => s.size),
      leaderlessSeconds: Number((leaderlessMs / 1000).toFixed(2)),
      checkQuorumStepDowns: stepDowns.reduce((a, b) => a + b, 0),
      logs: dataDir,
    }),
  );
} finally {
  await client.close();
  for (const id of [...children.keys()]) await kill(id);
  if (process.env.KEEP_DATA === undefined) rmSync(dataDir, { recursive: true, force: true });
}
