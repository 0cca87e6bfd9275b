// Where each request goes. The router learns the cluster from any seed (DescribeCluster), each
// topic's partitions from DescribeTopic, and leaders from answers and NotLeader hints; it runs
// calls with retries (retry.ts) and moves them to the node a refusal names, or to the next node
// when one cannot be reached.

import type { HeraldError, v1 } from '@herald/protocol';
import { unaryCall, type Connections, type NodeStubs } from './connections.js';
import { isUnreachable, leaderHint, unreachable } from './errors.js';
import { withRetries, type RetryPolicy } from './retry.js';
import type { ClusterDescription, PartitionDescription, TopicDescription } from './types.js';

/** One attempt of a call at one node. */
export type NodeCall<T> = (stubs: NodeStubs, deadline: number) => Promise<T>;

/** Options of a routed call. */
export interface CallOptions {
  /** The whole call's budget, retries included; the client's callTimeoutMs by default. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

interface RawPartition {
  id: number;
  leaderId: number;
  leaderTerm: number;
  replicas: number[];
  isr: number[];
  targetReplicas?: number[];
  highWatermark: number;
  logStartOffset: number;
}
interface RawTopic {
  name: string;
  replicationFactor: number;
  configs: Record<string, string>;
  partitions: RawPartition[];
}

/** Routing state and routed calls, shared by the admin calls, producers and consumers. */
export class Router {
  private readonly nodes = new Map<number, string>();
  private controllerId = 0;
  private readonly topics = new Map<string, TopicDescription>();
  /** Leaders learned from answers and hints, by "topic/partition". */
  private readonly leaders = new Map<string, number>();
  private readonly refreshing = new Map<string, Promise<TopicDescription>>();
  private next = 0;

  constructor(
    private readonly seeds: readonly string[],
    readonly connections: Connections,
    readonly callTimeoutMs: number,
    readonly retry: RetryPolicy,
  ) {}

  /** Every address worth trying: known nodes by id, then the seeds. */
  addresses(): string[] {
    const all = [...[...this.nodes.entries()].sort((a, b) => a[0] - b[0]).map(([, address]) => address), ...this.seeds];
    return [...new Set(all)];
  }

  addressOf(nodeId: number): string | undefined {
    return this.nodes.get(nodeId);
  }

  idOf(address: string): number | undefined {
    for (const [id, a] of this.nodes) if (a === address) return id;
    return undefined;
  }

  /** The next address in rotation, so that successive calls and retries spread over nodes. */
  private rotate(): string {
    const addresses = this.addresses();
    const address = addresses[this.next % addresses.length]!;
    this.next = (this.next + 1) % Math.max(1, addresses.length);
    return address;
  }

  private deadline(options: CallOptions): number {
    return Date.now() + (options.timeoutMs ?? this.callTimeoutMs);
  }

  /** Runs `fn` at any node, moving to the next on failures that may pass elsewhere. */
  anyNode<T>(fn: NodeCall<T>, options: CallOptions = {}, first?: string): Promise<T> {
    let address = first ?? this.rotate();
    return withRetries(
      this.deadline(options),
      this.retry,
      ({ deadline }) => fn(this.connections.get(address), deadline),
      (err) => {
        const hint = leaderHint(err);
        address = hint?.address ?? this.rotate();
      },
      options.signal,
    );
  }

  /** Runs `fn` at the controller, learning it from NotLeader hints (admin writes). */
  atController<T>(fn: NodeCall<T>, options: CallOptions = {}): Promise<T> {
    let address = this.addressOf(this.controllerId) ?? this.rotate();
    return withRetries(
      this.deadline(options),
      this.retry,
      ({ deadline }) => fn(this.connections.get(address), deadline),
      (err) => {
        const hint = leaderHint(err);
        if (hint !== undefined) {
          this.learnNode(hint.id, hint.address);
          this.controllerId = hint.id;
          address = hint.address;
        } else {
          this.controllerId = 0;
          address = this.rotate();
        }
      },
      options.signal,
    );
  }

  /** Runs `fn` at the partition's leader (as far as known), following NotLeader hints. */
  async atLeader<T>(topic: string, partition: number, fn: NodeCall<T>, options: CallOptions = {}): Promise<T> {
    let address = this.leaderAddress(topic, partition) ?? (await this.routeAfterRefresh(topic, partition, options));
    return withRetries(
      this.deadline(options),
      this.retry,
      ({ deadline }) => fn(this.connections.get(address), deadline),
      (err) => {
        this.onPartitionError(topic, partition, err);
        address = isUnreachable(err)
          ? this.nextReplica(topic, partition, address)
          : (leaderHint(err)?.address ?? this.leaderAddress(topic, partition) ?? this.replicaAddresses(topic, partition)[0] ?? this.rotate());
      },
      options.signal,
    );
  }

  /** The replica after `current` in the partition's replica list (for moving off a node that
   *  cannot be reached), or the next node in rotation when the replicas are not known. */
  nextReplica(topic: string, partition: number, current: string): string {
    const replicas = this.replicaAddresses(topic, partition);
    if (replicas.length === 0) return this.rotate();
    const at = replicas.indexOf(current);
    return replicas[(at + 1) % replicas.length]!;
  }

