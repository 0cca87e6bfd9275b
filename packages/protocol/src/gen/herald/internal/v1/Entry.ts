// Original file: proto/herald/internal/v1/raft.proto

import type { EntryType as _herald_internal_v1_EntryType, EntryType__Output as _herald_internal_v1_EntryType__Output } from '../../../herald/internal/v1/EntryType.js';
import type { Long } from '@grpc/proto-loader';

/**
 * One Raft log entry.
 */
export interface Entry {
  /**
   * The entry's position in the log, at least 1.
   */
  'index'?: (number | string | Long);
  /**
   * The term of the leader that created the entry.
   */
  'term'?: (number | string | Long);
  /**
   * The kind of the entry.
   */
  'type'?: (_herald_internal_v1_EntryType);
  /**
   * The payload, opaque to raft.
   */
  'data'?: (Buffer | Uint8Array | string);
}

/**
 * One Raft log entry.
 */
export interface Entry__Output {
  /**
   * The entry's position in the log, at least 1.
   */
  'index': (number);
  /**
   * The term of the leader that created the entry.
   */
  'term': (number);
  /**
   * The kind of the entry.
   */
  'type': (_herald_internal_v1_EntryType__Output);
  /**
   * The payload, opaque to raft.
   */
  'data': (Buffer);
}
