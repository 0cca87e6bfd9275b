// Original file: proto/herald/v1/queues.proto

import type { RefusedReceipt as _herald_v1_RefusedReceipt, RefusedReceipt__Output as _herald_v1_RefusedReceipt__Output } from '../../herald/v1/RefusedReceipt.js';

export interface SettleResponse {
  /**
   * The receipts that named no held record; every other receipt was applied.
   */
  'refused'?: (_herald_v1_RefusedReceipt)[];
}

export interface SettleResponse__Output {
  /**
   * The receipts that named no held record; every other receipt was applied.
   */
  'refused': (_herald_v1_RefusedReceipt__Output)[];
}
