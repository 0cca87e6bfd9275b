// Original file: proto/herald/v1/security.proto


/**
 * Quotas per second; 0 means no limit. Enforced by delaying answers (Kafka's throttling), per
 * node: a principal spread over three nodes may use three times its quota in total, as in Kafka.
 */
export interface Quota {
  /**
   * Record batch bytes produced.
   */
  'produceBytesPerSecond'?: (number | string);
  /**
   * Record batch bytes fetched (Fetch, Subscribe, queue receives).
   */
  'fetchBytesPerSecond'?: (number | string);
  /**
   * Requests of any kind, each message of a stream counting as one.
   */
  'requestsPerSecond'?: (number | string);
}

/**
 * Quotas per second; 0 means no limit. Enforced by delaying answers (Kafka's throttling), per
 * node: a principal spread over three nodes may use three times its quota in total, as in Kafka.
 */
export interface Quota__Output {
  /**
   * Record batch bytes produced.
   */
  'produceBytesPerSecond': (number);
  /**
   * Record batch bytes fetched (Fetch, Subscribe, queue receives).
   */
  'fetchBytesPerSecond': (number);
  /**
   * Requests of any kind, each message of a stream counting as one.
   */
  'requestsPerSecond': (number);
}
