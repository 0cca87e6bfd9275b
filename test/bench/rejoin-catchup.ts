// Time for a wiped node to be back in the ISR of partitions holding a lot of data, with real
// `herald node start` processes on 127.0.0.1 (test/support/process-cluster.ts: one per node, as
// deployed, peers on mutual TLS). Also counts what went wrong meanwhile: leader changes of the
// partitions, CheckQuorum step-downs, and the failure detector's verdicts ("peer node down")
// of every node. Prints one JSON line.
//
//   pnpm build
//   pnpm exec tsx --conditions=@herald/source test/bench/rejoin-catchup.ts [megabytes] [wiped nodes: 1|2] [partitions] [records/s during the catch-up]
//
// HERALD_BENCH_INFLIGHT_BYTES sets the nodes' raft.maxInflightBytes; KEEP_DATA=1 keeps the logs.
//
// With 2 wiped, both followers of partition 0 are wiped and restarted with --rejoin at once: the
// single intact replica (the leader) must re-replicate to both. With a rate, a producer writes
// 1 KiB records at that rate, round robin over the partitions, until the wiped nodes are back.
import { HeraldClient } from '@herald/client';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { heraldCompiled, ProcessCluster } from '../support/process-cluster.js';
import { waitFor } from '../support/wait-for.js';

const megabytes = Number(process.argv[2] ?? 50);
const wipedCount = Number(process.argv[3] ?? 1);
const partitions = Number(process.argv[4] ?? 1);
const loadPerSecond = Number(process.argv[5] ?? 0);
const valueBytes = 16 * 1024;

const inflightBytes = process.env.HERALD_BENCH_INFLIGHT_BYTES;
const configFile = `${tmpdir()}/herald-rejoin-bench-${process.pid}.yaml`;
writeFileSync(configFile, inflightBytes === undefined ? '{}\n' : `raft:\n  maxInflightBytes: ${Number(inflightBytes)}\n`);
const cluster = await ProcessCluster.start(3, heraldCompiled(), { config: configFile });
const logOf = (id: number) => `${cluster.dataDir}/node-${id}.log`;

function countInLog(id: number, text: string): number {
  return readFileSync(logOf(id), 'utf8').split('\n').filter((line) => line.includes(text)).length;
}

/** Each running node's commit and applied index per raft group, from its /metrics. */
async function scrapeAll(): Promise<Map<string, Map<number, { commit: number; applied: number }>>> {
  const out = new Map<string, Map<number, { commit: number; applied: number }>>();
  for (const p of cluster.peers) {
    if (!cluster.isRunning(p.id)) continue;
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

const client = new HeraldClient({ brokers: cluster.brokers, callTimeoutMs: 60_000 });
let loadStop = false;
try {
  await cluster.ready();
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

  const before = await topicOf();
  const leader = before[0]!.leaderId;
  const victims = cluster.peers.map((p) => p.id).filter((id) => id !== leader).slice(0, wipedCount);
  const countAll = (text: string) => cluster.peers.map((p) => countInLog(p.id, text));
  const stepDownsBefore = countAll('stepped down: no quorum');
  const verdictsBefore = countAll('peer node down');
  for (const id of victims) await cluster.kill(id);
  for (const id of victims) cluster.wipe(id);
  const started = performance.now();
  for (const id of victims) cluster.startNode(id);

  // The write load during the catch-up: acknowledged (quorum) records and failed ones.
  const load = { sent: 0, failed: 0 };
  const loadDone = (async () => {
    if (loadPerSecond <= 0) return;
    const small = Buffer.alloc(1024, 3);
    const inFlight = new Set<Promise<unknown>>();
    for (let i = 0; !loadStop; i++) {
      const due = started + (i * 1000) / loadPerSecond;
      if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
      const send = producer.send('bulk', { value: small, partition: i % partitions }).then(
        () => load.sent++,
        () => load.failed++,
      );
      inFlight.add(send);
      void send.finally(() => inFlight.delete(send));
    }
    await Promise.all(inFlight);
  })();

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
  loadStop = true;
  await loadDone;
  await producer.close();
  const since = (now: number[], then: number[]) => now.map((n, i) => n - then[i]!);
  console.log(
    JSON.stringify({
      megabytes,
      maxInflightBytes: inflightBytes === undefined ? 'default' : Number(inflightBytes),
      records,
      partitions,
      wiped: victims,
      loadPerSecond,
      ...(loadPerSecond > 0 ? { loadAcked: load.sent, loadFailed: load.failed } : {}),
      caughtUpSeconds: caughtUpMs < 0 ? null : Number((caughtUpMs / 1000).toFixed(2)),
      isrBackSeconds: isrBackMs < 0 ? null : Number((isrBackMs / 1000).toFixed(2)),
      leadershipsPerPartition: [...leaders.values()].map((s) => s.size),
      leaderlessSeconds: Number((leaderlessMs / 1000).toFixed(2)),
      checkQuorumStepDowns: since(countAll('stepped down: no quorum'), stepDownsBefore).reduce((a, b) => a + b, 0),
      // Per node: how often its failure detector declared a peer down (the wiped nodes' count
      // includes nothing from before their restart: their logs are appended to).
      peerDownVerdicts: since(countAll('peer node down'), verdictsBefore),
      ...(process.env.KEEP_DATA === undefined ? {} : { logs: cluster.keepLogs('rejoin') }),
    }),
  );
} finally {
  loadStop = true;
  await client.close();
  await cluster.destroy();
}
