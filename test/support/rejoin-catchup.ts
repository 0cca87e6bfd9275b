import { HeraldClient } from '@herald/client';
import { readFileSync, statSync } from 'node:fs';
import type { ProcessCluster } from './process-cluster.js';
import { waitFor } from './wait-for.js';

/** What a wipe-and-rejoin scenario writes before it wipes a node. */
export interface RejoinScenario {
  /** Megabytes of record values written, spread over the partitions. */
  readonly megabytes: number;
  /** Partitions of the topic `bulk`, each with a replica on every node. */
  readonly partitions: number;
  /** Bytes per record value (default 16 KiB): larger values write the data faster. */
  readonly valueBytes?: number;
  /** The longest the wiped node may take to be back in every ISR. */
  readonly timeoutMs: number;
  /** Hears each step as it starts (for a log: on a loaded machine, setting up takes a while). */
  readonly progress?: (step: string) => void;
}

/** What happened from the wiped node's restart until it was back in every ISR. */
export interface RejoinMeasurement {
  readonly victim: number;
  /** Seconds from the restart until every partition's ISR held the node again and none of its
   *  groups (the meta group included) was still repairing; null if that did not happen in time. */
  readonly isrBackSeconds: number | null;
  /** Per node, the longest host turn in milliseconds: exact when over the election timeout (the
   *  host logs those), else the upper bound of the herald_host_turn_seconds bucket it fell in. */
  readonly longestTurnMs: Readonly<Record<number, number>>;
  /** Leaderships taken meanwhile (a node's `became leader`, any node), by group; empty when no
   *  leadership changed. */
  readonly leaderChanges: Readonly<Record<string, number>>;
  /** Elections the intact nodes started meanwhile, pre-votes included (herald_raft_elections_total):
   *  a follower that missed its leader's heartbeats for an election timeout starts one, and
   *  fails harmlessly (pre-vote) while the leader's other followers still hear it. */
  readonly elections: number;
}

type Samples = Map<string, number>;

/** One node's metrics as `name{labels}` → value; empty when the node does not answer. */
async function scrape(metricsPort: number): Promise<Samples> {
  const text = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text()).catch(() => '');
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** Sums the samples of `name` by the value of `label`. */
function sumBy(samples: Samples, name: string, label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, value] of samples) {
    if (!key.startsWith(`${name}{`)) continue;
    const match = new RegExp(`${label}="([^"]*)"`).exec(key);
    const by = match?.[1] ?? '';
    out.set(by, (out.get(by) ?? 0) + value);
  }
  return out;
}

/** The upper bound, in milliseconds, of the highest herald_host_turn_seconds bucket whose count
 *  grew from `before` to `after` (0 if no turn was counted). */
function longestTurnBucketMs(before: Samples, after: Samples): number {
  const now = sumBy(after, 'herald_host_turn_seconds_bucket', 'le');
  const then = sumBy(before, 'herald_host_turn_seconds_bucket', 'le');
  const bounds = [...now.keys()].filter((le) => le !== '+Inf').map(Number).sort((a, b) => a - b);
  let previous = 0;
  let longest = 0;
  for (const bound of bounds) {
    const count = (now.get(String(bound)) ?? 0) - (then.get(String(bound)) ?? 0);
    if (count > previous) longest = bound * 1000;
    previous = count;
  }
  const total = (now.get('+Inf') ?? 0) - (then.get('+Inf') ?? 0);
  return total > previous ? Infinity : longest;
}

/** The lines a node logged after byte `from` of its log. */
function logLines(logFile: string, from: number): string[] {
  return readFileSync(logFile).subarray(from).toString('utf8').split('\n');
}

/** The longest turn a node logged as over the election timeout (the host logs those). */
function longestLoggedTurnMs(lines: readonly string[]): number {
  let longest = 0;
  for (const line of lines) {
    if (!line.includes('host turn took longer')) continue;
    const turnMs = /"turnMs":(\d+)/.exec(line);
    if (turnMs !== null) longest = Math.max(longest, Number(turnMs[1]));
  }
  return longest;
}

/**
 * Wipe and rejoin (issue #18): writes `megabytes` into `partitions` partitions of a 3-node
 * cluster, kills a node that does not lead the meta group, waits for its partitions to fail
 * over, deletes its data and restarts it with `--rejoin`, then measures until it is back in
 * every ISR: how long that took, each node's longest host turn, and the leadership changes and
 * elections the intact nodes saw (a catch-up must cause none).
 */
