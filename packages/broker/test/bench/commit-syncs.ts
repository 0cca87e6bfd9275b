// Synced writes per commit at a leader, in load-independent units: three Hosts in this process,
// each with its own NodeStore on disk, wired by an in-memory sender, run one raft group; the
// leader is sent `count` proposals of 1 KiB at `rate` per second, each as it comes, whatever is
// in flight (open loop, as independent producers do; acks quorum: answered once applied). For
// each proposal: how many of the leader's synced writes ended between its proposal and its
// answer (its own write included). The machine's load changes how long a sync takes, not how
// many a commit waits for. (A closed loop, a window of proposals answered together and proposed
// again together, leaves the turn that learns the commit nothing else to write, so it would not
// show the early apply.)
//
//   pnpm exec tsx --conditions=@herald/source packages/broker/test/bench/commit-syncs.ts [count] [rate]
import { NodeStore } from '@herald/storage';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { systemClock } from '../../src/host/clock.js';
import { Host, type GroupMessage, type HostRaftSettings } from '../../src/host/host.js';
import { ProposalStage, type GroupStateMachine, type RaftGroup } from '../../src/host/raft-group.js';

const count = Number(process.argv[2] ?? 2_000);
const rate = Number(process.argv[3] ?? 500);
const settings: HostRaftSettings = { tickMs: 50, electionTicksMin: 20, electionTicksMax: 40, heartbeatTicks: 2, maxInflightAppends: 64, maxAppendBytes: 1 << 20, maxInflightBytes: 8 << 20, maxCatchupAppendBytes: 1 << 20, catchupBytesPerTurn: 8 << 20, lagTicksMax: 1_000, quiesce: true };

const noopMachine: GroupStateMachine<unknown> = { apply: () => undefined, restore() {} };
const dir = await mkdtemp(join(tmpdir(), 'herald-commit-syncs-'));
const hosts = new Map<number, Host>();
const stores: NodeStore[] = [];
const groups = new Map<number, RaftGroup>();
let leaderSyncs = 0;
let leaderTurns = 0;
try {
  for (const id of [1, 2, 3]) {
    const store = await NodeStore.open(join(dir, `node-${id}`));
    stores.push(store);
    const host = new Host({
      nodeId: id,
      peers: [1, 2, 3].filter((peer) => peer !== id),
      store,
      sender: { send: (to: number, messages: readonly GroupMessage[]) => setImmediate(() => hosts.get(to)?.receive(id, messages)) },
      raft: settings,
      logger: pino({ level: 'silent' }),
      onFatal: (err) => {
        throw err;
      },
      onTurn: (stats) => {
        if (id !== 1) return;
        leaderTurns++;
        if (stats.synced) leaderSyncs++;
      },
      addressOf: (nodeId) => `node-${nodeId}`,
      clock: systemClock,
    });
    hosts.set(id, host);
    groups.set(id, await host.openGroup('g', 'g', { voters: [1, 2, 3], learners: [] }, noopMachine));
  }
  for (const host of hosts.values()) host.start();
  const leader = groups.get(1)!;
  leader.campaign();
  const deadline = Date.now() + 30_000;
  while (!leader.isCurrentLeader()) {
    if (Date.now() > deadline) throw new Error('node 1 did not become leader');
    await leader.waitForApply(1_000);
  }
  const data = new Uint8Array(1_024).fill(7);
  const perCommit: number[] = [];
  const syncsBefore = leaderSyncs;
  const turnsBefore = leaderTurns;
  const load = loadavg()[0]!;
  const started = performance.now();
  const answers: Promise<void>[] = [];
  while (answers.length < count) {
    // As many as are due by now: timers come late on a loaded machine, the rate holds.
    const due = Math.min(count, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
    while (answers.length < due) {
      const at = leaderSyncs;
      answers.push(leader.propose(data, ProposalStage.Applied, 60_000, 'the bench entry').result.then(() => void perCommit.push(leaderSyncs - at)));
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(answers);
  perCommit.sort((a, b) => a - b);
  const mean = perCommit.reduce((a, b) => a + b, 0) / perCommit.length;
  console.log(
    JSON.stringify({
      commits: perCommit.length,
      rate,
      leaderSyncedWritesPerCommit: { mean: Number(mean.toFixed(2)), p50: perCommit[Math.floor(perCommit.length / 2)], p99: perCommit[Math.floor(perCommit.length * 0.99)] },
      leaderSyncedWrites: leaderSyncs - syncsBefore,
      leaderTurns: leaderTurns - turnsBefore,
      loadAverage: Number(load.toFixed(1)),
    }),
  );
} finally {
  for (const host of hosts.values()) await host.stop();
  for (const store of stores) await store.close();
  await rm(dir, { recursive: true, force: true });
}
