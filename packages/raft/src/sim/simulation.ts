import { None, type Membership, type Mutations, type NodeId } from '../types.js';
import { SimCluster, type ClusterStats } from './cluster.js';
import { SeededPrng } from './prng.js';

/** The knobs of one simulated run. Rates are probabilities per tick unless said otherwise. */
export interface SimulationOptions {
  readonly seed: number;
  readonly nodes: number;
  /** Per message. */
  readonly dropRate: number;
  /** Per message. */
  readonly duplicateRate: number;
  /** Chance that a partition starts, when none is in force. */
  readonly partitionRate: number;
  /** Chance that a node crashes. */
  readonly crashRate: number;
  /** Chance that a node pauses, as under SIGSTOP (default: crashRate). It resumes after the same
   *  range of ticks a crashed node stays down. */
  readonly pauseRate?: number;
  readonly delayTicksMin?: number;
  readonly delayTicksMax?: number;
  /** Chance that the partition in force heals (default 0.05: about 20 ticks). */
  readonly healRate?: number;
  /** A crashed node restarts after a uniform number of ticks in this range (default 5..60). */
  readonly downTicksMin?: number;
  readonly downTicksMax?: number;
  /** Chance of a client proposal (default 0.5). */
  readonly proposeRate?: number;
  /** Chance, per live node, of compacting once it applied compactEntriesMin entries since its
   *  snapshot (defaults 0.1 and 8). */
  readonly compactRate?: number;
  readonly compactEntriesMin?: number;
  /** Chance of a leadership transfer to a random voter (default 0.005). */
  readonly transferRate?: number;
  /** Chance of the next membership change: remove a voter, add it back as learner, promote it
   *  (default 0.005). */
  readonly membershipRate?: number;
  /** Chance of a spurious campaign() at a random node, as on a reset connection (default 0.002);
   *  with quiescence, of a connection reset between two running nodes, which the liveness
   *  tracker of one takes for the other's death. A crashed leader's followers always campaign, as
   *  their hosts see its connections reset. */
  readonly campaignRate?: number;
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  /** Bytes of entry data per Append (default 4096; 1 sends one entry per Append). */
  readonly maxAppendBytes?: number;
  /** Bytes of entry data in flight per follower (default: unbounded; only the count bounds). */
  readonly maxInflightBytes?: number;
  readonly mutations?: Mutations;
  /** Quiescence and node-level failure detection (SimClusterOptions.quiesce; default off). */
  readonly quiesce?: boolean;
  /** Raft groups sharing the nodes (default 1); each action picks one at random. */
  readonly groups?: number;
  /** Chance, while faults run, that clients go quiet for 20..120 ticks (default 0): no proposals,
   *  so idle groups quiesce while crashes, pauses and partitions go on. */
  readonly quietRate?: number;
  /** With quiescence: deferred campaigns after a verdict, at most this many per tick and node
   *  (SimClusterOptions.campaignsPerTick; default: none deferred). */
  readonly campaignsPerTick?: number;
}

/** Ticks of the faulty phase per seed in the sweep (pnpm sim and sim.test.ts). */
export const defaultTicks = 400;

/** Counters of one run. */
export interface SimulationStats extends ClusterStats {
  ticks: number;
  /** Entries committed (the highest index known committed, summed over the groups). */
  commits: number;
  proposals: number;
  partitions: number;
  transfers: number;
  membershipChanges: number;
  compactions: number;
}

/** Progress did not resume after the faults stopped. */
export class LivenessViolation extends Error {
  constructor(
    readonly seed: number,
    detail: string,
  ) {
    super(`liveness violated (seed ${seed}): ${detail}`);
    this.name = 'LivenessViolation';
  }
}

/** The options the sweep uses for a seed: the node count alternates (odd seeds 3, even 5) and
 *  the fault rates are drawn from the seed, so that the sweep covers calm and rough networks and
 *  a seed alone replays a run. Half the seeds run with quiescence, with one or three groups and
 *  quiet spells, and half of those with deferred campaigns (one per tick and node); the choices
 *  are drawn last, so the other seeds run as they did before it. */
