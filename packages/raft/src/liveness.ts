import { assert } from './assert.js';
import type { NodeId, NodeLiveness } from './types.js';

/** How a NodeLivenessTracker is timed, in the host's ticks. */
export interface NodeLivenessOptions {
  /** This node. */
  readonly self: NodeId;
  /** The peers known at start; a peer first heard later is added then. */
  readonly peers: readonly NodeId[];
  /** A ping goes to every peer every pingTicks ticks. */
  readonly pingTicks: number;
  /** A peer heard from neither by ping nor by any other frame for this many ticks is down. */
  readonly timeoutTicks: number;
}

/** What one tick of the tracker asks of the host. */
export interface NodeLivenessTick {
  /** Peers declared down by this tick: call peerDown(peer) on every group of the node. */
  readonly down: readonly NodeId[];
  /** Send a liveness ping to every peer now. */
  readonly ping: boolean;
}

/**
 * The node-level failure detector that stands in for the election timers of quiescent groups
 * (CockroachDB's node liveness, reduced to what one node can observe): every node pings every
 * peer every `pingTicks`, and declares a peer down once it has heard nothing from it, neither a
 * ping nor any other frame, for `timeoutTicks`, or at once when the transport sees its connection
 * reset (a killed process resets its sockets). Anything heard from a peer declared down brings it
 * back up. One tracker per node, shared by all its groups as their RaftConfig.liveness.
 *
 * It counts the host's ticks, not wall time, like RaftNode: a host whose turn was slow steps its
 * inbound frames (heard()) before the ticks that passed, and caps the ticks one turn steps, so a
 * slow turn of its own makes its clock run slow rather than declare live peers down.
 *
 * Contract with the groups: whenever heard() or connectionLost() returns true, or tick() names a
 * peer down, the host calls peerUp(peer) or peerDown(peer) on every group it hosts, after the
 * tracker changed (so isLive() already gives the new verdict).
 */
export class NodeLivenessTracker implements NodeLiveness {
  private nowTick = 0;
  private readonly lastHeardTick = new Map<NodeId, number>();
  private readonly down = new Set<NodeId>();

  constructor(private readonly options: NodeLivenessOptions) {
    assert(options.pingTicks >= 1, 'liveness pings at least every tick');
    assert(options.timeoutTicks > options.pingTicks, 'the liveness timeout spans more than one ping interval');
    for (const peer of options.peers) if (peer !== options.self) this.lastHeardTick.set(peer, 0);
  }

  /** Whether `id` is up as far as this node knows. A peer never declared down is up. */
  isLive(id: NodeId): boolean {
    return !this.down.has(id);
  }

  /** Something arrived from `peer` (a ping or any frame). Returns true when this brings a peer
   *  that was down back up. */
  heard(peer: NodeId): boolean {
    if (peer === this.options.self) return false;
    this.lastHeardTick.set(peer, this.nowTick);
    return this.down.delete(peer);
  }

  /** `peer` joined the cluster: it is judged from now on, as if just heard (so a new node that
   *  never answers is declared down after timeoutTicks, like any other). */
  watch(peer: NodeId): void {
    if (peer !== this.options.self && !this.lastHeardTick.has(peer)) this.lastHeardTick.set(peer, this.nowTick);
  }

  /** `peer` left the cluster: it is judged no more (a node removed from the cluster would
   *  otherwise stay down forever, and count as down in every quiescence decision). */
  forget(peer: NodeId): void {
    this.lastHeardTick.delete(peer);
    this.down.delete(peer);
  }

  /** The transport saw its connection to `peer` reset. Returns true when this declares it down. */
  connectionLost(peer: NodeId): boolean {
    if (peer === this.options.self || this.down.has(peer)) return false;
    this.down.add(peer);
    return true;
  }

  /** The fewest ticks from now after which tick() may ask something of the host: the next ping,
   *  or a verdict on a peer that stays silent until then. A host with no group to tick may let
   *  that many ticks pass before it steps them (all in one turn): nothing else can happen
   *  meanwhile that a frame from a peer, which the host hears at once, would not bring. */
  ticksUntilDue(): number {
    let due = this.options.pingTicks - (this.nowTick % this.options.pingTicks);
    for (const [peer, heardTick] of this.lastHeardTick) {
      if (!this.down.has(peer)) due = Math.min(due, Math.max(1, heardTick + this.options.timeoutTicks - this.nowTick));
    }
    return due;
  }

  /** One tick of the host's logical clock. */
  tick(): NodeLivenessTick {
    this.nowTick++;
    const down: NodeId[] = [];
    for (const [peer, heardTick] of this.lastHeardTick) {
      if (!this.down.has(peer) && this.nowTick - heardTick >= this.options.timeoutTicks) {
        this.down.add(peer);
        down.push(peer);
      }
    }
    return { down, ping: this.nowTick % this.options.pingTicks === 0 };
  }
}
