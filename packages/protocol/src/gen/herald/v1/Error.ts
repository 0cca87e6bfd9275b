// Original file: proto/herald/v1/common.proto


/**
 * A refusal reported inside a stream message instead of as the call's status.
 */
export interface Error {
  /**
   * The reason, a key of the error catalog (e.g. "NotLeader"). Clients treat an unknown
   * reason as not retryable.
   */
  'reason'?: (string);
  /**
   * A sentence a person can act on, e.g. "not the leader of this partition; send to node 2
   * at 127.0.0.1:7402".
   */
  'message'?: (string);
  /**
   * Machine-readable details, keyed like the trailing metadata of a failed call
   * (e.g. "herald-leader-id" → "2").
   */
  'details'?: ({[key: string]: string});
}

/**
 * A refusal reported inside a stream message instead of as the call's status.
 */
export interface Error__Output {
  /**
   * The reason, a key of the error catalog (e.g. "NotLeader"). Clients treat an unknown
   * reason as not retryable.
   */
  'reason': (string);
  /**
   * A sentence a person can act on, e.g. "not the leader of this partition; send to node 2
   * at 127.0.0.1:7402".
   */
  'message': (string);
  /**
   * Machine-readable details, keyed like the trailing metadata of a failed call
   * (e.g. "herald-leader-id" → "2").
   */
  'details': ({[key: string]: string});
}