  private async routeAfterRefresh(topic: string, partition: number, options: CallOptions): Promise<string> {
    try {
      await this.refreshTopic(topic, options);
    } catch {
      // The call itself will report what is wrong (e.g. TopicNotFound).
    }
    return this.leaderAddress(topic, partition) ?? this.replicaAddresses(topic, partition)[0] ?? this.rotate();
  }

  // ---------------------------------------------------------------------------------------------
  // What the router knows

  private learnNode(id: number, address: string): void {
    if (id >= 1 && address !== '') this.nodes.set(id, address);
  }

  /** Records a cluster description (from DescribeCluster). */
  learnCluster(cluster: ClusterDescription): void {
    for (const node of cluster.nodes) if (node.address !== '') this.learnNode(node.id, node.address);
    if (cluster.controllerId !== 0) this.controllerId = cluster.controllerId;
  }

  /** The partition count of a topic, once its metadata is loaded. */
  partitionCount(topic: string): number | undefined {
    return this.topics.get(topic)?.partitions.length;
  }

  /** The cached description of a topic, if loaded. */
  cachedTopic(topic: string): TopicDescription | undefined {
    return this.topics.get(topic);
  }

  /** The address of the partition's leader, if one is known. */
  leaderAddress(topic: string, partition: number): string | undefined {
    const id = this.leaders.get(`${topic}/${partition}`);
    return id === undefined ? undefined : this.addressOf(id);
  }

  /** The addresses of the partition's replicas, the known leader first. */
  replicaAddresses(topic: string, partition: number): string[] {
    const leader = this.leaderAddress(topic, partition);
    const replicas = this.topics.get(topic)?.partitions[partition]?.replicas ?? [];
    const addresses = replicas.map((id) => this.addressOf(id)).filter((a): a is string => a !== undefined);
    return [...new Set(leader === undefined ? addresses : [leader, ...addresses])];
  }

  /** Updates routing after a partition request failed with `err`. */
  onPartitionError(topic: string, partition: number, err: HeraldError): void {
    const key = `${topic}/${partition}`;
    const hint = leaderHint(err);
    if (hint !== undefined) {
      this.learnNode(hint.id, hint.address);
      this.leaders.set(key, hint.id);
    } else if (err.reason === 'NotLeader' || err.reason === 'LeadershipLost' || err.reason === 'NoLeader' || isUnreachable(err)) {
      this.leaders.delete(key);
    }
  }

  /** Records the partition's leader, as an answer named it (0: none known). */
  setLeader(topic: string, partition: number, leaderId: number): void {
    if (leaderId === 0) this.leaders.delete(`${topic}/${partition}`);
    else this.leaders.set(`${topic}/${partition}`, leaderId);
  }

  /** Records that `address` accepted a leader-only request for the partition. */
  confirmLeader(topic: string, partition: number, address: string): void {
    const id = this.idOf(address);
    if (id !== undefined) this.leaders.set(`${topic}/${partition}`, id);
  }

  // ---------------------------------------------------------------------------------------------
  // Metadata calls

  /** Asks one node for the cluster (the controller first when known) and learns the answer. */
  async describeCluster(options: CallOptions = {}): Promise<ClusterDescription> {
    const controller = this.addressOf(this.controllerId);
    const cluster = await this.anyNode(
      (stubs, deadline) => unaryCall<v1.DescribeClusterResponse__Output>(stubs.address, (o, cb) => stubs.admin.describeCluster({}, o, cb), deadline),
      options,
      controller,
    );
    const description: ClusterDescription = {
      clusterId: cluster.clusterId,
      controllerId: cluster.controllerId,
      nodes: cluster.nodes.map((n) => ({ id: n.id, address: n.address, alive: n.alive, role: n.role })),
      controllerIsr: cluster.controllerIsr,
    };
    this.learnCluster(description);
    return description;
  }

