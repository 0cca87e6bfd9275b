// Original file: proto/herald/v1/consume.proto

import type { Isolation as _herald_v1_Isolation, Isolation__Output as _herald_v1_Isolation__Output } from '../../herald/v1/Isolation.js';
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
  /**
   * Which records the read sees; ISOLATION_UNSPECIFIED means ISOLATION_READ_COMMITTED.
   */
  'isolation'?: (_herald_v1_Isolation);
  /**
   * 7–15 are kept for reading from ISR replicas; 19–31 for queues.
   * A consumer-group member sets the three fields below: the fetch is then fenced, refused
   * with FAILED_PRECONDITION, reason FencedGeneration, unless the member belongs to the
   * group's current generation (as this node's copy of the metadata knows it) and owns the
   * partition in it.
   * The member's group; empty for a fetch outside any group.
   */
  'group'?: (string);
  /**
   * The member's id.
   */
  'memberId'?: (string);
  /**
   * The member's generation.
   */
  'generation'?: (number | string | Long);
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
  /**
   * Which records the read sees; ISOLATION_UNSPECIFIED means ISOLATION_READ_COMMITTED.
   */
  'isolation': (_herald_v1_Isolation__Output);
  /**
   * 7–15 are kept for reading from ISR replicas; 19–31 for queues.
   * A consumer-group member sets the three fields below: the fetch is then fenced, refused
   * with FAILED_PRECONDITION, reason FencedGeneration, unless the member belongs to the
   * group's current generation (as this node's copy of the metadata knows it) and owns the
   * partition in it.
   * The member's group; empty for a fetch outside any group.
   */
  'group': (string);
  /**
   * The member's id.
   */
  'memberId': (string);
  /**
   * The member's generation.
   */
  'generation': (number);
}