export async function measureRejoin(cluster: ProcessCluster, scenario: RejoinScenario): Promise<RejoinMeasurement> {
  const client = new HeraldClient({ brokers: cluster.brokers, callTimeoutMs: 30_000 });
  const progress = scenario.progress ?? (() => {});
  try {
    progress(`creating ${scenario.partitions} partitions`);
    await client.createTopic('bulk', { partitions: scenario.partitions, replicationFactor: 3 });
    const partitions = async () => (await client.describeTopic('bulk')).partitions;
    await waitFor(async () => (await partitions()).every((p) => p.leaderId > 0 && p.isr.length === 3), { timeoutMs: 60_000, what: 'leaders and full ISRs' });

    progress(`writing ${scenario.megabytes} MB`);
    const producer = client.producer({ acks: 'quorum', idempotent: true, deliveryTimeoutMs: 120_000 });
    const valueBytes = scenario.valueBytes ?? 16 * 1024;
    const value = Buffer.alloc(valueBytes, 7);
    const records = Math.round((scenario.megabytes * 1024 * 1024) / valueBytes);
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < records; i++) {
      sends.push(producer.send('bulk', { value, partition: i % scenario.partitions }));
      if (sends.length >= 128) await Promise.all(sends.splice(0));
    }
    await Promise.all(sends);
    await producer.close();

    const controller = (await client.describeCluster()).controllerId;
    const victim = Math.max(...cluster.peers.map((p) => p.id).filter((id) => id !== controller));
    const intact = cluster.peers.filter((p) => p.id !== victim);
    progress(`killing node ${victim}`);
    await cluster.kill(victim);
    await waitFor(async () => (await partitions()).every((p) => p.leaderId > 0 && p.leaderId !== victim && !p.isr.includes(victim)), { timeoutMs: 30_000, what: `partitions failed over from node ${victim}` });
    cluster.wipe(victim);

    const logOf = (id: number) => `${cluster.dataDir}/node-${id}.log`;
    const logStart = new Map(cluster.peers.map((p) => [p.id, statSync(logOf(p.id)).size]));
    const before = new Map(await Promise.all(intact.map(async (p) => [p.id, await scrape(p.metricsPort)] as const)));
    progress(`restarting node ${victim}, wiped`);
    const started = performance.now();
    cluster.startNode(victim);
    const victimPeer = cluster.peers.find((p) => p.id === victim)!;

    let isrBackSeconds: number | null = null;
    const deadline = started + scenario.timeoutMs;
    while (performance.now() < deadline) {
      const parts = await partitions().catch(() => []);
      const repairing = sumBy(await scrape(victimPeer.metricsPort), 'herald_raft_repairing', 'group');
      const repaired = repairing.size > scenario.partitions && [...repairing.values()].every((v) => v === 0);
      if (repaired && parts.length === scenario.partitions && parts.every((p) => p.isr.includes(victim))) {
        isrBackSeconds = Number(((performance.now() - started) / 1000).toFixed(2));
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const longestTurnMs: Record<number, number> = {};
    const leaderChanges: Record<string, number> = {};
    let elections = 0;
    for (const p of cluster.peers) {
      const after = await scrape(p.metricsPort);
      const then = before.get(p.id) ?? new Map();
      const lines = logLines(logOf(p.id), logStart.get(p.id)!);
      const logged = longestLoggedTurnMs(lines);
      longestTurnMs[p.id] = logged > 0 ? logged : longestTurnBucketMs(then, after);
      for (const line of lines) {
        if (!line.includes('"became leader"')) continue;
        const group = /"group":"([^"]+)"/.exec(line)?.[1] ?? '?';
        leaderChanges[group] = (leaderChanges[group] ?? 0) + 1;
      }
      if (p.id === victim) continue;
      const total = (m: Samples) => [...sumBy(m, 'herald_raft_elections_total', 'group').values()].reduce((a, b) => a + b, 0);
      elections += total(after) - total(then);
    }
    return { victim, isrBackSeconds, longestTurnMs, leaderChanges, elections };
  } finally {
    await client.close();
  }
}
