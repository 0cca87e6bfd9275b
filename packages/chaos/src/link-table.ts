import { LinkProxy, type FlowFault, type ProxyTarget } from './proxy.js';

/** A node's real addresses, behind the proxies. */
export interface LinkNode {
  readonly id: number;
  /** The internal peer port (Raft traffic). */
  readonly peer: ProxyTarget;
  /** The client API port. */
  readonly client: ProxyTarget;
  /** The node's other client listeners that clients of a workload reach (Kafka, MQTT), by
   *  name; each gets a proxy that the client faults hit as they hit the client port. */
  readonly listeners?: Readonly<Record<string, ProxyTarget>>;
}

/** Options of LinkTable.start(). */
export interface LinkTableOptions {
  /** Passed to every proxy. */
  readonly bufferBytesMax?: number;
}

/** Options of LinkTable.isolate(). */
export interface IsolateOptions {
  /** Also cut the node from clients. Default false: clients still reach an isolated node, which
   *  is the interesting case (an isolated leader must not acknowledge what it cannot commit). */
  readonly clients?: boolean;
}

/**
 * A proxy for every directed peer link of N nodes (node `a` dials node `b`'s peer port through
 * `peerLink(a, b)`) and one for each node's client port. Network faults are expressed as cut
 * directions, "bytes from a to b are dropped", and mapped onto the proxies: on link a→b the
 * forward flow carries a's bytes to b, the backward flow b's replies to a. So a one-way
 * partition a→b drops forward on link a→b and backward on link b→a.
 *
 * Faults add up until heal(): partition() then oneWay() cuts both sets of directions.
 */
export class LinkTable {
  private readonly cuts = new Set<string>();
  private readonly clientCuts = new Set<number>();
  private readonly slowMs = new Map<number, number>();

  private constructor(
    readonly nodeIds: readonly number[],
    private readonly peerLinks: ReadonlyMap<string, LinkProxy>,
    private readonly clientLinks: ReadonlyMap<number, LinkProxy>,
    private readonly listenerLinks: ReadonlyMap<string, LinkProxy>,
  ) {}

  /** Starts N·(N−1) peer proxies, N client proxies and one proxy per node's listener on
   *  loopback. */
  static async start(nodes: readonly LinkNode[], options: LinkTableOptions = {}): Promise<LinkTable> {
    const ids = nodes.map((node) => node.id);
    if (new Set(ids).size !== ids.length) throw new RangeError(`node ids must be distinct (got ${ids.join(', ')})`);
    const started: LinkProxy[] = [];
    const begin = async (name: string, target: ProxyTarget): Promise<LinkProxy> => {
      const proxy = await LinkProxy.start({ name, target, ...(options.bufferBytesMax === undefined ? {} : { bufferBytesMax: options.bufferBytesMax }) });
      started.push(proxy);
      return proxy;
    };
    try {
      const peerLinks = new Map<string, LinkProxy>();
      const clientLinks = new Map<number, LinkProxy>();
      const listenerLinks = new Map<string, LinkProxy>();
      for (const from of nodes) {
        for (const to of nodes) {
          if (from.id !== to.id) peerLinks.set(linkKey(from.id, to.id), await begin(`${from.id}->${to.id}`, to.peer));
        }
        clientLinks.set(from.id, await begin(`client->${from.id}`, from.client));
        for (const [name, target] of Object.entries(from.listeners ?? {})) listenerLinks.set(listenerKey(name, from.id), await begin(`${name}->${from.id}`, target));
      }
      return new LinkTable(ids, peerLinks, clientLinks, listenerLinks);
    } catch (err) {
      await Promise.all(started.map((proxy) => proxy.close()));
      throw err;
    }
  }

  /** The proxy node `from` dials to reach node `to`'s peer port. */
  peerLink(from: number, to: number): LinkProxy {
    const link = this.peerLinks.get(linkKey(from, to));
    if (!link) throw new RangeError(`no peer link ${from}->${to}; nodes are ${this.nodeIds.join(', ')}`);
    return link;
  }

  /** The proxy clients dial to reach `node`'s client port. */
  clientLink(node: number): LinkProxy {
    const link = this.clientLinks.get(node);
    if (!link) throw new RangeError(`no client link to node ${node}; nodes are ${this.nodeIds.join(', ')}`);
    return link;
  }

  /** The proxy clients dial to reach `node`'s listener `name` (LinkNode.listeners). */
  listenerLink(name: string, node: number): LinkProxy {
    const link = this.listenerLinks.get(listenerKey(name, node));
    if (!link) throw new RangeError(`no ${name} link to node ${node}`);
    return link;
  }

