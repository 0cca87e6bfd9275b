// Original file: proto/herald/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface DeleteRecordsResponse {
  /**
   * The partition's log start offset once the deletion is committed.
   */
  'logStartOffset'?: (number | string | Long);
}

export interface DeleteRecordsResponse__Output {
  /**
   * The partition's log start offset once the deletion is committed.
   */
  'logStartOffset': (number);
}
