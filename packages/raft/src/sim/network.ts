import type { Message, NodeId } from '../types.js';
import type { SeededPrng } from './prng.js';

/** How unreliable the virtual network is. Delays are in ticks and may be fractional: a message
 *  sent at time t arrives at t + delay, with delay uniform in [delayTicksMin, delayTicksMax], so
 *  messages on one link overtake each other whenever the range is wider than their spacing. */
export interface NetworkOptions {
  readonly delayTicksMin: number;
  readonly delayTicksMax: number;
  /** Probability that a message is lost. */
  readonly dropRate: number;
  /** Probability that a message is delivered twice (each copy with its own delay). */
  readonly duplicateRate: number;
}

/** A reliable network: every message arrives within a tick, once, in a random order. */
export const reliableNetwork: NetworkOptions = {
  delayTicksMin: 0.05,
  delayTicksMax: 0.5,
  dropRate: 0,
  duplicateRate: 0,
};

/** What the network did, for statistics. */
export interface NetworkStats {
  sent: number;
  dropped: number;
  duplicated: number;
  delivered: number;
  /** Dropped because a partition cut the link at send or delivery time. */
  cut: number;
}

/** What the network carries: anything with a sender and an addressee. */
export interface Addressed {
  readonly from: NodeId;
  readonly to: NodeId;
}

interface InFlight<T> {
  readonly deliverAt: number;
  /** Breaks ties between equal delivery times, in send order, so the order is total. */
  readonly seq: number;
  readonly message: T;
}

/** A virtual network with a virtual clock. Messages wait in a priority queue ordered by delivery
 *  time; the host pops the ones that are due. A link cut by a partition drops a message both when
 *  it is sent and when it would be delivered (a message in flight when a partition starts is
 *  lost, as on a real network). Links are directed, so one-way partitions are expressible. It
 *  carries raft messages by default; SimCluster sends its hosts' packets (a group's message, or a
 *  node-level liveness ping) through it, so every fault applies to both. */
export class SimNetwork<T extends Addressed = Message> {
  /** The virtual clock, in ticks. Only moves forward. */
  now = 0;
  readonly stats: NetworkStats = { sent: 0, dropped: 0, duplicated: 0, delivered: 0, cut: 0 };
  private options: NetworkOptions;
  private readonly heap: InFlight<T>[] = [];
  private seq = 0;
  /** Cut directed links, keyed by linkKey(from, to). */
  private readonly cut = new Set<number>();

  constructor(
    private readonly prng: SeededPrng,
    options: NetworkOptions = reliableNetwork,
  ) {
    this.options = options;
  }

  /** Changes the fault rates from now on; messages already in flight keep their delivery time. */
  configure(options: Partial<NetworkOptions>): void {
    this.options = { ...this.options, ...options };
  }

  /** The current fault rates. */
  get config(): NetworkOptions {
    return this.options;
  }

  /** Hands a message to the network. It may be dropped, duplicated and delayed. */
  send(message: T): void {
    this.stats.sent++;
    if (this.isCut(message.from, message.to)) {
      this.stats.cut++;
      return;
    }
    if (this.prng.chance(this.options.dropRate)) {
      this.stats.dropped++;
      return;
    }
    this.enqueue(message);
    if (this.prng.chance(this.options.duplicateRate)) {
      this.stats.duplicated++;
      this.enqueue(message);
    }
  }

  /** Removes and returns the next message due at or before `until`, moving the clock to its
   *  delivery time (unless `moveClock` is false); undefined when none is due. Messages whose link
   *  is cut are dropped. */
  popDue(until: number, moveClock = true): T | undefined {
    for (;;) {
      const head = this.heap[0];
      if (head === undefined || head.deliverAt > until) return undefined;
      this.pop();
      if (moveClock && head.deliverAt > this.now) this.now = head.deliverAt;
      if (this.isCut(head.message.from, head.message.to)) {
        this.stats.cut++;
        continue;
      }
      this.stats.delivered++;
      return head.message;
    }
  }

  /** Moves the clock forward to `time` (never backward). */
  advanceTo(time: number): void {
    if (time > this.now) this.now = time;
  }

  /** Messages in flight, including those that will be dropped at a cut link. */
  get inFlight(): number {
    return this.heap.length;
  }

  /** Forgets every message in flight to `id` (its process is gone, and with it its sockets). */
  discardTo(id: NodeId): void {
    const kept = this.heap.filter((f) => f.message.to !== id);
    this.heap.length = 0;
    for (const f of kept) this.push(f);
  }

  /** Cuts every link between nodes of different groups, in both directions. Links of nodes that
   *  appear in no group are left as they are. Replaces no earlier cut: call heal() first for a
   *  fresh partition. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    for (const [i, group] of groups.entries()) {
      for (const [j, other] of groups.entries()) {
        if (i === j) continue;
        for (const from of group) for (const to of other) this.cut.add(linkKey(from, to));
      }
    }
  }

  /** Cuts `id` off from every node in `others`, both ways. */
  isolate(id: NodeId, others: readonly NodeId[]): void {
    this.partition([[id], others.filter((o) => o !== id)]);
  }

  /** Cuts the one directed link from → to: `to` no longer hears `from`, but `from` hears `to`. */
  cutOneWay(from: NodeId, to: NodeId): void {
    this.cut.add(linkKey(from, to));
  }

  /** Restores every link. */
  heal(): void {
    this.cut.clear();
  }

  /** True while messages from → to are lost. */
  isCut(from: NodeId, to: NodeId): boolean {
    return this.cut.size > 0 && this.cut.has(linkKey(from, to));
  }

  /** True while any link is cut. */
  get partitioned(): boolean {
    return this.cut.size > 0;
  }

  private enqueue(message: T): void {
    const { delayTicksMin, delayTicksMax } = this.options;
    const delay = delayTicksMin + this.prng.float() * (delayTicksMax - delayTicksMin);
    this.push({ deliverAt: this.now + delay, seq: this.seq++, message });
  }

  // A binary min-heap on (deliverAt, seq).
  private push(item: InFlight<T>): void {
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(item, heap[parent] as InFlight<T>)) break;
      heap[i] = heap[parent] as InFlight<T>;
      i = parent;
    }
    heap[i] = item;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right] as InFlight<T>, heap[left] as InFlight<T>) ? right : left;
      if (!before(heap[child] as InFlight<T>, last)) break;
      heap[i] = heap[child] as InFlight<T>;
      i = child;
    }
    heap[i] = last;
  }
}

function before<T>(a: InFlight<T>, b: InFlight<T>): boolean {
  return a.deliverAt < b.deliverAt || (a.deliverAt === b.deliverAt && a.seq < b.seq);
}

function linkKey(from: NodeId, to: NodeId): number {
  return from * 65_536 + to;
}
