import { invalidArgument, type v1 } from '@herald/protocol';
import { findClientConfig, readClientConfig } from './client-config.js';
import { checkAddress, Connections, unaryCall } from './connections.js';
import { Consumer, wireIsolation, type ConsumerOptions, type IsolationLevel } from './consumer.js';
import { GroupConsumer, type GroupConsumerOptions } from './group-consumer.js';
import { GroupAdmin } from './groups.js';
import { HalfMessages, listHalves, type HalfDescription } from './half-messages.js';
import { Producer, RoutedProduceTransport, type ProducerOptions } from './producer.js';
import { deleteSubscription, describeSubscriptions, QueueConsumer, type QueueConsumerOptions, type SubscriptionDescription } from './queue-consumer.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import { Router, type CallOptions } from './router.js';
import { SecurityAdmin } from './security-admin.js';
import { Transactions, type TransactionDescription } from './transactions.js';
import type { ClientCredentials, TlsOptions } from './security.js';
import type { ClusterDescription, NodeDescription, PartitionReassignment, TopicDescription, TopicSummary } from './types.js';

/** Options of a HeraldClient. */
export interface HeraldClientOptions {
  /** Seed addresses, host:port; any one reachable node is enough to learn the rest. When
   *  omitted, the client config file gives them and its TLS and credentials (see HeraldClient). */
  readonly brokers?: readonly string[];
  /** TLS for every connection: the cluster CA, and a client certificate if the principal is to
   *  come from one. Without it the client speaks plaintext (a cluster started --insecure). */
  readonly tls?: TlsOptions;
  /** A user's SCRAM credentials: the client logs in once and sends the session token with
   *  every call. Needs `tls`. */
  readonly credentials?: ClientCredentials;
  /** The budget of one admin or metadata call, retries included. */
  readonly callTimeoutMs?: number;
  /** How long to wait between retries. */
  readonly retry?: Partial<RetryPolicy>;
}

/** Options of createTopic(). */
export interface CreateTopicOptions {
  readonly partitions: number;
  /** Replicas per partition; the broker's default when omitted. */
  readonly replicationFactor?: number;
  /** Overrides of the broker's topic defaults, with Kafka's names (e.g. "min.insync.replicas"). */
  readonly configs?: Readonly<Record<string, string>>;
}

/** Where listOffsets() looks. */
export type OffsetPosition = 'earliest' | 'latest' | { readonly timestampMs: number };

/**
 * A connection to a Herald cluster: admin calls, and the factory of producers and consumers.
 * Requests go to the node that can answer them (the controller for topic changes, a partition's
 * leader for writes, any replica for reads), learned from the seeds and from the nodes' answers.
 * Refusals the catalog marks retryable are retried with capped exponential backoff until the
 * call's deadline; everything else is thrown as a HeraldError.
 *
 * Where the cluster is: `new HeraldClient({ brokers, tls?, credentials? })` uses exactly what it
 * is given and reads no file. Without `brokers`, the client reads the client config file
 * (HERALD_CLIENT_CONFIG, else ./data/client.json: client-config.ts) for brokers, TLS and
 * credentials, the options given winning over the file's; `HeraldClient.fromConfigFile(path)`
 * reads a file named explicitly. So code written for a local secure cluster runs unchanged with
 * `new HeraldClient()`, and a program that names its brokers is never changed by a file lying
 * around.
 */
export class HeraldClient {
  /** @internal Routing state and routed calls; shared by this client's producers and consumers. */
  readonly router: Router;
  /** Consumer-group administration and offsets, at the group coordinator (the controller). */
  readonly groups: GroupAdmin;
  /** Users, ACLs and quotas, and who this client is. */
  readonly security: SecurityAdmin;
  private readonly closers = new Set<{ close(): Promise<void> }>();

  constructor(options: HeraldClientOptions = {}) {
    let { brokers, tls, credentials } = options;
    if (brokers === undefined) {
      const config = findClientConfig();
      if (config === undefined) {
        throw invalidArgument('brokers', 'no brokers given and no client config file found (set HERALD_CLIENT_CONFIG, or run where ./data/client.json exists)');
      }
      ({ brokers } = config);
      tls ??= config.tls;
      credentials ??= config.credentials;
    }
    if (brokers.length === 0) throw invalidArgument('brokers', 'at least one broker address is needed');
    const seeds = brokers.map(checkAddress);
    const callTimeoutMs = options.callTimeoutMs ?? 30_000;
    if (!(callTimeoutMs > 0)) throw invalidArgument('callTimeoutMs', `must be positive (got ${callTimeoutMs})`);
    this.router = new Router(seeds, new Connections(tls, credentials), callTimeoutMs, { ...DEFAULT_RETRY_POLICY, ...options.retry });
    this.groups = new GroupAdmin(this.router);
    this.security = new SecurityAdmin(this.router);
  }

