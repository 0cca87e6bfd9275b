// A randomized run of half messages under leader SIGKILLs, checked as the half-message
// workload asks: never visible before its commit was asked for, visible exactly once once
// committed, never once rolled back, and decided by check-back when its producer is gone.
// Method: three real `herald` processes, a 3-partition topic. Producer sessions (each its own
// client) store half messages and, for each, first record the outcome of their "local
// transaction" in a ledger (commit or rollback, seeded at random), then decide it, or die
// without deciding (the session's client is closed); sessions are replaced for 15 s. One more member of the producer group
// answers check-backs from the ledger. Meanwhile the leader of a random partition is SIGKILLed
// and restarted every few seconds, and a reader follows the topic from the start, noting when it
// first saw each record. At the end every half message must be decided, and the reads must agree
// with the ledger.
import { HeraldClient, type ConsumedRecord } from '@herald/client';
import { afterAll, expect, it } from 'vitest';
import { ProcessCluster } from '../support/process-cluster.js';
import { waitFor } from '../support/wait-for.js';

/** Sessions running at once; each is replaced when it ends, until DURATION_MS has passed. */
const CONCURRENT_SESSIONS = 4;
const HALVES_PER_SESSION = 10;
const DURATION_MS = 15_000;
const PARTITIONS = 3;
const SEED = Number(process.env.HERALD_SEED ?? 15);

/** mulberry32: a seeded generator. The choices follow the seed; which session draws which
 *  follows timing, so a failing seed makes the same kind of run, not the same run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let cluster: ProcessCluster | undefined;
const clients: HeraldClient[] = [];
let passed = false;
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => {});
  if (cluster !== undefined && !passed) console.error(`logs of the failed run (HERALD_SEED=${SEED}): ${cluster.keepLogs('half-stress')}`);
  await cluster?.destroy();
});

it(`half messages stay invisible until committed, appear exactly once, never after rollback, under leader kills (seed ${SEED})`, async () => {
  const random = prng(SEED);
  cluster = await ProcessCluster.start(3);
  await cluster.ready();
  const newClient = () => {
    const c = new HeraldClient({ brokers: cluster!.brokers, callTimeoutMs: 30_000 });
    clients.push(c);
    return c;
  };
  const admin = newClient();
  await admin.createTopic('ledger', { partitions: PARTITIONS, replicationFactor: 3, configs: { 'transaction.check.after.ms': '1000', 'transaction.check.interval.ms': '500', 'transaction.check.max': '60' } });
  await waitFor(async () => (await admin.describeTopic('ledger')).partitions.every((p) => p.leaderId !== 0), { timeoutMs: 20_000, what: 'leaders of ledger' });

  /** The local transactions' outcomes, by record value; what check-backs answer from. */
  const ledger = new Map<string, 'commit' | 'rollback'>();
  /** When a commit of the record was first asked for (by its producer or a check answer). */
  const commitAskedAt = new Map<string, number>();
  const abandoned = new Set<string>();
  const idOf = new Map<string, string>();
  const checker = newClient().producer({
    producerGroup: 'ledger-service',
    onCheck: (check) => {
      const value = check.records[0]!.value!.toString();
      const outcome = ledger.get(value) ?? 'unknown';
      if (outcome === 'commit' && !commitAskedAt.has(value)) commitAskedAt.set(value, performance.now());
      return outcome;
    },
  });

  const seen = new Map<string, { at: number; record: ConsumedRecord }[]>();
  const reader = newClient().consumer({ topic: 'ledger', from: 'earliest', maxWaitMs: 200 });
  const reading = (async () => {
    for await (const r of reader) {
      const value = r.value!.toString();
      seen.set(value, [...(seen.get(value) ?? []), { at: performance.now(), record: r }]);
    }
  })();

  let faulting = true;
  let kills = 0;
  const faults = (async () => {
    while (faulting) {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      if (!faulting) break;
      const partition = Math.floor(random() * PARTITIONS);
      const leader = (await admin.describeTopic('ledger').catch(() => undefined))?.partitions[partition]?.leaderId ?? 0;
      if (leader === 0) continue;
      await cluster!.kill(leader);
      kills++;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      cluster!.startNode(leader);
      await cluster!.ready();
    }
  })();

  let sessions = 0;
  const session = async (s: number) => {
    const client = newClient();
    const producer = client.producer({ producerGroup: 'ledger-service', deliveryTimeoutMs: 60_000 });
    for (let n = 0; n < HALVES_PER_SESSION; n++) {
      const value = `s${s}-${n}`;
      const half = await producer.sendHalf('ledger', { key: value, value });
      idOf.set(value, half.id);
      const fate = random();
      const outcome = random() < 0.65 ? 'commit' : 'rollback';
      ledger.set(value, outcome);
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 100))); // the local transaction
      if (fate < 0.1) {
        // The producer dies between its local transaction and its decision.
        abandoned.add(value);
        await client.close();
        return;
      }
      if (outcome === 'commit') {
        if (!commitAskedAt.has(value)) commitAskedAt.set(value, performance.now());
        await producer.commit(half.id);
      } else {
        await producer.rollback(half.id);
      }
    }
    await producer.close();
  };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENT_SESSIONS }, async () => {
      while (performance.now() - started < DURATION_MS) await session(sessions++);
    }),
  );
  faulting = false;
  await faults;
  await cluster.ready();

  // Every half message gets decided: by its producer, or at check-back for the abandoned ones.
  const decided = await waitFor(
    async () => {
      const halves = await admin.listHalves('ledger', { decided: true }).catch(() => []);
      return halves.length === ledger.size && halves.every((h) => h.state !== 'pending') ? halves : undefined;
    },
    { timeoutMs: 60_000, what: 'every half message decided' },
  );
  const committed = [...ledger].filter(([, o]) => o === 'commit').map(([v]) => v);
  await waitFor(() => committed.every((v) => seen.has(v)), { timeoutMs: 30_000, what: 'the reader to see every committed record' });
  await reader.close();
  await reading;

  const anomalies: string[] = [];
  for (const [value, outcome] of ledger) {
    const reads = seen.get(value) ?? [];
    const half = decided.find((h) => h.id === idOf.get(value));
    if (half?.state !== (outcome === 'commit' ? 'committed' : 'rolled-back')) anomalies.push(`${value}: ledger ${outcome}, partition ${half?.state ?? 'unknown'}`);
    if (abandoned.has(value) && half?.decidedBy !== 'check') anomalies.push(`${value}: abandoned, decided by ${half?.decidedBy ?? 'nobody'}`);
    if (outcome === 'rollback' && reads.length > 0) anomalies.push(`${value}: rolled back, read ${reads.length} times`);
    if (outcome === 'commit') {
      const offsets = new Set(reads.map((r) => `${r.record.partition}/${r.record.offset}`));
      if (offsets.size !== 1) anomalies.push(`${value}: committed, read at ${offsets.size} offsets`);
      if (reads.length > 0 && reads[0]!.at < commitAskedAt.get(value)!) anomalies.push(`${value}: read before its commit was asked for`);
    }
  }
  const summary = { sessions, halves: ledger.size, committed: committed.length, rolledBack: ledger.size - committed.length, abandoned: abandoned.size, kills, byCheck: decided.filter((h) => h.decidedBy === 'check').length };
  console.log(`half-stress (seed ${SEED}): ${JSON.stringify(summary)}`);
  expect(anomalies).toEqual([]);
  expect(abandoned.size).toBeGreaterThan(0);
  expect(kills).toBeGreaterThan(0);
  await checker.close();
  passed = true;
});
