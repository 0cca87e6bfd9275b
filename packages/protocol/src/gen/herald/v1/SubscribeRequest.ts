// Original file: proto/herald/v1/consume.proto

import type { StartPosition as _herald_v1_StartPosition, StartPosition__Output as _herald_v1_StartPosition__Output } from '../../herald/v1/StartPosition.js';
import type { Isolation as _herald_v1_Isolation, Isolation__Output as _herald_v1_Isolation__Output } from '../../herald/v1/Isolation.js';
import type { Long } from '@grpc/proto-loader';

export interface SubscribeRequest {
  /**
   * The topic's name.
   */
  'topic'?: (string);
  /**
   * The partition.
   */
  'partition'?: (number);
  /**
   * Where to start; START_POSITION_UNSPECIFIED means START_POSITION_LATEST.
   */
  'startPosition'?: (_herald_v1_StartPosition);
  /**
   * With START_POSITION_OFFSET: the first offset wanted. Outside [log_start_offset,
   * high_watermark] the call fails with OUT_OF_RANGE, reason OffsetOutOfRange.
   */
  'startOffset'?: (number | string | Long);
  /**
   * With START_POSITION_TIMESTAMP: the time, in epoch milliseconds.
   */
  'startTimestampMs'?: (number | string | Long);
  /**
   * An upper bound on the bytes of batches in one pushed message; 0 means the broker's
   * default. As in Fetch, a single larger batch is still sent.
   */
  'maxBytes'?: (number);
  /**
   * Which records the stream sees; ISOLATION_UNSPECIFIED means ISOLATION_READ_COMMITTED.
   * START_POSITION_LATEST starts at the last stable offset when reading committed.
   */
  'isolation'?: (_herald_v1_Isolation);
  /**
   * 8–15 are kept for stop positions (Liftbridge's stop_offset, stop_timestamp) and reading
   * from ISR replicas; 19–31 for queues.
   * A consumer-group member sets the three fields below, as in FetchRequest: the stream is
   * refused, or ended, with FencedGeneration once the member no longer owns the partition in
   * the group's current generation.
   * The member's group; empty for a subscription outside any group.
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

export interface SubscribeRequest__Output {
  /**
   * The topic's name.
   */
  'topic': (string);
  /**
   * The partition.
   */
  'partition': (number);
  /**
   * Where to start; START_POSITION_UNSPECIFIED means START_POSITION_LATEST.
   */
  'startPosition': (_herald_v1_StartPosition__Output);
  /**
   * With START_POSITION_OFFSET: the first offset wanted. Outside [log_start_offset,
   * high_watermark] the call fails with OUT_OF_RANGE, reason OffsetOutOfRange.
   */
  'startOffset': (number);
  /**
   * With START_POSITION_TIMESTAMP: the time, in epoch milliseconds.
   */
  'startTimestampMs': (number);
  /**
   * An upper bound on the bytes of batches in one pushed message; 0 means the broker's
   * default. As in Fetch, a single larger batch is still sent.
   */
  'maxBytes': (number);
  /**
   * Which records the stream sees; ISOLATION_UNSPECIFIED means ISOLATION_READ_COMMITTED.
   * START_POSITION_LATEST starts at the last stable offset when reading committed.
   */
  'isolation': (_herald_v1_Isolation__Output);
  /**
   * 8–15 are kept for stop positions (Liftbridge's stop_offset, stop_timestamp) and reading
   * from ISR replicas; 19–31 for queues.
   * A consumer-group member sets the three fields below, as in FetchRequest: the stream is
   * refused, or ended, with FencedGeneration once the member no longer owns the partition in
   * the group's current generation.
   * The member's group; empty for a subscription outside any group.
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
