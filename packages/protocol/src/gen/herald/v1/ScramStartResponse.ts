// Original file: proto/herald/v1/auth.proto


export interface ScramStartResponse {
  /**
   * Names the exchange in ScramFinish; good for one ScramFinish at this node, for 10 seconds.
   */
  'handshakeId'?: (string);
  /**
   * The server-first message: "r=<nonce>,s=<salt>,i=<iterations>".
   */
  'serverFirst'?: (string);
}

export interface ScramStartResponse__Output {
  /**
   * Names the exchange in ScramFinish; good for one ScramFinish at this node, for 10 seconds.
   */
  'handshakeId': (string);
  /**
   * The server-first message: "r=<nonce>,s=<salt>,i=<iterations>".
   */
  'serverFirst': (string);
}
