// Original file: proto/herald/v1/groups.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A group in a list.
 */
export interface GroupSummary {
  /**
   * The group's name.
   */
  'group'?: (string);
  /**
   * "Empty", "PreparingRebalance" or "Stable".
   */
  'state'?: (string);
  /**
   * Members of the current generation.
   */
  'memberCount'?: (number);
  /**
   * The current generation.
   */
  'generation'?: (number | string | Long);
  /**
   * The assignment strategy of the current generation ("" when empty).
   */
  'strategy'?: (string);
}

/**
 * A group in a list.
 */
export interface GroupSummary__Output {
  /**
   * The group's name.
   */
  'group': (string);
  /**
   * "Empty", "PreparingRebalance" or "Stable".
   */
  'state': (string);
  /**
   * Members of the current generation.
   */
  'memberCount': (number);
  /**
   * The current generation.
   */
  'generation': (number);
  /**
   * The assignment strategy of the current generation ("" when empty).
   */
  'strategy': (string);
}
