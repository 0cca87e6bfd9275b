// Original file: proto/herald/v1/transactions.proto


export interface EndTransactionResponse {
  /**
   * The epoch of the producer's next transaction (KIP-890: one per transaction, so a write
   * of this transaction still in flight is fenced by the markers).
   */
  'producerEpoch'?: (number);
}

export interface EndTransactionResponse__Output {
  /**
   * The epoch of the producer's next transaction (KIP-890: one per transaction, so a write
   * of this transaction still in flight is fenced by the markers).
   */
  'producerEpoch': (number);
}
