// Original file: proto/herald/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface TransferLeadershipResponse {
  /**
   * The partition's leader once the transfer completed.
   */
  'leaderId'?: (number);
  /**
   * The term of the new leadership.
   */
  'leaderTerm'?: (number | string | Long);
}

export interface TransferLeadershipResponse__Output {
  /**
   * The partition's leader once the transfer completed.
   */
  'leaderId': (number);
  /**
   * The term of the new leadership.
   */
  'leaderTerm': (number);
}
