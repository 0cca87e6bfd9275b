// Original file: proto/herald/internal/v1/raft.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Empty as _herald_internal_v1_Empty, Empty__Output as _herald_internal_v1_Empty__Output } from '../../../herald/internal/v1/Empty.js';
import type { Frame as _herald_internal_v1_Frame, Frame__Output as _herald_internal_v1_Frame__Output } from '../../../herald/internal/v1/Frame.js';

/**
 * One client stream per ordered pair of nodes: the sender opens it to the receiver and writes
 * one Frame per host turn, carrying every message of every Raft group for that receiver.
 */
export interface RaftTransportClient extends grpc.Client {
  /**
   * Delivers frames until either side closes the stream. Nothing is answered per frame: Raft
   * tolerates loss, and its own responses travel on the receiver's stream back.
   */
  Send(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_internal_v1_Empty__Output>): grpc.ClientWritableStream<_herald_internal_v1_Frame>;
  Send(metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_internal_v1_Empty__Output>): grpc.ClientWritableStream<_herald_internal_v1_Frame>;
  Send(options: grpc.CallOptions, callback: grpc.requestCallback<_herald_internal_v1_Empty__Output>): grpc.ClientWritableStream<_herald_internal_v1_Frame>;
  Send(callback: grpc.requestCallback<_herald_internal_v1_Empty__Output>): grpc.ClientWritableStream<_herald_internal_v1_Frame>;
  /**
   * Delivers frames until either side closes the stream. Nothing is answered per frame: Raft
   * tolerates loss, and its own responses travel on the receiver's stream back.
   */
  send(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_internal_v1_Empty__Output>): grpc.ClientWritableStream<_herald_internal_v1_Frame>;
  send(metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_internal_v1_Empty__Output>): grpc.ClientWritableStream<_herald_internal_v1_Frame>;
  send(options: grpc.CallOptions, callback: grpc.requestCallback<_herald_internal_v1_Empty__Output>): grpc.ClientWritableStream<_herald_internal_v1_Frame>;
  send(callback: grpc.requestCallback<_herald_internal_v1_Empty__Output>): grpc.ClientWritableStream<_herald_internal_v1_Frame>;
  
}

/**
 * One client stream per ordered pair of nodes: the sender opens it to the receiver and writes
 * one Frame per host turn, carrying every message of every Raft group for that receiver.
 */
export interface RaftTransportHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Delivers frames until either side closes the stream. Nothing is answered per frame: Raft
   * tolerates loss, and its own responses travel on the receiver's stream back.
   */
  Send: grpc.handleClientStreamingCall<_herald_internal_v1_Frame__Output, _herald_internal_v1_Empty>;
  
}

export interface RaftTransportDefinition extends grpc.ServiceDefinition {
  Send: MethodDefinition<_herald_internal_v1_Frame, _herald_internal_v1_Empty, _herald_internal_v1_Frame__Output, _herald_internal_v1_Empty__Output>
}
