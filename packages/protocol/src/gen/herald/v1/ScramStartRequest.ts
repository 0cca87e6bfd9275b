// Original file: proto/herald/v1/auth.proto


export interface ScramStartRequest {
  /**
   * "SCRAM-SHA-256" or "SCRAM-SHA-512".
   */
  'mechanism'?: (string);
  /**
   * The client-first message, e.g. "n,,n=alice,r=<nonce>". Only the GS2 header "n,," is
   * accepted: no channel binding, no authorization identity.
   */
  'clientFirst'?: (string);
}

export interface ScramStartRequest__Output {
  /**
   * "SCRAM-SHA-256" or "SCRAM-SHA-512".
   */
  'mechanism': (string);
  /**
   * The client-first message, e.g. "n,,n=alice,r=<nonce>". Only the GS2 header "n,," is
   * accepted: no channel binding, no authorization identity.
   */
  'clientFirst': (string);
}
