// Original file: proto/herald/v1/transactions.proto


export interface SendHalfRequest {
  'topic'?: (string);
  'partition'?: (number);
  /**
   * Chosen by the client, unique per partition: 1 to 128 of [a-zA-Z0-9._-]. The SDK uses a
   * random UUID.
   */
  'id'?: (string);
  /**
   * The producer group asked at check-back: 1 to 249 of [a-zA-Z0-9._-].
   */
  'producerGroup'?: (string);
  /**
   * Exactly one encoded record batch, without a producer id (idempotence is by `id`).
   */
  'batch'?: (Buffer | Uint8Array | string);
  /**
   * How long the broker waits for the half message to commit before failing with
   * DEADLINE_EXCEEDED, reason CommitTimedOut. 0 means the broker's default.
   */
  'timeoutMs'?: (number);
}

export interface SendHalfRequest__Output {
  'topic': (string);
  'partition': (number);
  /**
   * Chosen by the client, unique per partition: 1 to 128 of [a-zA-Z0-9._-]. The SDK uses a
   * random UUID.
   */
  'id': (string);
  /**
   * The producer group asked at check-back: 1 to 249 of [a-zA-Z0-9._-].
   */
  'producerGroup': (string);
  /**
   * Exactly one encoded record batch, without a producer id (idempotence is by `id`).
   */
  'batch': (Buffer);
  /**
   * How long the broker waits for the half message to commit before failing with
   * DEADLINE_EXCEEDED, reason CommitTimedOut. 0 means the broker's default.
   */
  'timeoutMs': (number);
}
