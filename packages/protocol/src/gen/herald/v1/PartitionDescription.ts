// Original file: proto/herald/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One partition's replication state, as its leader reports it.
 */
export interface PartitionDescription {
  /**
   * The partition's id, 0 ≤ id < the topic's partition count.
   */
  'id'?: (number);
  /**
   * The node that leads the partition's Raft group; 0 when no leader is known.
   */
  'leaderId'?: (number);
  /**
   * The Raft term of that leadership; it grows with every election.
   */
  'leaderTerm'?: (number | string | Long);
  /**
   * The nodes that hold a replica of the partition, the leader included.
   */
  'replicas'?: (number)[];
  /**
   * The in-sync replicas, the leader included: the replicas that matched the leader's log at
   * some moment within replica.lag.time.max.ms (Kafka's definition).
   */
  'isr'?: (number)[];
  /**
   * The offset after the last committed record.
   */
  'highWatermark'?: (number | string | Long);
  /**
   * The first offset still stored.
   */
  'logStartOffset'?: (number | string | Long);
  /**
   * The replicas a reassignment in progress moves the partition to, the preferred leader
   * first; empty when none is in progress.
   */
  'targetReplicas'?: (number)[];
}

/**
 * One partition's replication state, as its leader reports it.
 */
export interface PartitionDescription__Output {
  /**
   * The partition's id, 0 ≤ id < the topic's partition count.
   */
  'id': (number);
  /**
   * The node that leads the partition's Raft group; 0 when no leader is known.
   */
  'leaderId': (number);
  /**
   * The Raft term of that leadership; it grows with every election.
   */
  'leaderTerm': (number);
  /**
   * The nodes that hold a replica of the partition, the leader included.
   */
  'replicas': (number)[];
  /**
   * The in-sync replicas, the leader included: the replicas that matched the leader's log at
   * some moment within replica.lag.time.max.ms (Kafka's definition).
   */
  'isr': (number)[];
  /**
   * The offset after the last committed record.
   */
  'highWatermark': (number);
  /**
   * The first offset still stored.
   */
  'logStartOffset': (number);
  /**
   * The replicas a reassignment in progress moves the partition to, the preferred leader
   * first; empty when none is in progress.
   */
  'targetReplicas': (number)[];
}
