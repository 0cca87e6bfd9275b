// Original file: proto/herald/internal/v1/raft.proto

/**
 * The kind of a log entry.
 */
export const EntryType = {
  /**
   * Never sent; refused on receipt.
   */
  ENTRY_TYPE_UNSPECIFIED: 'ENTRY_TYPE_UNSPECIFIED',
  /**
   * Application data, opaque to raft (for a partition: one record batch). An empty entry of
   * this type is the no-op a new leader appends.
   */
  ENTRY_TYPE_NORMAL: 'ENTRY_TYPE_NORMAL',
  /**
   * A membership change; data is an encoded Membership of raft's own format.
   */
  ENTRY_TYPE_CONFIG: 'ENTRY_TYPE_CONFIG',
} as const;

/**
 * The kind of a log entry.
 */
export type EntryType =
  /**
   * Never sent; refused on receipt.
   */
  | 'ENTRY_TYPE_UNSPECIFIED'
  | 0
  /**
   * Application data, opaque to raft (for a partition: one record batch). An empty entry of
   * this type is the no-op a new leader appends.
   */
  | 'ENTRY_TYPE_NORMAL'
  | 1
  /**
   * A membership change; data is an encoded Membership of raft's own format.
   */
  | 'ENTRY_TYPE_CONFIG'
  | 2

/**
 * The kind of a log entry.
 */
export type EntryType__Output = typeof EntryType[keyof typeof EntryType]
