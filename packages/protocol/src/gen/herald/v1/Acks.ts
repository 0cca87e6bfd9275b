// Original file: proto/herald/v1/produce.proto

/**
 * How much replication a produce request waits for before it is acknowledged
 * (after Liftbridge's AckPolicy and Kafka's acks).
 */
export const Acks = {
  /**
   * Not set: the broker uses the default, ACKS_QUORUM.
   */
  ACKS_UNSPECIFIED: 'ACKS_UNSPECIFIED',
  /**
   * No wait: answered as soon as the leader accepted the request. Offsets are unknown
   * (-1 in the response). The batch may be lost if the leader fails.
   */
  ACKS_NONE: 'ACKS_NONE',
  /**
   * Answered once the batch is in the leader's log. Lost if the leader fails before a
   * majority has it.
   */
  ACKS_LEADER: 'ACKS_LEADER',
  /**
   * Answered once a Raft majority has the batch durably (committed). Never lost.
   */
  ACKS_QUORUM: 'ACKS_QUORUM',
  /**
   * Answered once the batch is committed and durable on every member of the ISR.
   */
  ACKS_ALL: 'ACKS_ALL',
} as const;

/**
 * How much replication a produce request waits for before it is acknowledged
 * (after Liftbridge's AckPolicy and Kafka's acks).
 */
export type Acks =
  /**
   * Not set: the broker uses the default, ACKS_QUORUM.
   */
  | 'ACKS_UNSPECIFIED'
  | 0
  /**
   * No wait: answered as soon as the leader accepted the request. Offsets are unknown
   * (-1 in the response). The batch may be lost if the leader fails.
   */
  | 'ACKS_NONE'
  | 1
  /**
   * Answered once the batch is in the leader's log. Lost if the leader fails before a
   * majority has it.
   */
  | 'ACKS_LEADER'
  | 2
  /**
   * Answered once a Raft majority has the batch durably (committed). Never lost.
   */
  | 'ACKS_QUORUM'
  | 3
  /**
   * Answered once the batch is committed and durable on every member of the ISR.
   */
  | 'ACKS_ALL'
  | 4

/**
 * How much replication a produce request waits for before it is acknowledged
 * (after Liftbridge's AckPolicy and Kafka's acks).
 */
export type Acks__Output = typeof Acks[keyof typeof Acks]
