// Original file: proto/herald/v1/consume.proto

/**
 * Which records a read sees (KIP-98). Half messages are never seen before their commit, under
 * either level: they are not in the log's index until then.
 */
export const Isolation = {
  /**
   * Not set: ISOLATION_READ_COMMITTED.
   */
  ISOLATION_UNSPECIFIED: 'ISOLATION_UNSPECIFIED',
  /**
   * Records below the last stable offset, without the batches of aborted transactions (their
   * markers are served, as control batches, so that a reader moves past them).
   */
  ISOLATION_READ_COMMITTED: 'ISOLATION_READ_COMMITTED',
  /**
   * Every committed record up to the high watermark: the batches of open and of aborted
   * transactions included (Kafka's isolation_level 0).
   */
  ISOLATION_READ_UNCOMMITTED: 'ISOLATION_READ_UNCOMMITTED',
} as const;

/**
 * Which records a read sees (KIP-98). Half messages are never seen before their commit, under
 * either level: they are not in the log's index until then.
 */
export type Isolation =
  /**
   * Not set: ISOLATION_READ_COMMITTED.
   */
  | 'ISOLATION_UNSPECIFIED'
  | 0
  /**
   * Records below the last stable offset, without the batches of aborted transactions (their
   * markers are served, as control batches, so that a reader moves past them).
   */
  | 'ISOLATION_READ_COMMITTED'
  | 1
  /**
   * Every committed record up to the high watermark: the batches of open and of aborted
   * transactions included (Kafka's isolation_level 0).
   */
  | 'ISOLATION_READ_UNCOMMITTED'
  | 2

/**
 * Which records a read sees (KIP-98). Half messages are never seen before their commit, under
 * either level: they are not in the log's index until then.
 */
export type Isolation__Output = typeof Isolation[keyof typeof Isolation]
