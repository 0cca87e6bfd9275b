// What the Kafka listener needs from the broker, and nothing more. The listener translates and
// validates at its edge; every decision (leadership, offsets, idempotence, group membership,
// configs, credentials) is the broker's, reached through this interface. Refusals are
// HeraldErrors of the catalog in @herald/protocol; errors.ts turns them into Kafka codes.
//
// Tests implement it in memory (test/support/fake-backend.ts); the broker implements it over
// its partitions, meta group and group coordinator.

import type { StoredBatchRef } from './records/translate.js';

/** Who sent a request, for the broker's authorization, quotas and logs. */
export interface RequestContext {
  /** "User:name" once authenticated (SASL); "User:ANONYMOUS" otherwise, as Kafka names it. */
  readonly principal: string;
  /** The client.id the client sent in the request header. */
  readonly clientId: string;
  /** The client's address as this node sees it. */
  readonly clientHost: string;
  /** Aborted when the connection closes: long waits (JoinGroup, Fetch) should stop. */
  readonly signal: AbortSignal;
}

/** A node as Kafka clients reach it: its Kafka listener's advertised address. */
export interface BrokerEndpoint {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly rack: string | null;
}

/** One partition's replication state. */
export interface PartitionMetadata {
  readonly partition: number;
  /** The leader's node id; -1 when none is known. */
  readonly leaderId: number;
  /** The raft term of that leadership (Kafka's leader epoch); -1 when unknown. */
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  /** Replicas on nodes that are down. */
  readonly offlineReplicas: readonly number[];
}

/** A topic and its partitions. */
export interface TopicMetadata {
  readonly name: string;
  /** Every partition, ordered by id. */
  readonly partitions: readonly PartitionMetadata[];
}

/** What Metadata and FindCoordinator answer from. */
export interface ClusterMetadata {
  readonly clusterId: string;
  /** The controller (meta group leader), which is also every group's coordinator; -1 when
   *  none is known. */
  readonly controllerId: number;
  /** Every node with a Kafka listener. */
  readonly brokers: readonly BrokerEndpoint[];
  /** The topics asked for that exist (every topic when all were asked for). */
  readonly topics: readonly TopicMetadata[];
}

/** How much durability a producer waits for (DESIGN.md "acks"); Kafka's 0, 1 and -1 are
 *  none, leader and all. */
export const Acks = { None: 'none', Leader: 'leader', Quorum: 'quorum', All: 'all' } as const;
export type Acks = (typeof Acks)[keyof typeof Acks];

/** Batches for one partition. */
export interface ProduceRequest {
  readonly topic: string;
  readonly partition: number;
  /** Herald batches (translated from the request's Kafka batches), in order. An idempotent
   *  producer's id, epoch and base sequence are in each batch's header. */
  readonly batches: readonly Uint8Array[];
  readonly acks: Acks;
  readonly timeoutMs: number;
  /** A transactional producer's id (Produce v3+): Write on it is checked too. */
  readonly transactionalId: string | null;
}

/** Where a produce landed. */
export interface ProduceResult {
  /** The offset of the first batch's first record (its original offset for a duplicate). */
  readonly baseOffset: number;
  /** The partition's first stored offset; -1 when not known. */
  readonly logStartOffset: number;
}

/** A read of one partition. */
export interface FetchRequest {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** At least one batch is returned when one is there, even a larger one (KIP-74). */
  readonly maxBytes: number;
  readonly isolation: Isolation;
}

/** Kafka's isolation levels (Fetch v4+, ListOffsets v2+; KIP-98): read_committed stops at the
 *  last stable offset and leaves aborted transactions out. */
export const Isolation = { ReadUncommitted: 'read_uncommitted', ReadCommitted: 'read_committed' } as const;
export type Isolation = (typeof Isolation)[keyof typeof Isolation];

/** An aborted transaction a read committed fetch met: its producer and first offset. */
export interface AbortedTransaction {
  readonly producerId: number;
  readonly firstOffset: number;
}

/** What a read of one partition found. */
export interface FetchResult {
  /** Committed batches from the one holding `offset` on, in offset order. */
  readonly batches: readonly StoredBatchRef[];
  readonly highWatermark: number;
  readonly logStartOffset: number;
  /** Read committed readers stop here; the high watermark while no transaction is open. */
  readonly lastStableOffset: number;
  /** Read committed: the aborted transactions in the range read (their batches are left out). */
  readonly abortedTransactions: readonly AbortedTransaction[];
}

/** A partition and the offset a fetch waits to pass (read committed: the last stable offset). */
export interface FetchPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly isolation: Isolation;
}

