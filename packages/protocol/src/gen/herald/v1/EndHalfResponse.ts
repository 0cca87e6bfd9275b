// Original file: proto/herald/v1/transactions.proto

import type { Long } from '@grpc/proto-loader';

export interface EndHalfResponse {
  /**
   * A commit: the offset of the first record, now visible; -1 for a rollback.
   */
  'baseOffset'?: (number | string | Long);
  /**
   * A commit: the offset of the last record; -1 for a rollback.
   */
  'lastOffset'?: (number | string | Long);
  'recordCount'?: (number);
  /**
   * True when the half message had already been decided this way: nothing changed.
   */
  'duplicate'?: (boolean);
}

export interface EndHalfResponse__Output {
  /**
   * A commit: the offset of the first record, now visible; -1 for a rollback.
   */
  'baseOffset': (number);
  /**
   * A commit: the offset of the last record; -1 for a rollback.
   */
  'lastOffset': (number);
  'recordCount': (number);
  /**
   * True when the half message had already been decided this way: nothing changed.
   */
  'duplicate': (boolean);
}
