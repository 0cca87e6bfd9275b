// Original file: proto/herald/v1/consume.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { FetchRequest as _herald_v1_FetchRequest, FetchRequest__Output as _herald_v1_FetchRequest__Output } from '../../herald/v1/FetchRequest.js';
import type { FetchResponse as _herald_v1_FetchResponse, FetchResponse__Output as _herald_v1_FetchResponse__Output } from '../../herald/v1/FetchResponse.js';
import type { ListOffsetsRequest as _herald_v1_ListOffsetsRequest, ListOffsetsRequest__Output as _herald_v1_ListOffsetsRequest__Output } from '../../herald/v1/ListOffsetsRequest.js';
import type { ListOffsetsResponse as _herald_v1_ListOffsetsResponse, ListOffsetsResponse__Output as _herald_v1_ListOffsetsResponse__Output } from '../../herald/v1/ListOffsetsResponse.js';
import type { SubscribeRequest as _herald_v1_SubscribeRequest, SubscribeRequest__Output as _herald_v1_SubscribeRequest__Output } from '../../herald/v1/SubscribeRequest.js';
import type { SubscribeResponse as _herald_v1_SubscribeResponse, SubscribeResponse__Output as _herald_v1_SubscribeResponse__Output } from '../../herald/v1/SubscribeResponse.js';

/**
 * Reads committed record batches. Readers only ever see batches below the high watermark
 * (committed by a Raft majority), so nothing read can later disappear; reading committed (the
 * default), only below the last stable offset and without aborted transactions. Batches are returned
 * as stored, without decoding; a batch may start before the requested offset, and the reader
 * skips the records below it.
 * 
 * Consumer groups (membership, assignment, committed offsets) come in a separate GroupService
 * (herald/v1/groups.proto); queues (per-message acknowledgement) in a QueueService. Neither
 * changes the messages below except in the field ranges kept for them.
 */
export interface ConsumeServiceClient extends grpc.Client {
  /**
   * Returns the committed batches from `offset` on. When none is there yet, waits up to
   * max_wait_ms for one to be committed (long poll), then answers, possibly with no batch.
   */
  Fetch(argument: _herald_v1_FetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _herald_v1_FetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _herald_v1_FetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _herald_v1_FetchRequest, callback: grpc.requestCallback<_herald_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Returns the committed batches from `offset` on. When none is there yet, waits up to
   * max_wait_ms for one to be committed (long poll), then answers, possibly with no batch.
   */
  fetch(argument: _herald_v1_FetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _herald_v1_FetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _herald_v1_FetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _herald_v1_FetchRequest, callback: grpc.requestCallback<_herald_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Finds an offset of a partition: its first, its next, or the first at or after a time.
   */
  ListOffsets(argument: _herald_v1_ListOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _herald_v1_ListOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _herald_v1_ListOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _herald_v1_ListOffsetsRequest, callback: grpc.requestCallback<_herald_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Finds an offset of a partition: its first, its next, or the first at or after a time.
   */
  listOffsets(argument: _herald_v1_ListOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _herald_v1_ListOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _herald_v1_ListOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _herald_v1_ListOffsetsRequest, callback: grpc.requestCallback<_herald_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Pushes committed batches from a start position on, as they are committed, until the
   * client cancels. Flow control is gRPC's: the server writes only while the stream is not
   * backed up.
   */
  Subscribe(argument: _herald_v1_SubscribeRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_herald_v1_SubscribeResponse__Output>;
  Subscribe(argument: _herald_v1_SubscribeRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_herald_v1_SubscribeResponse__Output>;
  /**
   * Pushes committed batches from a start position on, as they are committed, until the
   * client cancels. Flow control is gRPC's: the server writes only while the stream is not
   * backed up.
   */
  subscribe(argument: _herald_v1_SubscribeRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_herald_v1_SubscribeResponse__Output>;
  subscribe(argument: _herald_v1_SubscribeRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_herald_v1_SubscribeResponse__Output>;
  
}

/**
 * Reads committed record batches. Readers only ever see batches below the high watermark
 * (committed by a Raft majority), so nothing read can later disappear; reading committed (the
 * default), only below the last stable offset and without aborted transactions. Batches are returned
 * as stored, without decoding; a batch may start before the requested offset, and the reader
 * skips the records below it.
 * 
 * Consumer groups (membership, assignment, committed offsets) come in a separate GroupService
 * (herald/v1/groups.proto); queues (per-message acknowledgement) in a QueueService. Neither
 * changes the messages below except in the field ranges kept for them.
 */
export interface ConsumeServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Returns the committed batches from `offset` on. When none is there yet, waits up to
   * max_wait_ms for one to be committed (long poll), then answers, possibly with no batch.
   */
  Fetch: grpc.handleUnaryCall<_herald_v1_FetchRequest__Output, _herald_v1_FetchResponse>;
  
  /**
   * Finds an offset of a partition: its first, its next, or the first at or after a time.
   */
  ListOffsets: grpc.handleUnaryCall<_herald_v1_ListOffsetsRequest__Output, _herald_v1_ListOffsetsResponse>;
  
  /**
   * Pushes committed batches from a start position on, as they are committed, until the
   * client cancels. Flow control is gRPC's: the server writes only while the stream is not
   * backed up.
   */
  Subscribe: grpc.handleServerStreamingCall<_herald_v1_SubscribeRequest__Output, _herald_v1_SubscribeResponse>;
  
}

export interface ConsumeServiceDefinition extends grpc.ServiceDefinition {
  Fetch: MethodDefinition<_herald_v1_FetchRequest, _herald_v1_FetchResponse, _herald_v1_FetchRequest__Output, _herald_v1_FetchResponse__Output>
  ListOffsets: MethodDefinition<_herald_v1_ListOffsetsRequest, _herald_v1_ListOffsetsResponse, _herald_v1_ListOffsetsRequest__Output, _herald_v1_ListOffsetsResponse__Output>
  Subscribe: MethodDefinition<_herald_v1_SubscribeRequest, _herald_v1_SubscribeResponse, _herald_v1_SubscribeRequest__Output, _herald_v1_SubscribeResponse__Output>
}
