// Original file: proto/herald/v1/produce.proto

import type { Acks as _herald_v1_Acks, Acks__Output as _herald_v1_Acks__Output } from '../../herald/v1/Acks.js';
import type { Long } from '@grpc/proto-loader';

export interface ProduceRequest {
  /**
   * The topic's name.
   */
  'topic'?: (string);
  /**
   * The partition, 0 ≤ partition < the topic's partition count. Clients choose it, by
   * default with partitionForKey() (Kafka's murmur2 of the key) or round-robin for null keys.
   */
  'partition'?: (number);
  /**
   * The acknowledgement the client waits for; ACKS_UNSPECIFIED means ACKS_QUORUM.
   */
  'acks'?: (_herald_v1_Acks);
  /**
   * Exactly one encoded record batch. A batch with a producer id is idempotent: a retry of a
   * batch the partition already holds is answered with the original offsets and
   * duplicate = true.
   */
  'batch'?: (Buffer | Uint8Array | string);
  /**
   * How long the broker waits for the acknowledgement before failing with DEADLINE_EXCEEDED,
   * reason CommitTimedOut (the outcome is then unknown). 0 means the broker's default. The
   * call's own gRPC deadline still applies.
   */
  'timeoutMs'?: (number);
  /**
   * ProduceStream only: an id chosen by the client, echoed in the response to this request.
   * Ignored by Produce.
   */
  'correlationId'?: (number | string | Long);
}

export interface ProduceRequest__Output {
  /**
   * The topic's name.
   */
  'topic': (string);
  /**
   * The partition, 0 ≤ partition < the topic's partition count. Clients choose it, by
   * default with partitionForKey() (Kafka's murmur2 of the key) or round-robin for null keys.
   */
  'partition': (number);
  /**
   * The acknowledgement the client waits for; ACKS_UNSPECIFIED means ACKS_QUORUM.
   */
  'acks': (_herald_v1_Acks__Output);
  /**
   * Exactly one encoded record batch. A batch with a producer id is idempotent: a retry of a
   * batch the partition already holds is answered with the original offsets and
   * duplicate = true.
   */
  'batch': (Buffer);
  /**
   * How long the broker waits for the acknowledgement before failing with DEADLINE_EXCEEDED,
   * reason CommitTimedOut (the outcome is then unknown). 0 means the broker's default. The
   * call's own gRPC deadline still applies.
   */
  'timeoutMs': (number);
  /**
   * ProduceStream only: an id chosen by the client, echoed in the response to this request.
   * Ignored by Produce.
   */
  'correlationId': (number);
}
