// Original file: proto/herald/internal/v1/raft.proto

import type { Entry as _herald_internal_v1_Entry, Entry__Output as _herald_internal_v1_Entry__Output } from '../../../herald/internal/v1/Entry.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A leader's request to append entries after (prev_index, prev_term).
 */
export interface Append {
  /**
   * The index of the entry just before the new ones.
   */
  'prevIndex'?: (number | string | Long);
  /**
   * The term of that entry.
   */
  'prevTerm'?: (number | string | Long);
  /**
   * The entries to append, with indexes prev_index + 1, prev_index + 2, …
   */
  'entries'?: (_herald_internal_v1_Entry)[];
  /**
   * The leader's commit index.
   */
  'commitIndex'?: (number | string | Long);
}

/**
 * A leader's request to append entries after (prev_index, prev_term).
 */
export interface Append__Output {
  /**
   * The index of the entry just before the new ones.
   */
  'prevIndex': (number);
  /**
   * The term of that entry.
   */
  'prevTerm': (number);
  /**
   * The entries to append, with indexes prev_index + 1, prev_index + 2, …
   */
  'entries': (_herald_internal_v1_Entry__Output)[];
  /**
   * The leader's commit index.
   */
  'commitIndex': (number);
}
