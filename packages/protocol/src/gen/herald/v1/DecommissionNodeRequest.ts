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
  '_throttleBytesPerSecond'?: "throttleBytesPerSecond";
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
  '_throttleBytesPerSecond'?: "throttleBytesPerSecond";
}