export function simulationOptionsFor(seed: number, overrides: Partial<SimulationOptions> = {}): SimulationOptions {
  const prng = SeededPrng.derive(seed, 7_919);
  return {
    seed,
    nodes: seed % 2 === 1 ? 3 : 5,
    dropRate: prng.pick([0, 0.02, 0.05, 0.1, 0.2]),
    duplicateRate: prng.pick([0, 0.02, 0.1]),
    partitionRate: prng.pick([0.005, 0.01, 0.03]),
    crashRate: prng.pick([0, 0.003, 0.01, 0.02]),
    delayTicksMin: 0.05,
    delayTicksMax: prng.pick([0.5, 1, 2, 4]),
    downTicksMax: prng.pick([20, 60]),
    transferRate: prng.pick([0.005, 0.03]),
    membershipRate: prng.pick([0.005, 0.03]),
    compactEntriesMin: prng.pick([2, 8, 32]),
    // One entry per Append, a few, or everything: different reorderings and flow-control paths.
    maxAppendBytes: prng.pick([0, 64, 4096]),
    // Byte-bounded flight (a window smaller than, about, or far above one Append), or none.
    maxInflightBytes: prng.pick([1, 64, 256, Number.MAX_SAFE_INTEGER]),
    ...quiescenceOptions(prng),
    ...overrides,
  };
}

function quiescenceOptions(prng: SeededPrng): Partial<SimulationOptions> {
  if (!prng.chance(0.5)) return {};
  const options = { quiesce: true, groups: prng.pick([1, 3]), quietRate: prng.pick([0.01, 0.05]) };
  // Drawn after the others, so that seeds without it run as they did before it.
  return prng.chance(0.5) ? { ...options, campaignsPerTick: 1 } : options;
}

/**
 * A seeded random schedule over a SimCluster. Each tick it may heal or start a partition
 * (isolate the leader, split majority/minority, cut links one way, or split with no majority),
 * crash or pause a node (often the leader) and later restart or resume it, propose, compact, transfer leadership,
 * change membership or force a campaign; then it ticks the cluster, whose checkers run after
 * every step. heal() stops the faults; runUntil() then demands progress within a bound.
 */
export class Simulation {
  readonly cluster: SimCluster;
  readonly options: SimulationOptions;
  private readonly prng: SeededPrng;
  private readonly restartAt = new Map<NodeId, number>();
  private readonly resumeAt = new Map<NodeId, number>();
  private faults = true;
  private proposals = 0;
  private partitions = 0;
  private transfers = 0;
  private membershipChanges = 0;
  private compactions = 0;
  private commitIndexAtHeal: number[] = [];
  /** No proposals before this tick (a quiet spell). */
  private quietUntil = 0;

  constructor(options: SimulationOptions) {
    this.options = options;
    this.prng = SeededPrng.derive(options.seed, 1_000_003);
    this.cluster = new SimCluster({
      nodes: options.nodes,
      seed: options.seed,
      network: {
        dropRate: options.dropRate,
        duplicateRate: options.duplicateRate,
        delayTicksMin: options.delayTicksMin ?? 0.05,
        delayTicksMax: options.delayTicksMax ?? 1,
      },
      keepApplied: false,
      traceLinesMax: 300,
      ...(options.preVote !== undefined ? { preVote: options.preVote } : {}),
      ...(options.checkQuorum !== undefined ? { checkQuorum: options.checkQuorum } : {}),
      ...(options.maxAppendBytes !== undefined ? { maxAppendBytes: options.maxAppendBytes } : {}),
      ...(options.maxInflightBytes !== undefined ? { maxInflightBytes: options.maxInflightBytes } : {}),
      ...(options.mutations !== undefined ? { mutations: options.mutations } : {}),
      ...(options.quiesce !== undefined ? { quiesce: options.quiesce } : {}),
      ...(options.groups !== undefined ? { groups: options.groups } : {}),
      ...(options.campaignsPerTick !== undefined ? { campaignsPerTick: options.campaignsPerTick } : {}),
    });
  }

  /** Runs `ticks` ticks of the random schedule. Safety violations throw. */
  run(options: { ticks: number }): void {
    for (let i = 0; i < options.ticks; i++) {
      this.schedule();
      this.cluster.tick();
    }
  }

  /** Stops the faults: heals every link and restarts every crashed node. The network keeps its
   *  loss and delays (a healthy majority must make progress over an unreliable network). */
  heal(): void {
    this.faults = false;
    this.cluster.heal();
    for (const id of this.cluster.ids) {
      this.cluster.restart(id);
      this.cluster.resume(id);
    }
    this.restartAt.clear();
    this.resumeAt.clear();
    this.quietUntil = 0;
    this.commitIndexAtHeal = this.cluster.histories.map((h) => h.commitIndex);
  }

  /** Entries committed since heal() in the group that committed fewest. */
  committedSinceHeal(): number {
    return Math.min(...this.cluster.histories.map((h, group) => h.commitIndex - (this.commitIndexAtHeal[group] ?? 0)));
  }

