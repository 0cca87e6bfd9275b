// Commit throughput of the raft core alone: 3 nodes in memory, a perfect network (every message
// delivered in order, at once), no faults, no checkers. Each turn the leader gets a batch of
// 1 KiB proposals, then every node's Ready is handled (persist is a no-op, send is a queue push,
// apply counts) until the group is quiet; a tick every few turns keeps heartbeats flowing, and
// a compaction every 64 turns keeps the in-memory logs short.
// Prints the median of 5 runs of about 2 s each, after a 1 s warm-up. Run with `pnpm bench:raft`.
import { initialState, RaftNode, Role, type Message, type NodeId, type RaftConfig } from '../src/index.js';
import { SeededPrng } from '../src/sim/index.js';

const entryBytes = 1024;
const batchEntries = 64;
const runMs = 2_000;
const runs = 5;

function run(durationMs: number): { entriesPerSecond: number; committed: number } {
  const ids: NodeId[] = [1, 2, 3];
  const nodes = new Map<NodeId, RaftNode>();
  for (const id of ids) {
    const config: RaftConfig = {
      id, electionTicksMin: 10, electionTicksMax: 20, heartbeatTicks: 2, preVote: true, checkQuorum: true,
      maxInflightAppends: 256, maxAppendBytes: 1 << 20, maxInflightBytes: 8 << 20, lagTicksMax: 20, prng: SeededPrng.derive(1, id),
    };
    nodes.set(id, new RaftNode(config, initialState({ voters: ids, learners: [] })));
  }
  let queue: Message[] = [];
  let committed = 0;
  const drain = (): void => {
    for (;;) {
      for (const [id, node] of nodes) {
        while (node.hasReady()) {
          const ready = node.ready();
          for (const m of ready.messages) queue.push(m);
          if (id === 1) committed += ready.committed.length;
          node.advance();
        }
      }
      if (queue.length === 0) return;
      const delivering = queue;
      queue = [];
      for (const m of delivering) nodes.get(m.to)?.step(m);
    }
  };
  const leader = nodes.get(1) as RaftNode;
  leader.campaign();
  drain();
  if (leader.status().role !== Role.Leader) throw new Error('node 1 did not become leader');

  const data = new Uint8Array(entryBytes).fill(7);
  const empty = new Uint8Array(0);
  const startCommitted = committed;
  const started = performance.now();
  let turn = 0;
  while (performance.now() - started < durationMs) {
    for (let i = 0; i < batchEntries; i++) {
      const result = leader.propose(data);
      if (!result.ok) throw new Error(`proposal refused: ${result.reason}`);
    }
    drain();
    if (++turn % 4 === 0) {
      for (const node of nodes.values()) node.tick();
      drain();
    }
    if (turn % 64 === 0) {
      // Keep memory flat, as a host that snapshots its state machine does.
      for (const node of nodes.values()) node.compact(node.status().appliedIndex, empty);
    }
  }
  const elapsedMs = performance.now() - started;
  const count = committed - startCommitted;
  return { entriesPerSecond: count / (elapsedMs / 1000), committed: count };
}

run(1_000); // warm-up: let the JIT compile the hot paths before anything is measured
const results: number[] = [];
for (let i = 0; i < runs; i++) {
  const { entriesPerSecond, committed } = run(runMs);
  results.push(entriesPerSecond);
  console.log(`run ${i + 1}: ${Math.round(entriesPerSecond).toLocaleString('en-US')} entries/s (${committed.toLocaleString('en-US')} entries)`);
}
const median = [...results].sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
console.log(`raft commit throughput: median ${Math.round(median).toLocaleString('en-US')} entries/s ` +
  `(${((median * entryBytes) / 2 ** 20).toFixed(1)} MiB/s) of ${entryBytes}-byte entries, 3 nodes in memory, ` +
  `batches of ${batchEntries}, median of ${runs} runs of ${runMs / 1000} s`);
