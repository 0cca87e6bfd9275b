// Original file: proto/herald/v1/produce.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ProduceRequest as _herald_v1_ProduceRequest, ProduceRequest__Output as _herald_v1_ProduceRequest__Output } from '../../herald/v1/ProduceRequest.js';
import type { ProduceResponse as _herald_v1_ProduceResponse, ProduceResponse__Output as _herald_v1_ProduceResponse__Output } from '../../herald/v1/ProduceResponse.js';
import type { ProduceStreamResponse as _herald_v1_ProduceStreamResponse, ProduceStreamResponse__Output as _herald_v1_ProduceStreamResponse__Output } from '../../herald/v1/ProduceStreamResponse.js';

/**
 * Appends record batches to partitions. Send each request to the partition's leader; any
 * other node refuses with FAILED_PRECONDITION, reason NotLeader, naming the leader in
 * `herald-leader-id` and `herald-leader-addr`.
 */
export interface ProduceServiceClient extends grpc.Client {
  /**
   * Appends one batch and answers when the batch is acknowledged as `acks` asks.
   */
  Produce(argument: _herald_v1_ProduceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _herald_v1_ProduceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _herald_v1_ProduceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _herald_v1_ProduceRequest, callback: grpc.requestCallback<_herald_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Appends one batch and answers when the batch is acknowledged as `acks` asks.
   */
  produce(argument: _herald_v1_ProduceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _herald_v1_ProduceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _herald_v1_ProduceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _herald_v1_ProduceRequest, callback: grpc.requestCallback<_herald_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Pipelined produce: the client may send many requests without waiting; each response
   * echoes its request's correlation_id. Responses for one partition come in request order;
   * across partitions they may interleave. A refused request is answered with `error` and the
   * stream goes on; the stream itself ends only on a transport failure or shutdown.
   */
  ProduceStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_herald_v1_ProduceRequest, _herald_v1_ProduceStreamResponse__Output>;
  ProduceStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_herald_v1_ProduceRequest, _herald_v1_ProduceStreamResponse__Output>;
  /**
   * Pipelined produce: the client may send many requests without waiting; each response
   * echoes its request's correlation_id. Responses for one partition come in request order;
   * across partitions they may interleave. A refused request is answered with `error` and the
   * stream goes on; the stream itself ends only on a transport failure or shutdown.
   */
  produceStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_herald_v1_ProduceRequest, _herald_v1_ProduceStreamResponse__Output>;
  produceStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_herald_v1_ProduceRequest, _herald_v1_ProduceStreamResponse__Output>;
  
}

/**
 * Appends record batches to partitions. Send each request to the partition's leader; any
 * other node refuses with FAILED_PRECONDITION, reason NotLeader, naming the leader in
 * `herald-leader-id` and `herald-leader-addr`.
 */
export interface ProduceServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Appends one batch and answers when the batch is acknowledged as `acks` asks.
   */
  Produce: grpc.handleUnaryCall<_herald_v1_ProduceRequest__Output, _herald_v1_ProduceResponse>;
  
  /**
   * Pipelined produce: the client may send many requests without waiting; each response
   * echoes its request's correlation_id. Responses for one partition come in request order;
   * across partitions they may interleave. A refused request is answered with `error` and the
   * stream goes on; the stream itself ends only on a transport failure or shutdown.
   */
  ProduceStream: grpc.handleBidiStreamingCall<_herald_v1_ProduceRequest__Output, _herald_v1_ProduceStreamResponse>;
  
}

export interface ProduceServiceDefinition extends grpc.ServiceDefinition {
  Produce: MethodDefinition<_herald_v1_ProduceRequest, _herald_v1_ProduceResponse, _herald_v1_ProduceRequest__Output, _herald_v1_ProduceResponse__Output>
  ProduceStream: MethodDefinition<_herald_v1_ProduceRequest, _herald_v1_ProduceStreamResponse, _herald_v1_ProduceRequest__Output, _herald_v1_ProduceStreamResponse__Output>
}