  /**
   * Describes a topic with every node's view merged: each node knows the leadership of the
   * partitions it hosts, and only a partition's leader knows its ISR and high watermark. For
   * each partition the answer naming a leader in the highest term wins, the leader's own
   * answer first within a term. Does not wait long for the last nodes once most answered
   * (settleMost). Caches the result for routing.
   */
  async describeTopic(name: string, options: CallOptions = {}): Promise<TopicDescription> {
    if (this.nodes.size === 0) await this.describeCluster(options);
    const deadline = this.deadline(options);
    const merged = await withRetries(
      deadline,
      this.retry,
      async () => {
        const addresses = this.addresses();
        const answers = await settleMost(
          addresses.map((address) => {
            const stubs = this.connections.get(address);
            const each = Math.min(deadline, Date.now() + 5_000);
            return unaryCall<v1.DescribeTopicResponse__Output>(address, (o, cb) => stubs.admin.describeTopic({ name }, o, cb), each, options.signal).then((r) => ({ address, topic: r.topic as RawTopic }));
          }),
          DESCRIBE_STRAGGLER_MS,
        );
        const found = answers.flatMap((a) => (a.status === 'fulfilled' && a.value.topic !== null ? [a.value] : []));
        if (found.length === 0) {
          const errors = answers.flatMap((a) => (a.status === 'rejected' ? [a.reason as HeraldError] : []));
          if (errors.length === 0) throw unreachable(addresses.join(','), `no node described topic ${JSON.stringify(name)} in time`);
          // A refusal (e.g. TopicNotFound) says more than a node that could not be reached.
          throw errors.find((e) => !isUnreachable(e)) ?? errors[0]!;
        }
        return mergeTopicViews(found.map((f) => ({ nodeId: this.idOf(f.address) ?? 0, topic: f.topic })));
      },
      () => {},
      options.signal,
    );
    this.topics.set(name, merged);
    for (const p of merged.partitions) {
      if (p.leaderId !== 0) this.leaders.set(`${name}/${p.id}`, p.leaderId);
    }
    // Node addresses come from DescribeCluster and hints only: a partition led by a node this
    // router never heard of could not be routed to (nor its replicas tried).
    const ids = merged.partitions.flatMap((p) => (p.leaderId === 0 ? p.replicas : [p.leaderId, ...p.replicas]));
    if (ids.some((id) => this.addressOf(id) === undefined)) {
      await this.describeCluster({ ...options, timeoutMs: Math.max(1, Math.min(5_000, deadline - Date.now())) }).catch(() => {});
    }
    return merged;
  }

  /** Refreshes a topic's metadata, sharing one refresh among concurrent callers. */
  refreshTopic(name: string, options: CallOptions = {}): Promise<TopicDescription> {
    let refresh = this.refreshing.get(name);
    if (refresh === undefined) {
      refresh = this.describeTopic(name, options).finally(() => this.refreshing.delete(name));
      this.refreshing.set(name, refresh);
    }
    return refresh;
  }

  /** Forgets a topic (after it was deleted). */
  forgetTopic(name: string): void {
    this.topics.delete(name);
    for (const key of [...this.leaders.keys()]) if (key.startsWith(`${name}/`)) this.leaders.delete(key);
  }
}

/** How long describeTopic waits for the last nodes once most have answered: a paused or
 *  overloaded node must not hold up routing (a killed one refuses at once). */
const DESCRIBE_STRAGGLER_MS = 250;

/**
 * Settles like Promise.allSettled, but does not wait more than `stragglerMs` for the last
 * promises once a majority settled; those still pending are left out of the result.
 */
export function settleMost<T>(promises: readonly Promise<T>[], stragglerMs: number): Promise<PromiseSettledResult<T>[]> {
  return new Promise((resolve) => {
    const results: (PromiseSettledResult<T> | undefined)[] = promises.map(() => undefined);
    let settled = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      resolve(results.filter((r): r is PromiseSettledResult<T> => r !== undefined));
    };
    if (promises.length === 0) return finish();
    promises.forEach((promise, i) => {
      promise.then(
        (value) => (results[i] = { status: 'fulfilled', value }),
        (reason: unknown) => (results[i] = { status: 'rejected', reason }),
      ).then(() => {
        settled++;
        if (settled === promises.length) finish();
        else if (settled * 2 > promises.length && timer === undefined) timer = setTimeout(finish, stragglerMs);
      });
    });
  });
}

/** Merges the views of one topic from several nodes (see Router.describeTopic). */
export function mergeTopicViews(views: readonly { readonly nodeId: number; readonly topic: RawTopic }[]): TopicDescription {
  const first = views[0]!.topic;
  const count = Math.max(...views.map((v) => v.topic.partitions.length));
  const partitions: PartitionDescription[] = [];
  for (let id = 0; id < count; id++) {
    let best: { self: boolean; p: RawPartition } | undefined;
    for (const view of views) {
      const p = view.topic.partitions.find((q) => q.id === id);
      if (p === undefined) continue;
      const self = p.leaderId !== 0 && p.leaderId === view.nodeId;
      if (best === undefined || better({ self, p }, best)) best = { self, p };
    }
    const p = best!.p;
    partitions.push({ id, leaderId: p.leaderId, leaderTerm: p.leaderTerm, replicas: [...p.replicas], isr: [...p.isr], highWatermark: p.highWatermark, logStartOffset: p.logStartOffset, targetReplicas: [...(p.targetReplicas ?? [])] });
  }
  return { name: first.name, replicationFactor: first.replicationFactor, configs: { ...first.configs }, partitions };
}

// A view naming a leader beats one naming none; a newer term beats an older one (a leader cut
// off from its peers still answers for itself in its old term until it steps down); in one
// term, the leader's own view wins (only it knows the ISR and high watermark).
function better(a: { self: boolean; p: RawPartition }, b: { self: boolean; p: RawPartition }): boolean {
  if ((a.p.leaderId !== 0) !== (b.p.leaderId !== 0)) return a.p.leaderId !== 0;
  if (a.p.leaderTerm !== b.p.leaderTerm) return a.p.leaderTerm > b.p.leaderTerm;
  return a.self && !b.self;
}
