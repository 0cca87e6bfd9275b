// What a large failover costs the survivors, per election, in one process (issue #17): three
// Hosts with real LevelDB stores, wired in memory through the peer transport's own frame codec
// (frameToWire, the protobuf bytes of RaftTransport.Send, messagesFromWire), on a fake clock that
// stands still, so that no tick, timeout or heartbeat adds to the count: the elections run on
// their messages alone. `groups` groups are opened on all three nodes, node g % 3 + 1 leads
// group g, and all go quiescent; then node 1 is cut off and both survivors hear its connection
// reset (Host.peerLost, as after a SIGKILL). Per run it counts, per survivor, host turns, frames,
// raft messages by type, bytes encoded and decoded, and measures the process's CPU time (both
// survivors, the storage threads included) of the verdict turns and of the whole failover, and
// the garbage collections meanwhile. Math.random is seeded per run: the counts repeat run to run
// up to the order in which the event loop finishes the stores' writes.
//
//   pnpm exec tsx --conditions=@herald/source test/bench/failover-turns.ts [groups] [runs] [compact|protobuf]
//
// `protobuf` sends every message as a protobuf RaftMessage, as to a peer of a release before
// Frame.compact; `compact` (the default) packs the small ones as between two current nodes.
// Prints one JSON line per run, then the median and range of each figure over the runs after the
// first: the first run of a process pays for compiling the failover's code paths (its CPU time
// was up to twice the later runs'), so it only warms up, unless it is the only one. Profile it with
// `node --cpu-prof --cpu-prof-dir DIR --conditions=@herald/source --import tsx test/bench/failover-turns.ts 6000 1`.
import { createPrng } from '@herald/chaos';
import { loadPeerDefinition, type internalV1 } from '@herald/protocol';
import type { NodeId } from '@herald/raft';
import { NodeStore } from '@herald/storage';
import type { MethodDefinition } from '@grpc/proto-loader';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { pino } from 'pino';
import { Host, type GroupMessage, type HostRaftSettings } from '../../packages/broker/src/host/host.js';
import type { GroupStateMachine, RaftGroup } from '../../packages/broker/src/host/raft-group.js';
import { frameToWire, messagesFromWire, type WireFrame } from '../../packages/broker/src/transport/peer-transport.js';
import { FakeClock } from '../../packages/broker/test/support/fake-clock.js';

const GROUPS = Number(process.argv[2] ?? 6_000);
const RUNS = Number(process.argv[3] ?? 3);
const CODEC = process.argv[4] ?? 'compact';
if (!Number.isInteger(GROUPS) || GROUPS < 3) throw new Error(`groups must be an integer of at least 3, not ${process.argv[2]}`);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`runs must be a positive integer, not ${process.argv[3]}`);
if (CODEC !== 'compact' && CODEC !== 'protobuf') throw new Error(`codec must be compact or protobuf, not ${CODEC}`);

/** The defaults of config.ts with the 1–2 s election timeouts of the scale bench. */
const settings: HostRaftSettings = { tickMs: 50, electionTicksMin: 20, electionTicksMax: 40, heartbeatTicks: 2, maxInflightAppends: 256, maxAppendBytes: 1 << 20, maxInflightBytes: 4 << 20, maxCatchupAppendBytes: 256 << 10, catchupBytesPerTurn: 1 << 20, lagTicksMax: 200, quiesce: true };
const members = { voters: [1, 2, 3], learners: [] };
const noopMachine: GroupStateMachine<unknown> = { apply: () => undefined, restore() {} };

type SendMethod = MethodDefinition<internalV1.Frame, internalV1.Empty, internalV1.Frame__Output, internalV1.Empty__Output>;
const wire = (loadPeerDefinition()['herald.internal.v1.RaftTransport'] as Record<string, SendMethod>)['Send']!;

interface NodeCounts {
  turns: number;
  framesOut: number;
  messagesOut: number;
  bytesOut: number;
  framesIn: number;
  messagesIn: number;
  bytesIn: number;
  /** Groups asked for a Ready, storage operations (puts and deletes) and bytes written, synced
   *  writes, over the turns. */
  groupsReady: number;
  storeOperations: number;
  bytesWritten: number;
  syncs: number;
  byType: Record<string, number>;
}

const emptyCounts = (): NodeCounts => ({ turns: 0, framesOut: 0, messagesOut: 0, bytesOut: 0, framesIn: 0, messagesIn: 0, bytesIn: 0, groupsReady: 0, storeOperations: 0, bytesWritten: 0, syncs: 0, byType: {} });

const pause = () => new Promise((resolve) => setTimeout(resolve, 1));