  /** Runs the schedule (clients keep proposing) until `condition` holds; a LivenessViolation if
   *  it does not within ticksMax. */
  runUntil(condition: () => boolean, options: { ticksMax: number; what?: string }): number {
    for (let ticks = 0; ; ticks++) {
      if (condition()) return ticks;
      if (ticks >= options.ticksMax) {
        throw new LivenessViolation(this.options.seed, `${options.what ?? 'condition'} did not hold within ` +
          `${options.ticksMax} ticks of heal (tick ${this.cluster.ticks})`);
      }
      this.schedule();
      this.cluster.tick();
    }
  }

  /** The whole run for the sweep: the faulty phase, heal, then at least 10 commits within
   *  livenessTicksMax ticks. Returns the statistics. */
  runAll(options: { ticks: number; livenessTicksMax?: number }): SimulationStats {
    this.run({ ticks: options.ticks });
    this.heal();
    this.runUntil(() => this.committedSinceHeal() >= 10, {
      ticksMax: options.livenessTicksMax ?? 1_000,
      what: '10 new entries committed',
    });
    return this.stats();
  }

  stats(): SimulationStats {
    return {
      ...this.cluster.stats,
      ticks: this.cluster.ticks,
      commits: this.cluster.histories.reduce((sum, h) => sum + h.commitIndex, 0),
      proposals: this.proposals,
      partitions: this.partitions,
      transfers: this.transfers,
      membershipChanges: this.membershipChanges,
      compactions: this.compactions,
    };
  }

  /** One tick's worth of random decisions. */
  private schedule(): void {
    const { cluster, prng, options } = this;
    if (this.faults) {
      this.restartDue();
      if (cluster.network.partitioned) {
        if (prng.chance(options.healRate ?? 0.05)) cluster.heal();
      } else if (prng.chance(options.partitionRate)) {
        this.startPartition();
      }
      if (prng.chance(options.crashRate)) this.crashOne();
      if (prng.chance(options.pauseRate ?? options.crashRate)) this.pauseOne();
      if (prng.chance(options.campaignRate ?? 0.002)) {
        if (options.quiesce === true) this.resetConnection();
        else this.campaignAt(prng.pick(cluster.ids));
      }
      if (prng.chance(options.transferRate ?? 0.005)) this.transfer();
      if (prng.chance(options.membershipRate ?? 0.005)) this.changeMembership();
      if (cluster.ticks >= this.quietUntil && prng.chance(options.quietRate ?? 0)) this.quietUntil = cluster.ticks + prng.nextInt(20, 120);
    }
    if (cluster.ticks >= this.quietUntil && prng.chance(options.proposeRate ?? 0.5)) this.propose();
    for (let group = 0; group < cluster.groups; group++) {
      for (const id of cluster.ids) {
        if (!this.isRunning(id) || !prng.chance(options.compactRate ?? 0.1)) continue;
        const machine = cluster.machine(id, group);
        if (machine.appliedIndex - cluster.disk(id, group).snapshotIndex >= (options.compactEntriesMin ?? 8) && cluster.compact(id, group)) {
          this.compactions++;
        }
      }
    }
  }

  /** A group for the next action: one at random when there are several (no draw otherwise, so a
   *  one-group run draws what it always drew). */
  private group(): number {
    return this.cluster.groups > 1 ? this.prng.nextInt(0, this.cluster.groups - 1) : 0;
  }

  private restartDue(): void {
    for (const [id, at] of this.restartAt) {
      if (at > this.cluster.ticks) continue;
      this.restartAt.delete(id);
      this.cluster.restart(id);
    }
    for (const [id, at] of this.resumeAt) {
      if (at > this.cluster.ticks) continue;
      this.resumeAt.delete(id);
      this.cluster.resume(id);
    }
  }

  private downTicks(): number {
    return this.prng.nextInt(this.options.downTicksMin ?? 5, this.options.downTicksMax ?? 60);
  }

  /** Pauses a running node, the leader half the time (a stale leader waking up is the classic). */
  private pauseOne(): void {
    const { cluster, prng } = this;
    const running = cluster.ids.filter((id) => this.isRunning(id));
    if (running.length === 0) return;
    const leader = cluster.leader(this.group());
    const id = running.includes(leader) && prng.chance(0.5) ? leader : prng.pick(running);
    cluster.pause(id);
    this.resumeAt.set(id, cluster.ticks + this.downTicks());
  }