/** What ListOffsets looks up. */
export const OffsetSpec = { Earliest: 'earliest', Latest: 'latest', Timestamp: 'timestamp' } as const;
export type OffsetSpec = (typeof OffsetSpec)[keyof typeof OffsetSpec];

/** An offset lookup in one partition. */
export interface ListOffsetRequest {
  readonly topic: string;
  readonly partition: number;
  readonly spec: OffsetSpec;
  /** With OffsetSpec.Timestamp: epoch milliseconds. */
  readonly timestampMs: number;
  /** Latest under read_committed is the last stable offset. */
  readonly isolation: Isolation;
}

/** The offset a lookup found. */
export interface ListOffsetResult {
  /** Earliest: the log start offset; Latest: the high watermark; Timestamp: the first offset
   *  whose record's timestamp is at or after the time, or the high watermark when none is. */
  readonly offset: number;
  /** Timestamp: the timestamp of the record found; -1 when none was (and otherwise). */
  readonly timestampMs: number;
  /** The partition's current leader epoch (raft term). */
  readonly leaderEpoch: number;
}

/** A topic and some of its partitions. */
export interface TopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

/** A member's join, with what Herald's coordinator needs (the Kafka member's subscription decoded). */
export interface JoinGroupRequest {
  readonly group: string;
  /** Empty for a new member. */
  readonly memberId: string;
  readonly clientId: string;
  readonly clientHost: string;
  readonly topics: readonly string[];
  /** Herald assignment strategies ("range", "roundrobin", "sticky"), most preferred first. */
  readonly strategies: readonly string[];
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
}

/** The member's place in the new generation. */
export interface JoinGroupResult {
  readonly memberId: string;
  readonly generation: number;
  readonly strategy: string;
  readonly assignment: readonly TopicPartitions[];
}

/** A member of the current generation. */
export interface GroupMemberView {
  readonly memberId: string;
  readonly clientId: string;
  readonly clientHost: string;
  readonly topics: readonly string[];
  readonly assignment: readonly TopicPartitions[];
}

/** Kafka's group states, as far as Herald has them. */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'Stable';

/** A group in a list. */
export interface GroupSummary {
  readonly group: string;
  readonly state: GroupState;
}

/** A group in full. */
export interface GroupDescription {
  readonly group: string;
  readonly state: GroupState;
  readonly generation: number;
  /** The current generation's strategy ("" when the group has no members). */
  readonly strategy: string;
  readonly members: readonly GroupMemberView[];
}

/** An offset to commit: the next offset the group will consume. */
export interface OffsetToCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly metadata: string;
}

/** A committed offset. */
export interface CommittedOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly metadata: string;
}

/** A topic to create. */
export interface CreateTopicRequest {
  readonly name: string;
  /** -1: the broker's default. */
  readonly partitions: number;
  /** -1: the broker's default. */
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
  /** Check everything, create nothing (Kafka's validateOnly). */
  readonly validateOnly: boolean;
}

/** One config of a topic, as DescribeConfigs shows it. */
export interface ConfigEntry {
  readonly name: string;
  readonly value: string | null;
  /** Whether the value was set on the topic (else it is the broker's default). */
  readonly isTopicOverride: boolean;
  readonly readOnly: boolean;
  readonly sensitive: boolean;
}

/** A SCRAM credential as stored (RFC 5802 §3): never the password itself. */
export interface ScramCredential {
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly storedKey: Uint8Array;
  readonly serverKey: Uint8Array;
}

/** The SCRAM mechanisms, by name. */
export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

/**
 * Everything the Kafka listener asks of the broker. Methods throw HeraldErrors for refusals;
 * anything else is treated as a bug (logged, answered UNKNOWN_SERVER_ERROR).
 */
export interface KafkaBackend {
  /** Counts `amount` of a request's `kind` (one request, bytes produced, bytes fetched) against
   *  the principal's quotas; answers how long to hold its response back (0: at once). */
  throttleMs?(principal: string, kind: 'request' | 'produce' | 'fetch', amount: number): number;

  // Cluster ------------------------------------------------------------------------------------

  /** Brokers, controller and the named topics (all topics for null). Topics that do not exist
   *  are left out; the listener answers UNKNOWN_TOPIC_OR_PARTITION for them. */
  metadata(topics: readonly string[] | null, ctx: RequestContext): Promise<ClusterMetadata>;

  // Partitions ---------------------------------------------------------------------------------

  /**
   * Appends batches to a partition and waits per `acks`. Calls for one partition must be
   * appended in the order they were made, even when made without waiting for each other: a
   * Kafka producer pipelines requests and its sequence numbers assume that order.
   */
  produce(request: ProduceRequest, ctx: RequestContext): Promise<ProduceResult>;

