// Original file: proto/herald/v1/groups.proto

import type { Long } from '@grpc/proto-loader';

export interface HeartbeatRequest {
  /**
   * The group's name.
   */
  'group'?: (string);
  /**
   * The member's id.
   */
  'memberId'?: (string);
  /**
   * The member's generation.
   */
  'generation'?: (number | string | Long);
}

export interface HeartbeatRequest__Output {
  /**
   * The group's name.
   */
  'group': (string);
  /**
   * The member's id.
   */
  'memberId': (string);
  /**
   * The member's generation.
   */
  'generation': (number);
}
