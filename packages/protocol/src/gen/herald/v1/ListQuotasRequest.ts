// Original file: proto/herald/v1/security.proto


export interface ListQuotasRequest {
  /**
   * Only this principal's quota; empty: all.
   */
  'principal'?: (string);
}

export interface ListQuotasRequest__Output {
  /**
   * Only this principal's quota; empty: all.
   */
  'principal': (string);
}
