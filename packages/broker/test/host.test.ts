// The host loop under slow turns: three Hosts in this process, each with its own NodeStore on
// disk, wired by an in-memory sender, running one raft group. A store wrapper makes one chosen
// write take seconds, as a large catch-up write or a stalled fsync does (test/bench/
// rejoin-catchup.ts measured 2.2 s for 51 MB). Ticks keep coming meanwhile, and so do peers'
// messages; what the host steps first, and how many ticks at once, decides whether a healthy
// leader survives the slow turn.
import { Role, type NodeId, type RaftEvent } from '@herald/raft';
import { NodeStore } from '@herald/storage';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { Host, ticksPerTurnMax, type GroupMessage, type HostedGroup, type HostRaftSettings } from '../src/host/host.js';

const GROUP = 'g';
const members = { voters: [1, 2, 3], learners: [] };
const noopMachine = { apply() {}, restore() {}, afterTurn() {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// 10 ms ticks. Timeouts are long enough for a loaded machine's timer hiccups, and the slow
// writes several times longer still.
/** Election timeouts of 0.5..1 s, heartbeats every 50 ms. */
const fast: HostRaftSettings = { tickMs: 10, electionTicksMin: 50, electionTicksMax: 100, heartbeatTicks: 5, maxInflightAppends: 16, maxAppendBytes: 1 << 20, maxInflightBytes: 1 << 20, lagTicksMax: 1_000 };
/** Followers that do not campaign during the leader's slow write (6..12 s). */
const patient: HostRaftSettings = { ...fast, electionTicksMin: 600, electionTicksMax: 1_200 };

interface Node {
  readonly host: Host;
  readonly store: NodeStore;
  group: HostedGroup;
  readonly events: RaftEvent[];
  /** Bytes each storage write of the node wrote, in order. */
  readonly writes: number[];
  /** The next storage write takes `nextWriteMs` longer. */
  readonly slow: { nextWriteMs: number };
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});

/** Three hosts; `late` ones host no group until openGroup() is called for them. */
async function cluster(settings: (id: NodeId) => HostRaftSettings, late: readonly NodeId[] = []): Promise<Map<NodeId, Node>> {
  const nodes = new Map<NodeId, Node>();
  const dir = await mkdtemp(join(tmpdir(), 'herald-host-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const deliver = (to: NodeId, messages: readonly GroupMessage[]) => setImmediate(() => nodes.get(to)?.host.receive(messages));
  for (const id of [1, 2, 3]) {
    const store = await NodeStore.open(join(dir, `node-${id}`));
    const events: RaftEvent[] = [];
    const writes: number[] = [];
    const slow = { nextWriteMs: 0 };
    const slowStore = Object.create(store) as NodeStore;
    slowStore.batch = () => {
      const batch = store.batch();
      const write = batch.write.bind(batch);
      batch.write = async (options) => {
        const delayMs = slow.nextWriteMs;
        slow.nextWriteMs = 0;
        if (delayMs > 0) await sleep(delayMs);
        return write(options);
      };
      return batch;
    };
    const host = new Host({
      nodeId: id,
      store: slowStore,
      sender: { send: deliver },
      raft: settings(id),
      logger: pino({ level: 'silent' }),
      onFatal: (err) => {
        throw err;
      },
      onEvents: (_group, e) => events.push(...e),
      onTurn: (stats) => {
        if (stats.bytesWritten > 0) writes.push(stats.bytesWritten);
      },
    });
    const group = late.includes(id) ? (undefined as unknown as HostedGroup) : await openGroup(host);
    nodes.set(id, { host, store, group, events, writes, slow });
    cleanup.push(async () => {
      await host.stop();
      await store.close();
    });
  }
  for (const node of nodes.values()) node.host.start();
  return nodes;
}

function openGroup(host: Host): Promise<HostedGroup> {
  const opened = host.openGroup(GROUP, members, noopMachine);
  host.schedule();
  return opened;
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function electNode1(nodes: Map<NodeId, Node>, followers: readonly NodeId[] = [2, 3]): Promise<Node> {
  const leader = nodes.get(1)!;
  leader.group.raft.campaign();
  leader.host.schedule();
  await until(() => leader.group.raft.status().role === Role.Leader && followers.every((id) => nodes.get(id)!.group.raft.status().leaderId === 1), 'node 1 leading');
  return leader;
}

it('caps the ticks one turn steps below an election timeout', () => {
  expect(ticksPerTurnMax(fast)).toBe(49);
  expect(ticksPerTurnMax({ ...fast, electionTicksMin: 1 })).toBe(1);
});

it('a leader whose write took several election timeouts keeps its leadership: its followers answered meanwhile', async () => {
  // Method: node 1 leads with a 0.5..1 s election timeout; its followers have 6..12 s ones, so
  // that they stay loyal through the slow write. Node 1 proposes, and that turn's write takes
  // 2 s: about 200 ticks pass, and the followers' acks arrive, during it. Stepping the ticks
  // first ran CheckQuorum several times with nothing heard in between, and node 1 stepped down.
  const nodes = await cluster((id) => (id === 1 ? fast : patient));
  const leader = await electNode1(nodes);
  const term = leader.group.raft.status().term;
  await sleep(100);
  leader.slow.nextWriteMs = 2_000;
  const proposed = leader.group.raft.propose(new Uint8Array([1]));
  expect(proposed.ok).toBe(true);
  leader.host.schedule();
  await sleep(2_500);
  const status = leader.group.raft.status();
  expect(status.role).toBe(Role.Leader);
  expect(status.term).toBe(term);
  expect(status.commitIndex).toBeGreaterThanOrEqual(proposed.ok ? proposed.index : 0);
});

it('a follower whose write took several election timeouts does not campaign: its leader\'s heartbeats waited for it', async () => {
  // Method: node 1 leads, with 0.5..1 s election timeouts everywhere; node 2's write of the next
  // proposal takes 3 s while node 1 goes on heartbeating. Stepping the ticks first timed node 2
  // out before it saw those heartbeats, and it started a (pre-)election.
  const nodes = await cluster(() => fast);
  const leader = await electNode1(nodes);
  const follower = nodes.get(2)!;
  await sleep(100);
  follower.events.length = 0;
  follower.slow.nextWriteMs = 3_000;
  leader.group.raft.propose(new Uint8Array([2]));
  leader.host.schedule();
  await until(() => follower.group.raft.status().appliedIndex >= leader.group.raft.status().lastIndex, 'node 2 caught up', 10_000);
  await sleep(200);
  expect(follower.events.filter((e) => e.type === 'ElectionStarted')).toEqual([]);
  expect(leader.group.raft.status().role).toBe(Role.Leader);
});

it('a node catching up steps at most maxAppendBytes of entries per turn, so every turn stays short', async () => {
  // Method: nodes 1 and 2 commit 2 MiB in 64 entries of 32 KiB; node 3 opens the group only
  // then, empty, and node 1 catches it up with 1 MiB in flight at a time. Node 3 must write it in
  // turns of at most 64 KiB of entries (its maxAppendBytes, plus the hard state and keys), not
  // in 1 MiB gulps.
  const small: HostRaftSettings = { ...fast, maxAppendBytes: 64 << 10, maxInflightBytes: 1 << 20, maxInflightAppends: 256 };
  const nodes = await cluster(() => small, [3]);
  const leader = await electNode1(nodes, [2]);
  for (let i = 0; i < 64; i++) leader.group.raft.propose(new Uint8Array(32 << 10).fill(i));
  leader.host.schedule();
  await until(() => leader.group.raft.status().commitIndex >= 65, 'the 64 entries committed');
  const late = nodes.get(3)!;
  late.group = await openGroup(late.host);
  await until(() => late.group.raft.status().appliedIndex >= 65, 'node 3 caught up', 10_000); // applied: written
  const total = late.writes.reduce((a, b) => a + b, 0);
  expect(total).toBeGreaterThan(2 << 20);
  expect(Math.max(...late.writes)).toBeLessThanOrEqual((64 << 10) + (4 << 10));
});
