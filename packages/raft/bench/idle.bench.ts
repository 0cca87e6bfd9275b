// The idle cost of many raft groups: 3 nodes in memory, each hosting a replica of every group
// (10,000 by default), leaders spread evenly, no proposals. Each tick every node runs one host
// turn as packages/broker's host does: it steps the messages that arrived (one frame per peer per
// turn carrying every group's messages, so heartbeats are coalesced per node pair), runs its
// NodeLivenessTracker, ticks its groups, and handles the Ready of every group it touched. Without
// quiescence (no liveness in RaftConfig) every group is ticked every tick and leaders heartbeat;
// with it, the host ticks only groups that are not quiescent. A tick stands for the broker's
// default 50 ms (heartbeat 100 ms = 2 ticks, election timeout 300..600 ms = 6..12 ticks, liveness
// pings every 2 ticks, a peer down after 6 silent ticks).
// Prints, per node and per second of broker time: group ticks, raft messages, frames, and CPU
// (of the whole 3-node loop, divided by 3: a share of one core), idle and with a few groups
// written every tick; then the failover of the groups one node led when it is killed (its
// connections reset). Run with `pnpm bench:idle [groups] [groups written per tick]`.
import { initialState, NodeLivenessTracker, RaftNode, Role, type Message, type NodeId, type RaftConfig } from '../src/index.js';
import { SeededPrng } from '../src/sim/index.js';

const groupCount = Number(process.argv[2] ?? 10_000);
const writtenPerTick = Number(process.argv[3] ?? 10);
const ids: readonly NodeId[] = [1, 2, 3];
const tickMs = 50;
const warmupTicks = 60;
const measureTicks = 100;

interface BenchNode {
  readonly id: NodeId;
  readonly groups: RaftNode[];
  readonly liveness: NodeLivenessTracker | null;
  /** Groups that are not quiescent (all of them without quiescence). */
  readonly active: Set<number>;
  /** Groups proposed to since the last turn: their Ready is handled in the next one. */
  readonly proposed: Set<number>;
  up: boolean;
}

interface Counters {
  groupTicks: number;
  messages: number;
  frames: number;
  pings: number;
}

/** Messages in flight: sent in one turn, stepped in the receiver's next turn. */
type Frame = { readonly from: NodeId; readonly messages: { group: number; message: Message }[] };

class IdleCluster {
  readonly nodes: BenchNode[];
  readonly counters: Counters = { groupTicks: 0, messages: 0, frames: 0, pings: 0 };
  private inboxes = new Map<NodeId, Frame[]>();

  constructor(readonly quiesce: boolean) {
    this.nodes = ids.map((id) => {
      const liveness = quiesce ? new NodeLivenessTracker({ self: id, peers: ids, pingTicks: 2, timeoutTicks: 6 }) : null;
      const groups = Array.from({ length: groupCount }, (_, g) => {
        const config: RaftConfig = {
          id, electionTicksMin: 6, electionTicksMax: 12, heartbeatTicks: 2, preVote: true, checkQuorum: true,
          maxInflightAppends: 256, maxAppendBytes: 1 << 20, maxInflightBytes: 4 << 20, lagTicksMax: 200,
          prng: SeededPrng.derive(g, id), ...(liveness !== null ? { liveness } : {}),
        };
        return new RaftNode(config, initialState({ voters: [...ids], learners: [] }));
      });
      return { id, groups, liveness, active: new Set(groups.keys()), proposed: new Set<number>(), up: true };
    });
    for (const id of ids) this.inboxes.set(id, []);
  }

  /** Elects the leader of group g on node 1 + g % 3, so every node leads a third. */
  electSpread(): void {
    const dirty = ids.map(() => new Set<number>());
    for (let g = 0; g < groupCount; g++) {
      const node = this.nodes[g % 3]!;
      node.groups[g]!.campaign();
      dirty[g % 3]!.add(g);
    }
    for (const node of this.nodes) this.handleReady(node, dirty[node.id - 1]!);
    for (let i = 0; i < 10; i++) this.tick();
    for (let g = 0; g < groupCount; g++) {
      if (this.nodes[g % 3]!.groups[g]!.status().role !== Role.Leader) throw new Error(`group ${g} has no leader on n${1 + (g % 3)}`);
    }
  }

  /** Proposes at group g's leader, n(1 + g % 3); the next turn handles it, as a host's schedule(). */
  propose(g: number, data: Uint8Array): void {
    const node = this.nodes[g % 3]!;
    const result = node.groups[g]!.propose(data);
    if (!result.ok) throw new Error(`group ${g} refused a proposal: ${result.reason}`);
    node.proposed.add(g);
  }

  /** One turn on every running node. */
  tick(): void {
    const inboxes = this.inboxes;
    this.inboxes = new Map(ids.map((id) => [id, []]));
    for (const node of this.nodes) {
      if (!node.up) continue;
      const dirty = new Set<number>(node.proposed);
      node.proposed.clear();
      for (const frame of inboxes.get(node.id)!) {
        if (node.liveness?.heard(frame.from) === true) this.everyGroup(node, dirty, (raft) => raft.peerUp(frame.from));
        for (const { group, message } of frame.messages) {
          node.groups[group]!.step(message);
          dirty.add(group);
        }
      }
      if (node.liveness !== null) {
        const { down, ping } = node.liveness.tick();
        for (const peer of down) this.everyGroup(node, dirty, (raft) => raft.peerDown(peer));
        if (ping) {
          for (const to of ids) {
            if (to === node.id || !this.nodes[to - 1]!.up) continue;
            this.frameTo(node.id, to); // a ping is a frame, even an empty one
            this.counters.pings++;
          }
        }
      }
      for (const g of node.active) {
        node.groups[g]!.tick();
        dirty.add(g);
        this.counters.groupTicks++;
      }
      this.handleReady(node, dirty);
    }
    for (const frames of this.inboxes.values()) this.counters.frames += frames.length;
  }