  private startPartition(): void {
    const { cluster, prng } = this;
    const ids = cluster.ids;
    const leader = cluster.leader(this.group());
    this.partitions++;
    switch (prng.nextInt(0, 4)) {
      case 0: // the leader alone on one side
        cluster.isolate(leader !== None ? leader : prng.pick(ids));
        return;
      case 1: {
        // a random minority against the majority
        const shuffled = prng.shuffle(ids);
        const minority = prng.nextInt(1, Math.floor((ids.length - 1) / 2));
        cluster.partition([shuffled.slice(0, minority), shuffled.slice(minority)]);
        return;
      }
      case 2: // one-way: the leader's messages to some followers are lost, their answers are not
        for (const to of ids) if (to !== leader && prng.chance(0.5)) cluster.cutOneWay(leader !== None ? leader : prng.pick(ids), to);
        return;
      case 3: {
        // one node hears nobody but is heard by all (or the reverse)
        const id = prng.pick(ids);
        const inbound = prng.chance(0.5);
        for (const other of ids) if (other !== id) cluster.cutOneWay(inbound ? other : id, inbound ? id : other);
        return;
      }
      default: {
        // three groups: with 5 nodes, no side has a majority
        const shuffled = prng.shuffle(ids);
        const a = prng.nextInt(1, ids.length - 2);
        const b = prng.nextInt(a + 1, ids.length - 1);
        cluster.partition([shuffled.slice(0, a), shuffled.slice(a, b), shuffled.slice(b)]);
      }
    }
  }

  private crashOne(): void {
    const { cluster, prng, options } = this;
    const up = cluster.ids.filter((id) => cluster.isUp(id));
    if (up.length === 0) return;
    const leader = cluster.leader(this.group());
    const id = leader !== None && prng.chance(0.5) ? leader : prng.pick(up);
    const led = Array.from({ length: cluster.groups }, (_, group) => group).filter((group) => cluster.leader(group) === id);
    cluster.crash(id);
    this.resumeAt.delete(id);
    this.restartAt.set(id, cluster.ticks + this.downTicks());
    // The followers' hosts see the leader's connections reset, and each campaigns at once. With
    // quiescence the cluster's liveness trackers do that (crash() resets the connections).
    if (options.quiesce !== true) {
      for (const group of led) for (const other of up) if (other !== id) this.campaignAt(other, group);
    }
  }

  /** A connection between two running nodes resets, seen from one side. */
  private resetConnection(): void {
    const [id, peer] = this.prng.shuffle(this.cluster.ids);
    if (id !== undefined && peer !== undefined && this.isRunning(id)) this.cluster.resetConnection(id, peer);
  }

  private campaignAt(id: NodeId, group = this.group()): void {
    if (this.isRunning(id)) this.cluster.campaign(id, group);
  }

  /** Up and not paused: able to act on a call from its host. */
  private isRunning(id: NodeId): boolean {
    return this.cluster.isUp(id) && !this.cluster.isPaused(id);
  }

  private propose(): void {
    const { cluster, prng } = this;
    const group = this.group();
    const leader = cluster.leader(group);
    // Mostly at the leader; sometimes at a random node, which a follower must refuse.
    const id = leader !== None && prng.chance(0.9) ? leader : prng.pick(cluster.ids);
    if (!this.isRunning(id)) return;
    this.proposals++;
    cluster.propose(id, `s${this.options.seed}p${this.proposals}`, group);
  }

  private transfer(): void {
    const { cluster, prng } = this;
    const group = this.group();
    const leader = cluster.leader(group);
    if (leader === None || !this.isRunning(leader)) return;
    const voters = cluster.node(leader, group).membership.voters.filter((id) => id !== leader);
    if (voters.length === 0) return;
    this.transfers++;
    cluster.transferLeadership(leader, prng.pick(voters), group);
  }

  /** The next step of the cycle: remove a voter (never the leader), add it back as a learner,
   *  promote it. Voters never drop below two. */
  private changeMembership(): void {
    const { cluster, prng } = this;
    const group = this.group();
    const leader = cluster.leader(group);
    if (leader === None || !this.isRunning(leader)) return;
    const current = cluster.node(leader, group).membership;
    let next: Membership;
    const learner = current.learners[0];
    const absent = cluster.ids.find((id) => !current.voters.includes(id) && !current.learners.includes(id));
    if (learner !== undefined) {
      next = { voters: [...current.voters, learner], learners: current.learners.filter((id) => id !== learner) };
    } else if (absent !== undefined) {
      next = { voters: current.voters, learners: [...current.learners, absent] };
    } else {
      const removable = current.voters.filter((id) => id !== leader);
      if (current.voters.length <= 2 || removable.length === 0) return;
      const removed = prng.pick(removable);
      next = { voters: current.voters.filter((id) => id !== removed), learners: current.learners };
    }
    this.membershipChanges++;
    cluster.proposeMembership(leader, next, group);
  }
}