  /** Committed batches from an offset. OffsetOutOfRange outside [logStartOffset, highWatermark]. */
  fetch(request: FetchRequest, ctx: RequestContext): Promise<FetchResult>;

  /** Resolves once any partition's high watermark passes its position, or after `timeoutMs`,
   *  or when `signal` aborts; never rejects. */
  waitForData(positions: readonly FetchPosition[], timeoutMs: number, signal: AbortSignal): Promise<void>;

  listOffset(request: ListOffsetRequest, ctx: RequestContext): Promise<ListOffsetResult>;

  /** Deletes records below `beforeOffset` (-1: the high watermark); answers the new log start. */
  deleteRecords(topic: string, partition: number, beforeOffset: number, ctx: RequestContext): Promise<number>;

  // Consumer groups (the coordinator runs on the controller) ------------------------------------

  /** Joins and resolves once the rebalance completes, with the assignment the coordinator
   *  computed; rejects when `ctx.signal` aborts. */
  joinGroup(request: JoinGroupRequest, ctx: RequestContext): Promise<JoinGroupResult>;

  /** The member's assignment in `generation`, the current one (else FencedGeneration,
   *  RebalanceInProgress or UnknownMember, as a heartbeat would be refused). */
  groupAssignment(group: string, memberId: string, generation: number, ctx: RequestContext): Promise<readonly TopicPartitions[]>;

  heartbeat(group: string, memberId: string, generation: number, ctx: RequestContext): Promise<void>;

  leaveGroup(group: string, memberId: string, ctx: RequestContext): Promise<void>;

  /** Commits all or none. A member commits with its generation; memberId "" and generation 0
   *  commit for a group without members (a consumer that assigns itself). */
  commitOffsets(group: string, memberId: string, generation: number, offsets: readonly OffsetToCommit[], ctx: RequestContext): Promise<void>;

  /** Committed offsets of the topics (every topic for null). GroupNotFound for no such group. */
  fetchOffsets(group: string, topics: readonly string[] | null, ctx: RequestContext): Promise<readonly CommittedOffset[]>;

  listGroups(ctx: RequestContext): Promise<readonly GroupSummary[]>;

  /** GroupNotFound for no such group. */
  describeGroup(group: string, ctx: RequestContext): Promise<GroupDescription>;

  // Topics and configs (the controller decides) -------------------------------------------------

  createTopic(request: CreateTopicRequest, ctx: RequestContext): Promise<void>;

  deleteTopic(name: string, ctx: RequestContext): Promise<void>;

  /** Every config of a topic: its overrides and the broker's defaults. */
  topicConfigs(name: string, ctx: RequestContext): Promise<readonly ConfigEntry[]>;

  // Producers and principals --------------------------------------------------------------------

  /** A producer id and epoch: for an idempotent producer (transactionalId null) a fresh one;
   *  for a transactional id, its producer id with a bumped epoch, which fences older instances
   *  and aborts what they left open (KIP-98). */
  initProducerId(transactionalId: string | null, transactionTimeoutMs: number, ctx: RequestContext): Promise<{ producerId: number; producerEpoch: number }>;

  // Transactions (KIP-98; the coordinator runs on the controller) ----------------------------

  /** AddPartitionsToTxn: all or none. */
  addPartitionsToTxn(transactionalId: string, producerId: number, producerEpoch: number, partitions: readonly TopicPartitions[], ctx: RequestContext): Promise<void>;

  /** AddOffsetsToTxn: the group's offsets may be committed in the transaction. */
  addOffsetsToTxn(transactionalId: string, producerId: number, producerEpoch: number, group: string, ctx: RequestContext): Promise<void>;

  /** TxnOffsetCommit: offsets committed when the transaction commits; all or none. */
  txnOffsetCommit(transactionalId: string, group: string, producerId: number, producerEpoch: number, offsets: readonly OffsetToCommit[], ctx: RequestContext): Promise<void>;

  /** EndTxn: commits or aborts; resolves once the transaction is complete. */
  endTxn(transactionalId: string, producerId: number, producerEpoch: number, commit: boolean, ctx: RequestContext): Promise<void>;

  /** SASL PLAIN: the principal ("User:name") for a valid user and password, else null. */
  authenticatePlain(username: string, password: string): Promise<string | null>;

  /** SASL SCRAM: the user's stored credential for the mechanism, else null. */
  scramCredential(mechanism: ScramMechanism, username: string): Promise<ScramCredential | null>;
}
