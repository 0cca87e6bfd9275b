// Original file: proto/herald/v1/queues.proto


/**
 * A record's header.
 */
export interface QueueHeader {
  'key'?: (string);
  'value'?: (Buffer | Uint8Array | string);
}

/**
 * A record's header.
 */
export interface QueueHeader__Output {
  'key': (string);
  'value': (Buffer);
}
