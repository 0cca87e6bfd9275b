// Original file: proto/herald/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface DecommissionNodeRequest {
  /**
   * The node to empty.
   */
  'id'?: (number);
  /**
   * Only plan: nothing is recorded.
   */
  'dryRun'?: (boolean);
  /**
   * As in ReassignPartitionsRequest.
   */
  'throttleBytesPerSecond'?: (number | string | Long);
  /**
   * Move each replica to this node (herald node replace) instead of the least-loaded node
   * without one; a partition that already has a replica there moves to the least-loaded one.
   */
  'replacement'?: (number);
  '_throttleBytesPerSecond'?: "throttleBytesPerSecond";
  '_replacement'?: "replacement";
}

export interface DecommissionNodeRequest__Output {
  /**
   * The node to empty.
   */
  'id': (number);
  /**
   * Only plan: nothing is recorded.
   */
  'dryRun': (boolean);
  /**
   * As in ReassignPartitionsRequest.
   */
  'throttleBytesPerSecond'?: (number);
  /**
   * Move each replica to this node (herald node replace) instead of the least-loaded node
   * without one; a partition that already has a replica there moves to the least-loaded one.
   */
  'replacement'?: (number);
  '_throttleBytesPerSecond'?: "throttleBytesPerSecond";
  '_replacement'?: "replacement";
}
