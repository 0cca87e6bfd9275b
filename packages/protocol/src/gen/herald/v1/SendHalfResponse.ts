// Original file: proto/herald/v1/transactions.proto


export interface SendHalfResponse {
  /**
   * The number of records held.
   */
  'recordCount'?: (number);
  /**
   * True when a half message of this id was already stored (or decided): nothing was stored.
   */
  'duplicate'?: (boolean);
}

export interface SendHalfResponse__Output {
  /**
   * The number of records held.
   */
  'recordCount': (number);
  /**
   * True when a half message of this id was already stored (or decided): nothing was stored.
   */
  'duplicate': (boolean);
}
