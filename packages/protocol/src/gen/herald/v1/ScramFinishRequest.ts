// Original file: proto/herald/v1/auth.proto


export interface ScramFinishRequest {
  /**
   * From ScramStartResponse.
   */
  'handshakeId'?: (string);
  /**
   * The client-final message: "c=biws,r=<nonce>,p=<proof>".
   */
  'clientFinal'?: (string);
}

export interface ScramFinishRequest__Output {
  /**
   * From ScramStartResponse.
   */
  'handshakeId': (string);
  /**
   * The client-final message: "c=biws,r=<nonce>,p=<proof>".
   */
  'clientFinal': (string);
}
