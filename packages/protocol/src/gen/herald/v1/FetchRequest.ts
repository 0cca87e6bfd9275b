// Original file: proto/herald/v1/consume.proto

import type { Long } from '@grpc/proto-loader';

export interface FetchRequest {
  /**
   * The topic's name.
   */
  'topic'?: (string);
  /**
   * The partition.
   */
  'partition'?: (number);
  /**
   * The first offset wanted. From log_start_offset to high_watermark (reading at the high
   * watermark waits for new data); outside that range the call fails with OUT_OF_RANGE,
   * reason OffsetOutOfRange.
   */
  'offset'?: (number | string | Long);
  /**
   * An upper bound on the bytes of batches returned; 0 means the broker's default. At least
   * one batch is returned if any is available, even one larger than max_bytes, so that a
   * reader never stalls (Kafka's rule).
   */
  'maxBytes'?: (number);
  /**
   * How long to wait for data when there is none at `offset`; 0 answers at once.
   */
  'maxWaitMs'?: (number);
}

export interface FetchRequest__Output {
  /**
   * The topic's name.
   */
  'topic': (string);
  /**
   * The partition.
   */
  'partition': (number);
  /**
   * The first offset wanted. From log_start_offset to high_watermark (reading at the high
   * watermark waits for new data); outside that range the call fails with OUT_OF_RANGE,
   * reason OffsetOutOfRange.
   */
  'offset': (number);
  /**
   * An upper bound on the bytes of batches returned; 0 means the broker's default. At least
   * one batch is returned if any is available, even one larger than max_bytes, so that a
   * reader never stalls (Kafka's rule).
   */
  'maxBytes': (number);
  /**
   * How long to wait for data when there is none at `offset`; 0 answers at once.
   */
  'maxWaitMs': (number);
}