  /** Kills node `id`: its peers see its connections reset, and call peerDown in every group. */
  crash(id: NodeId): void {
    const dead = this.nodes[id - 1]!;
    dead.up = false;
    for (const node of this.nodes) {
      if (node === dead || node.liveness === null) continue;
      if (!node.liveness.connectionLost(id)) continue;
      const dirty = new Set<number>();
      this.everyGroup(node, dirty, (raft) => raft.peerDown(id));
      this.handleReady(node, dirty);
    }
    if (this.quiesce) return;
    // Without quiescence the host campaigns the groups whose leader's connection reset (Host.peerLost).
    for (const node of this.nodes) {
      if (node === dead) continue;
      const dirty = new Set<number>();
      node.groups.forEach((raft, g) => {
        if (raft.status().leaderId === id) {
          raft.campaign();
          dirty.add(g);
        }
      });
      this.handleReady(node, dirty);
    }
  }

  private everyGroup(node: BenchNode, dirty: Set<number>, call: (raft: RaftNode) => void): void {
    node.groups.forEach((raft, g) => {
      call(raft);
      dirty.add(g);
    });
  }

  private frameTo(from: NodeId, to: NodeId): Frame {
    const inbox = this.inboxes.get(to)!;
    let frame = inbox.find((f) => f.from === from);
    if (frame === undefined) inbox.push((frame = { from, messages: [] }));
    return frame;
  }

  private handleReady(node: BenchNode, dirty: Set<number>): void {
    const frames = new Map<NodeId, Frame>();
    for (const g of dirty) {
      const raft = node.groups[g]!;
      while (raft.hasReady()) {
        const ready = raft.ready();
        for (const message of ready.messages) {
          this.counters.messages++;
          if (!this.nodes[message.to - 1]!.up) continue;
          let frame = frames.get(message.to);
          if (frame === undefined) frames.set(message.to, (frame = this.frameTo(node.id, message.to)));
          frame.messages.push({ group: g, message });
        }
        for (const event of ready.events) {
          if (event.type === 'Quiesced') node.active.delete(g);
          else if (event.type === 'Woke') node.active.add(g);
        }
        raft.advance();
      }
    }
  }
}

/** Runs `measureTicks` ticks, proposing one entry to each of `written` groups (the next ones in
 *  turn) before every tick, and prints the rates. */
function measureWindow(c: IdleCluster, label: string, written: number): void {
  const data = new Uint8Array(100);
  let next = 0;
  const before = { ...c.counters };
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < measureTicks; i++) {
    for (let w = 0; w < written; w++, next = (next + 1) % groupCount) c.propose(next, data);
    c.tick();
  }
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (measureTicks * tickMs) / 1000;
  const perNodeSecond = (key: keyof Counters) => Math.round((c.counters[key] - before[key]) / ids.length / seconds);
  const cpuShare = (cpu.user + cpu.system) / 1000 / ids.length / (seconds * 1000);
  const quiescent = c.nodes.reduce((n, node) => n + node.groups.filter((g) => g.isQuiescent()).length, 0);
  console.log(`${label}: per node per second: ${perNodeSecond('groupTicks').toLocaleString('en-US')} group ticks, ` +
    `${perNodeSecond('messages').toLocaleString('en-US')} raft messages, ${perNodeSecond('pings')} liveness pings, ${perNodeSecond('frames')} frames; ` +
    `CPU ${(cpuShare * 100).toFixed(2)}% of a core (${quiescent.toLocaleString('en-US')} of ${(groupCount * ids.length).toLocaleString('en-US')} replicas quiescent at the end)`);
}

function measure(quiesce: boolean): void {
  const c = new IdleCluster(quiesce);
  c.electSpread();
  for (let i = 0; i < warmupTicks; i++) c.tick();
  const label = quiesce ? 'quiescence   ' : 'no quiescence';
  measureWindow(c, `${label}, idle`, 0);
  measureWindow(c, `${label}, ${writtenPerTick} groups written per tick`, writtenPerTick);
  for (let i = 0; i < warmupTicks; i++) c.tick();

  // Kill n1: the groups it led (a third) must get new leaders; count the ticks and the CPU.
  // (The proposals above went to every group's leader, so n1 still leads a third.)
  const failCpu = process.cpuUsage();
  c.crash(1);
  let ticks = 0;
  const led = (g: number) => g % 3 === 0;
  const leaderless = () => {
    let n = 0;
    for (let g = 0; g < groupCount; g++) if (led(g) && c.nodes[1]!.groups[g]!.status().role !== Role.Leader && c.nodes[2]!.groups[g]!.status().role !== Role.Leader) n++;
    return n;
  };
  while (leaderless() > 0) {
    if (++ticks > 100) throw new Error(`${leaderless()} groups still leaderless after 100 ticks`);
    c.tick();
  }
  const failMs = (() => {
    const u = process.cpuUsage(failCpu);
    return (u.user + u.system) / 1000;
  })();
  console.log(`  n1 killed: every group it led (${Math.ceil(groupCount / 3).toLocaleString('en-US')}) has a new leader after ${ticks} ticks ` +
    `(${ticks * tickMs} ms of broker time; ${Math.round(failMs)} ms of CPU for the 2 nodes left)`);
}

console.log(`${groupCount.toLocaleString('en-US')} idle groups on ${ids.length} nodes, ${measureTicks} ticks of ${tickMs} ms measured after ${warmupTicks} of warm-up`);
measure(false);
measure(true);