  /** The `host:port` node `from` must use for each peer: its peer list in a chaos run. */
  peerAddresses(from: number): Record<number, string> {
    return Object.fromEntries(this.nodeIds.filter((to) => to !== from).map((to) => [to, this.peerLink(from, to).address]));
  }

  /** Whether bytes from `from` to `to` are dropped now. */
  isCut(from: number, to: number): boolean {
    return this.cuts.has(linkKey(from, to));
  }

  /** Cuts `node` from every other node, both ways (and from clients if asked). */
  isolate(node: number, options: IsolateOptions = {}): void {
    this.requireNodes([node]);
    for (const other of this.nodeIds) {
      if (other === node) continue;
      this.cuts.add(linkKey(node, other));
      this.cuts.add(linkKey(other, node));
    }
    if (options.clients === true) this.clientCuts.add(node);
    this.apply();
  }

  /** Cuts every link between the two groups, both ways; links within a group, and of nodes in
   *  neither group, are untouched. */
  partition(groupA: readonly number[], groupB: readonly number[]): void {
    this.requireNodes([...groupA, ...groupB]);
    const overlap = groupA.filter((node) => groupB.includes(node));
    if (overlap.length > 0) throw new RangeError(`a node cannot be on both sides of a partition (got ${overlap.join(', ')})`);
    for (const a of groupA) {
      for (const b of groupB) {
        this.cuts.add(linkKey(a, b));
        this.cuts.add(linkKey(b, a));
      }
    }
    this.apply();
  }

  /** Drops every byte from `from` to `to`; `to` still reaches `from`. */
  oneWay(from: number, to: number): void {
    this.requireNodes([from, to]);
    if (from === to) throw new RangeError(`a one-way partition needs two nodes (got ${from} twice)`);
    this.cuts.add(linkKey(from, to));
    this.apply();
  }

  /**
   * Jepsen's bridge: the two groups cannot reach each other, but both reach `bridgeNode`, which
   * therefore sees a majority on each side.
   */
  bridge(groupA: readonly number[], bridgeNode: number, groupB: readonly number[]): void {
    if (groupA.includes(bridgeNode) || groupB.includes(bridgeNode)) {
      throw new RangeError(`the bridge node ${bridgeNode} must be in neither group`);
    }
    this.requireNodes([bridgeNode]);
    this.partition(groupA, groupB);
  }

  /** Delays every byte to and from `node`, on peer links and its client and listener links. */
  slow(node: number, delayMs: number): void {
    this.requireNodes([node]);
    if (!(Number.isFinite(delayMs) && delayMs >= 0)) throw new RangeError(`delayMs must be a non-negative number (got ${delayMs})`);
    this.slowMs.set(node, delayMs);
    this.apply();
  }

  /** Removes every fault: all links pass. Connections whose stream a blackhole cut are reset. */
  heal(): void {
    this.cuts.clear();
    this.clientCuts.clear();
    this.slowMs.clear();
    this.apply();
  }

  /** Closes every proxy. */
  async close(): Promise<void> {
    await Promise.all([...this.peerLinks.values(), ...this.clientLinks.values(), ...this.listenerLinks.values()].map((proxy) => proxy.close()));
  }

  private apply(): void {
    for (const from of this.nodeIds) {
      for (const to of this.nodeIds) {
        if (from === to) continue;
        const delayMs = Math.max(this.slowMs.get(from) ?? 0, this.slowMs.get(to) ?? 0);
        this.peerLink(from, to).configure({
          forward: flow(this.isCut(from, to), delayMs),
          backward: flow(this.isCut(to, from), delayMs),
        });
      }
      const clientCut = this.clientCuts.has(from);
      const delayMs = this.slowMs.get(from) ?? 0;
      const client = { forward: flow(clientCut, delayMs), backward: flow(clientCut, delayMs) };
      this.clientLink(from).configure(client);
      for (const [key, link] of this.listenerLinks) if (key.endsWith(`@${from}`)) link.configure(client);
    }
  }

  private requireNodes(nodes: readonly number[]): void {
    for (const node of nodes) {
      if (!this.nodeIds.includes(node)) throw new RangeError(`unknown node ${node}; nodes are ${this.nodeIds.join(', ')}`);
    }
  }
}

const linkKey = (from: number, to: number): string => `${from}>${to}`;
const listenerKey = (name: string, node: number): string => `${name}@${node}`;
const flow = (drop: boolean, delayMs: number): FlowFault => ({ drop, delayMs });
