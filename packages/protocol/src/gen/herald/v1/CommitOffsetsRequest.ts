// Original file: proto/herald/v1/groups.proto

import type { OffsetCommit as _herald_v1_OffsetCommit, OffsetCommit__Output as _herald_v1_OffsetCommit__Output } from '../../herald/v1/OffsetCommit.js';
import type { Long } from '@grpc/proto-loader';

export interface CommitOffsetsRequest {
  /**
   * The group's name.
   */
  'group'?: (string);
  /**
   * The committing member; empty for a standalone consumer (with generation 0).
   */
  'memberId'?: (string);
  /**
   * The member's generation; 0 for a standalone consumer.
   */
  'generation'?: (number | string | Long);
  /**
   * The offsets; committed all or none.
   */
  'offsets'?: (_herald_v1_OffsetCommit)[];
}

export interface CommitOffsetsRequest__Output {
  /**
   * The group's name.
   */
  'group': (string);
  /**
   * The committing member; empty for a standalone consumer (with generation 0).
   */
  'memberId': (string);
  /**
   * The member's generation; 0 for a standalone consumer.
   */
  'generation': (number);
  /**
   * The offsets; committed all or none.
   */
  'offsets': (_herald_v1_OffsetCommit__Output)[];
}
