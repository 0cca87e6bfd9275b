// Original file: proto/herald/v1/produce.proto

import type { ProduceResponse as _herald_v1_ProduceResponse, ProduceResponse__Output as _herald_v1_ProduceResponse__Output } from '../../herald/v1/ProduceResponse.js';
import type { Error as _herald_v1_Error, Error__Output as _herald_v1_Error__Output } from '../../herald/v1/Error.js';
import type { Long } from '@grpc/proto-loader';

export interface ProduceStreamResponse {
  /**
   * The correlation_id of the request this answers.
   */
  'correlationId'?: (number | string | Long);
  /**
   * The request was acknowledged.
   */
  'produced'?: (_herald_v1_ProduceResponse | null);
  /**
   * The request was refused; nothing of it was appended unless the reason says the outcome
   * is unknown (CommitTimedOut).
   */
  'error'?: (_herald_v1_Error | null);
  /**
   * What became of the request.
   */
  'result'?: "produced"|"error";
}

export interface ProduceStreamResponse__Output {
  /**
   * The correlation_id of the request this answers.
   */
  'correlationId': (number);
  /**
   * The request was acknowledged.
   */
  'produced'?: (_herald_v1_ProduceResponse__Output | null);
  /**
   * The request was refused; nothing of it was appended unless the reason says the outcome
   * is unknown (CommitTimedOut).
   */
  'error'?: (_herald_v1_Error__Output | null);
  /**
   * What became of the request.
   */
  'result'?: "produced"|"error";
}
