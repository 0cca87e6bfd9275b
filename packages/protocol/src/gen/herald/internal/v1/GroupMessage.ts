// Original file: proto/herald/internal/v1/raft.proto

import type { RaftMessage as _herald_internal_v1_RaftMessage, RaftMessage__Output as _herald_internal_v1_RaftMessage__Output } from '../../../herald/internal/v1/RaftMessage.js';

/**
 * A Raft message addressed to one group.
 */
export interface GroupMessage {
  /**
   * The Raft group: "meta" for the meta group, "<topic>/<partition>" for a partition.
   */
  'group'?: (string);
  /**
   * The message.
   */
  'message'?: (_herald_internal_v1_RaftMessage | null);
}

/**
 * A Raft message addressed to one group.
 */
export interface GroupMessage__Output {
  /**
   * The Raft group: "meta" for the meta group, "<topic>/<partition>" for a partition.
   */
  'group': (string);
  /**
   * The message.
   */
  'message': (_herald_internal_v1_RaftMessage__Output | null);
}