  /**
   * A client for the cluster a client config file describes: `path`, else the file
   * HERALD_CLIENT_CONFIG names, else ./data/client.json. `options` win over the file's fields
   * (the CLI passes --brokers this way). Throws InvalidArgument naming the file and field.
   */
  static fromConfigFile(path?: string, options: HeraldClientOptions = {}): HeraldClient {
    const config = path === undefined ? findClientConfig() : readClientConfig(path);
    if (config === undefined) throw invalidArgument('HERALD_CLIENT_CONFIG', 'no client config file found (set HERALD_CLIENT_CONFIG, or run where ./data/client.json exists)');
    return new HeraldClient({ ...options, brokers: options.brokers ?? config.brokers, tls: options.tls ?? config.tls, credentials: options.credentials ?? config.credentials });
  }

  /** The cluster's nodes and controller, as one node (the controller when known) sees them. */
  describeCluster(options: CallOptions = {}): Promise<ClusterDescription> {
    return this.router.describeCluster(options);
  }

  /** Creates a topic at the controller. Its partitions may not have leaders yet. */
  async createTopic(name: string, topic: CreateTopicOptions, options: CallOptions = {}): Promise<TopicDescription> {
    const response = await this.router.atController(
      (stubs, deadline) =>
        unaryCall<v1.CreateTopicResponse__Output>(stubs.address, (o, cb) => stubs.admin.createTopic({ name, partitions: topic.partitions, replicationFactor: topic.replicationFactor, configs: { ...topic.configs } }, o, cb), deadline),
      options,
    );
    const created = response.topic;
    return {
      name: created?.name ?? name,
      replicationFactor: created?.replicationFactor ?? 0,
      configs: { ...created?.configs },
      partitions: (created?.partitions ?? []).map((p) => ({ ...p, replicas: [...p.replicas], isr: [...p.isr] })),
    };
  }

  /** Deletes a topic and all its data, at the controller. */
  async deleteTopic(name: string, options: CallOptions = {}): Promise<void> {
    await this.router.atController((stubs, deadline) => unaryCall<v1.DeleteTopicResponse__Output>(stubs.address, (o, cb) => stubs.admin.deleteTopic({ name }, o, cb), deadline), options);
    this.router.forgetTopic(name);
  }

  /** Every topic, ordered by name. */
  async listTopics(options: CallOptions = {}): Promise<TopicSummary[]> {
    const response = await this.router.anyNode((stubs, deadline) => unaryCall<v1.ListTopicsResponse__Output>(stubs.address, (o, cb) => stubs.admin.listTopics({}, o, cb), deadline), options);
    return response.topics.map((t) => ({ name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor }));
  }

  /** A topic with, per partition, its leader, replicas, ISR and offsets (merged from every node's
   *  view: each partition as its leader reports it). */
  describeTopic(name: string, options: CallOptions = {}): Promise<TopicDescription> {
    return this.router.describeTopic(name, options);
  }

  /** Moves a partition's leadership to `toNodeId` (a member of its ISR), at the current leader;
   *  resolves once the new leader is elected. */
  async transferLeadership(topic: string, partition: number, toNodeId: number, options: CallOptions = {}): Promise<{ leaderId: number; leaderTerm: number }> {
    const response = await this.router.atLeader(
      topic,
      partition,
      (stubs, deadline) => unaryCall<v1.TransferLeadershipResponse__Output>(stubs.address, (o, cb) => stubs.admin.transferLeadership({ topic, partition, toNodeId }, o, cb), deadline),
      options,
    );
    this.router.setLeader(topic, partition, response.leaderId);
    return { leaderId: response.leaderId, leaderTerm: response.leaderTerm };
  }

