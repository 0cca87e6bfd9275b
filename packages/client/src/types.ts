// The shapes the SDK hands to its users: plain objects with camelCase fields, independent of the
// generated gRPC types.

/** A node of the cluster, as the answering node sees it. */
export interface NodeDescription {
  readonly id: number;
  /** The node's client API address, host:port. */
  readonly address: string;
  /** Whether the answering node currently hears from this node. */
  readonly alive: boolean;
  /** Its part in the meta group: `voter`, `learner` (added, catching up), `joining` (added, not
   *  yet in the meta group), `leaving` (removed, not yet out of it; no address); '' from a node
   *  of an older release. */
  readonly role: string;
}

/** The cluster: its nodes and the controller (the meta group's leader; 0 when none is known). */
export interface ClusterDescription {
  readonly clusterId: string;
  readonly controllerId: number;
  readonly nodes: readonly NodeDescription[];
  /** The meta group's in-sync voters as the controller reports them; empty when the answering
   *  node could not learn them. */
  readonly controllerIsr: readonly number[];
}

/** A topic in a list. */
export interface TopicSummary {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
}

/** One partition's replication state. `leaderId` 0 means no leader is known. */
export interface PartitionDescription {
  readonly id: number;
  readonly leaderId: number;
  readonly leaderTerm: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly highWatermark: number;
  readonly logStartOffset: number;
  /** The replicas a reassignment in progress moves the partition to (empty: none). */
  readonly targetReplicas: readonly number[];
}

/** A topic in full. */
export interface TopicDescription {
  readonly name: string;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
  readonly partitions: readonly PartitionDescription[];
}

/** How much replication a produce waits for (proto Acks): see DESIGN.md "Replication". */
export const Acks = { None: 'none', Leader: 'leader', Quorum: 'quorum', All: 'all' } as const;
export type Acks = (typeof Acks)[keyof typeof Acks];

/** A record header as the SDK takes it: a map, or a list when keys repeat. */
export type HeadersInput = Readonly<Record<string, string | Uint8Array>> | readonly { readonly key: string; readonly value: string | Uint8Array }[];

/** A record to send. Strings are encoded as UTF-8. */
export interface ProducerRecord {
  /** Chooses the partition (Kafka's murmur2, partitionForKey) unless `partition` is given. */
  readonly key?: string | Uint8Array | null;
  readonly value: string | Uint8Array | null;
  readonly headers?: HeadersInput;
  /** Sends to this partition instead of choosing one. */
  readonly partition?: number;
  /** Epoch milliseconds; now by default. */
  readonly timestampMs?: number;
}

/** Where a sent record was stored. `offset` is -1 with acks 'none'. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** A record read from a partition. Key, value and header values are bytes (Buffers). */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly { readonly key: string; readonly value: Buffer }[];
  readonly timestampMs: number;
}

/** One partition's new replica set, the preferred leader first (reassignPartitions). */
export interface PartitionReassignment {
  readonly topic: string;
  readonly partition: number;
  readonly replicas: readonly number[];
}
