// Original file: proto/herald/v1/transactions.proto


export interface InitTransactionsRequest {
  /**
   * 1 to 249 of [a-zA-Z0-9._-].
   */
  'transactionalId'?: (string);
  /**
   * A transaction not ended within this is aborted by the coordinator: 1 to 900,000; 0: 60,000.
   */
  'timeoutMs'?: (number);
}

export interface InitTransactionsRequest__Output {
  /**
   * 1 to 249 of [a-zA-Z0-9._-].
   */
  'transactionalId': (string);
  /**
   * A transaction not ended within this is aborted by the coordinator: 1 to 900,000; 0: 60,000.
   */
  'timeoutMs': (number);
}