  /** Hands the controller role (the meta group's leadership) to `toNodeId`, a member of its
   *  ISR (0: the controller picks the most up-to-date one), e.g. before restarting the
   *  controller; resolves once the new controller leads. */
  async transferController(toNodeId: number, options: CallOptions = {}): Promise<{ leaderId: number; leaderTerm: number }> {
    const response = await this.router.atController(
      (stubs, deadline) => unaryCall<v1.TransferLeadershipResponse__Output>(stubs.address, (o, cb) => stubs.admin.transferController({ toNodeId }, o, cb), deadline),
      options,
    );
    return { leaderId: response.leaderId, leaderTerm: response.leaderTerm };
  }

  /**
   * Adds a node to the cluster (start it first with `--join`): the controller records it, makes
   * it a learner of the meta group and a voter once caught up. Resolves with the node once it
   * votes, or after `waitMs` (default 30 s) with its role then.
   */
  async addNode(node: { id: number; host: string; clientPort: number; peerPort: number; kafkaHost?: string; kafkaPort?: number }, waitMs = 0, options: CallOptions = {}): Promise<NodeDescription> {
    const response = await this.router.atController(
      (stubs, deadline) => unaryCall<v1.AddNodeResponse__Output>(stubs.address, (o, cb) => stubs.admin.addNode({ ...node, waitMs }, o, cb), deadline),
      { timeoutMs: Math.max(waitMs === 0 ? 30_000 : waitMs, 1_000) + 15_000, ...options },
    );
    const n = response.node!;
    return { id: n.id, address: n.address, alive: n.alive, role: n.role };
  }

  /** Removes a node that holds no partition replica; the controller then takes it out of the
   *  meta group (describeCluster reports it `leaving` until then). */
  async removeNode(id: number, options: CallOptions = {}): Promise<void> {
    await this.router.atController((stubs, deadline) => unaryCall<v1.RemoveNodeResponse__Output>(stubs.address, (o, cb) => stubs.admin.removeNode({ id }, o, cb), deadline), options);
  }

  /**
   * Moves partitions to new replica sets (the preferred leader first), all or none; each
   * partition's leader carries it out, and describeTopic shows it as targetReplicas until done.
   * `throttleBytesPerSecond` sets the cluster's replication throttle for the replicas catching up.
   */
  async reassignPartitions(reassignments: readonly PartitionReassignment[], throttleBytesPerSecond?: number, options: CallOptions = {}): Promise<PartitionReassignment[]> {
    const response = await this.router.atController(
      (stubs, deadline) =>
        unaryCall<v1.ReassignPartitionsResponse__Output>(stubs.address, (o, cb) => stubs.admin.reassignPartitions({ reassignments: reassignments.map((r) => ({ ...r, replicas: [...r.replicas] })), throttleBytesPerSecond }, o, cb), deadline),
      options,
    );
    return response.reassignments.map(fromWireReassignment);
  }

  /** Plans, and unless `dryRun` starts, the reassignments that even out replicas and preferred
   *  leaders across the nodes; resolves with them. */
  async rebalanceCluster(dryRun: boolean, throttleBytesPerSecond?: number, options: CallOptions = {}): Promise<PartitionReassignment[]> {
    const response = await this.router.atController(
      (stubs, deadline) => unaryCall<v1.ReassignPartitionsResponse__Output>(stubs.address, (o, cb) => stubs.admin.rebalanceCluster({ dryRun, throttleBytesPerSecond }, o, cb), deadline),
      options,
    );
    return response.reassignments.map(fromWireReassignment);
  }

  /** Plans, and unless `dryRun` starts, the reassignments that move every replica off node
   *  `id` (to node `replacement` where given, as `herald node replace` does); removeNode(id)
   *  takes it out once they are done. */
  async decommissionNode(id: number, dryRun: boolean, throttleBytesPerSecond?: number, options: CallOptions & { replacement?: number } = {}): Promise<PartitionReassignment[]> {
    const { replacement } = options;
    const response = await this.router.atController(
      (stubs, deadline) => unaryCall<v1.ReassignPartitionsResponse__Output>(stubs.address, (o, cb) => stubs.admin.decommissionNode({ id, dryRun, throttleBytesPerSecond, replacement }, o, cb), deadline),
      options,
    );
    return response.reassignments.map(fromWireReassignment);
  }