async function run(seed: number) {
  // A seeded generator stands in for Math.random (campaign order, timeouts).
  const prng = createPrng(seed);
  Math.random = prng.next;
  const dir = await mkdtemp(join(tmpdir(), 'herald-failover-turns-'));
  const clock = new FakeClock();
  const hosts = new Map<NodeId, Host>();
  const stores: NodeStore[] = [];
  const counts = new Map<NodeId, NodeCounts>([1, 2, 3].map((id) => [id, emptyCounts()]));
  const cut = new Set<NodeId>();
  let turnsEnded = 0;
  for (const id of [1, 2, 3]) {
    const store = await NodeStore.open(join(dir, `node-${id}`));
    stores.push(store);
    const batch = store.batch.bind(store);
    store.batch = () => {
      const b = batch();
      const write = b.write.bind(b);
      b.write = (options) => {
        counts.get(id)!.storeOperations += (b as unknown as { operations: unknown[] }).operations.length;
        return write(options);
      };
      return b;
    };
    const send = (to: NodeId, messages: readonly GroupMessage[]) => {
      // A frame to or from a node cut off is dropped before it is encoded, as the transport
      // drops frames to a peer whose channel failed (PeerLink.writable).
      if (cut.has(id) || cut.has(to)) return;
      const out = counts.get(id)!;
      const bytes = wire.requestSerialize(frameToWire(id, messages, CODEC === 'compact') as internalV1.Frame);
      out.framesOut++;
      out.messagesOut += messages.length;
      out.bytesOut += bytes.byteLength;
      for (const m of messages) out.byType[m.message.type] = (out.byType[m.message.type] ?? 0) + 1;
      setImmediate(() => {
        const frame = wire.requestDeserialize(bytes) as unknown as WireFrame;
        const received = messagesFromWire(frame, id, to, (reason) => {
          throw new Error(`frame from ${id} refused: ${reason}`);
        });
        const into = counts.get(to)!;
        into.framesIn++;
        into.messagesIn += received.length;
        into.bytesIn += bytes.byteLength;
        hosts.get(to)?.receive(id, received);
      });
    };
    const host = new Host({
      nodeId: id,
      peers: [1, 2, 3].filter((peer) => peer !== id),
      store,
      sender: { send },
      raft: settings,
      logger: pino({ level: 'silent' }),
      onFatal: (err) => {
        throw err;
      },
      onTurn: (stats) => {
        const c = counts.get(id)!;
        c.turns++;
        c.groupsReady += stats.groupsReady;
        c.bytesWritten += stats.bytesWritten;
        if (stats.synced) c.syncs++;
        turnsEnded++;
      },
      addressOf: (nodeId) => `node-${nodeId}`,
      clock,
    });
    hosts.set(id, host);
  }
  const groups: Map<NodeId, RaftGroup>[] = [];
  const opening: Promise<void>[] = [];
  for (let g = 0; g < GROUPS; g++) {
    const byNode = new Map<NodeId, RaftGroup>();
    groups.push(byNode);
    for (const [id, host] of hosts) opening.push(host.openGroup(`topic-${Math.floor(g / 10)}/${g % 10}`, `g${g}`, members, noopMachine).then((group) => void byNode.set(id, group)));
  }
  await Promise.all(opening);
  for (const host of hosts.values()) host.start();
  for (let g = 0; g < GROUPS; g++) groups[g]!.get((g % 3) + 1)!.campaign();
  const settled = (leaders: (g: number) => boolean) => groups.every((byNode, g) => leaders(g) && [...byNode.values()].every((group) => group.leaderId() !== 0));
  if (!(await clock.advanceUntil(() => settled((g) => groups[g]!.get((g % 3) + 1)!.isLeader()), { stepMs: 50, maxMs: 120_000, yield: pause }))) throw new Error('setup: the first elections did not finish');
  const active = () => [...hosts.values()].reduce((sum, host) => sum + host.groupCounts().active, 0);
  if (!(await clock.advanceUntil(() => active() === 0, { stepMs: 50, maxMs: 120_000, yield: pause }))) throw new Error('setup: the groups did not quiesce');
  // A few quiet pings' worth, so that no late frame of the setup counts.
  await clock.advanceUntil(() => false, { stepMs: 50, maxMs: 2_000, yield: pause });
  await new Promise((resolve) => setTimeout(resolve, 200));

  const led = groups.filter((byNode) => byNode.get(1)!.isLeader());
  for (const c of counts.values()) Object.assign(c, emptyCounts());
  const gc = { minor: 0, major: 0, ms: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === 1) gc.minor++;
      else gc.major++;
      gc.ms += entry.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });

  cut.add(1);
  const cpuAt = process.cpuUsage();
  const wallAt = performance.now();
  const fromUs = process.hrtime.bigint() / 1000n;
  const turnsAt = turnsEnded;
  for (const id of [2, 3]) hosts.get(id)!.peerLost(1);
  // The verdict turns: each survivor's first turn after the reset tells every group.
  while (counts.get(2)!.turns === 0 || counts.get(3)!.turns === 0) await new Promise((resolve) => setImmediate(resolve));
  const verdictCpu = process.cpuUsage(cpuAt);
  const verdictOperations = counts.get(2)!.storeOperations + counts.get(3)!.storeOperations;
  const failedOver = () => led.every((byNode) => [2, 3].some((id) => byNode.get(id)!.isLeader()) && [2, 3].every((id) => [2, 3].includes(byNode.get(id)!.leaderId())));
  const deadline = Date.now() + 300_000;
  while (!failedOver()) {
    if (Date.now() > deadline) throw new Error('the failover did not finish in 300 s');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  // Then until the turns stop (the new leaders commit their first entry, the answers arrive).
  let cpu = process.cpuUsage(cpuAt);
  let wall = performance.now() - wallAt;
  let toUs = process.hrtime.bigint() / 1000n;
  for (let seen = -1; seen !== turnsEnded; ) {
    seen = turnsEnded;
    cpu = process.cpuUsage(cpuAt);
    wall = performance.now() - wallAt;
    toUs = process.hrtime.bigint() / 1000n;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  observer.disconnect();
  const ms = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
  const elections = led.length;
  const candidacies = (counts.get(2)!.byType['Vote'] ?? 0) + (counts.get(3)!.byType['Vote'] ?? 0);
  const result = {
    seed,
    codec: CODEC,
    groups: GROUPS,
    elections,
    turns: turnsEnded - turnsAt,
    verdictCpuMs: Math.round(ms(verdictCpu)),
    verdictStoreOperations: verdictOperations,
    failoverCpuMs: Math.round(ms(cpu)),
    cpuMsPer1000: Math.round((ms(cpu) / elections) * 1000),
    wallMs: Math.round(wall),
    gc: { minor: gc.minor, major: gc.major, ms: Math.round(gc.ms) },
    // Votes (pre-votes and votes) sent per group, over both survivors: 2 per election (a
    // pre-vote and a vote of the winner) when no election is lost.
    votesPerElection: Number((candidacies / elections).toFixed(2)),
    // The failover's span on the monotonic clock, for scripts/bench/cpu-profile.ts --between.
    windowUs: `${fromUs} ${toUs}`,
    survivors: Object.fromEntries([2, 3].map((id) => [id, counts.get(id)!])) as Record<string, NodeCounts>,
  };
  for (const host of hosts.values()) await host.stop();
  for (const store of stores) await store.close();
  await rm(dir, { recursive: true, force: true });
  return result;
}

const results: Awaited<ReturnType<typeof run>>[] = [];
for (let i = 0; i < RUNS; i++) {
  const result = await run(17 + i);
  results.push(result);
  console.log(JSON.stringify(result));
}
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${sorted[Math.floor(sorted.length / 2)]} (${sorted[0]}–${sorted[sorted.length - 1]})`;
};
const measured = results.length > 1 ? results.slice(1) : results;
const perSurvivor = (pick: (c: NodeCounts) => number) => summary(measured.flatMap((r) => Object.values(r.survivors).map(pick)));
console.log(
  JSON.stringify({
    summary: true,
    codec: CODEC,
    runs: measured.length,
    elections: summary(measured.map((r) => r.elections)),
    turnsPerSurvivor: perSurvivor((c) => c.turns),
    framesOutPerSurvivor: perSurvivor((c) => c.framesOut),
    messagesOutPerSurvivor: perSurvivor((c) => c.messagesOut),
    bytesOutPerSurvivor: perSurvivor((c) => c.bytesOut),
    storeOperationsPerSurvivor: perSurvivor((c) => c.storeOperations),
    groupsReadyPerSurvivor: perSurvivor((c) => c.groupsReady),
    bytesOutPerMessage: summary(measured.flatMap((r) => Object.values(r.survivors).map((c) => Number((c.bytesOut / c.messagesOut).toFixed(1))))),
    votesPerElection: summary(measured.map((r) => r.votesPerElection)),
    verdictCpuMs: summary(measured.map((r) => r.verdictCpuMs)),
    failoverCpuMs: summary(measured.map((r) => r.failoverCpuMs)),
    cpuMsPer1000Elections: summary(measured.map((r) => r.cpuMsPer1000)),
    minorGcs: summary(measured.map((r) => r.gc.minor)),
    gcMs: summary(measured.map((r) => r.gc.ms)),
    wallMs: summary(measured.map((r) => r.wallMs)),
  }),
);