  /** An offset of a partition: its first ('earliest'), its next ('latest': the last stable
   *  offset reading committed, the default, else the high watermark), or the first at or after
   *  a time. Asked of any replica. */
  async listOffsets(
    topic: string,
    partition: number,
    position: OffsetPosition,
    options: CallOptions & { readonly isolation?: IsolationLevel } = {},
  ): Promise<{ offset: number; highWatermark: number; logStartOffset: number; lastStableOffset: number }> {
    const isolation = wireIsolation(options.isolation);
    if (this.router.cachedTopic(topic) === undefined) await this.router.refreshTopic(topic, options);
    const request =
      position === 'earliest'
        ? { topic, partition, position: 'START_POSITION_EARLIEST' as const, isolation }
        : position === 'latest'
          ? { topic, partition, position: 'START_POSITION_LATEST' as const, isolation }
          : { topic, partition, position: 'START_POSITION_TIMESTAMP' as const, timestampMs: position.timestampMs, isolation };
    const replicas = this.router.replicaAddresses(topic, partition);
    const response = await this.router.anyNode((stubs, deadline) => unaryCall<v1.ListOffsetsResponse__Output>(stubs.address, (o, cb) => stubs.consume.listOffsets(request, o, cb), deadline), options, replicas[0]);
    return { offset: response.offset, highWatermark: response.highWatermark, logStartOffset: response.logStartOffset, lastStableOffset: response.lastStableOffset };
  }

  /** A producer over this client's connections (see Producer). */
  producer(options: ProducerOptions = {}): Producer {
    const halves = new HalfMessages(this.router, {
      producerGroup: options.producerGroup,
      onCheck: options.onCheck,
      requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
      deliveryTimeoutMs: options.deliveryTimeoutMs ?? 30_000,
    });
    const transactions =
      options.transactionalId === undefined
        ? undefined
        : new Transactions(this.router, {
            transactionalId: options.transactionalId,
            transactionTimeoutMs: options.transactionTimeoutMs ?? 60_000,
            requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
            deliveryTimeoutMs: options.deliveryTimeoutMs ?? 30_000,
          });
    const producer = new Producer(new RoutedProduceTransport(this.router), options, halves, transactions);
    this.track(producer);
    return producer;
  }

  /** A consumer of one topic over this client's connections (see Consumer). */
  consumer(options: ConsumerOptions): Consumer {
    const consumer = new Consumer(this.router, options);
    this.track(consumer);
    return consumer;
  }

  /** A member of a consumer group over this client's connections (see GroupConsumer). */
  groupConsumer(options: GroupConsumerOptions): GroupConsumer {
    const consumer = new GroupConsumer(this.router, options);
    this.track(consumer);
    return consumer;
  }

  /** A member of a queue subscription (per-message ack, redelivery, dead letters) over this
   *  client's connections (see QueueConsumer). */
  queueConsumer(options: QueueConsumerOptions): QueueConsumer {
    const consumer = new QueueConsumer(this.router, options);
    this.track(consumer);
    return consumer;
  }

  /** The queue subscriptions of a topic (or one of them), per partition as its leader sees it. */
  describeSubscriptions(topic: string, subscription = '', options: CallOptions = {}): Promise<SubscriptionDescription[]> {
    return describeSubscriptions(this.router, topic, subscription, options);
  }

  /** The undecided half messages of a topic (with `decided`, also the decisions its
   *  partitions remember), from every partition's leader. */
  listHalves(topic: string, options: CallOptions & { readonly decided?: boolean } = {}): Promise<HalfDescription[]> {
    return listHalves(this.router, topic, options.decided === true, options);
  }

  /** Every transactional id of the cluster and its current or last transaction (Describe on
   *  the cluster). */
  listTransactions(options: CallOptions = {}): Promise<TransactionDescription[]> {
    return Transactions.list(this.router, options.timeoutMs ?? 10_000);
  }

  /** Forgets a queue subscription on every partition; the count of partitions where it existed. */
  deleteSubscription(topic: string, subscription: string, options: CallOptions = {}): Promise<number> {
    return deleteSubscription(this.router, topic, subscription, options);
  }

  private track(closable: { close(): Promise<void>; onClose?: (fn: () => void) => void }): void {
    this.closers.add(closable);
    closable.onClose?.(() => this.closers.delete(closable));
  }

  /** Closes every producer (flushing it) and consumer of this client, then its channels. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.closers].map((c) => c.close()));
    this.closers.clear();
    this.router.connections.close();
  }
}

function fromWireReassignment(r: v1.PartitionReassignment__Output): PartitionReassignment {
  return { topic: r.topic, partition: r.partition, replicas: [...r.replicas] };
}
