// Original file: proto/herald/internal/v1/raft.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DescribeReplicasRequest as _herald_internal_v1_DescribeReplicasRequest, DescribeReplicasRequest__Output as _herald_internal_v1_DescribeReplicasRequest__Output } from '../../../herald/internal/v1/DescribeReplicasRequest.js';
import type { DescribeReplicasResponse as _herald_internal_v1_DescribeReplicasResponse, DescribeReplicasResponse__Output as _herald_internal_v1_DescribeReplicasResponse__Output } from '../../../herald/internal/v1/DescribeReplicasResponse.js';
import type { Empty as _herald_internal_v1_Empty, Empty__Output as _herald_internal_v1_Empty__Output } from '../../../herald/internal/v1/Empty.js';
import type { Frame as _herald_internal_v1_Frame, Frame__Output as _herald_internal_v1_Frame__Output } from '../../../herald/internal/v1/Frame.js';

/**
 * One client stream per ordered pair of nodes: the sender opens it to the receiver and writes
 * one Frame per host turn, carrying every message of every Raft group for that receiver.
 */
export interface RaftTransportClient extends grpc.Client {
  /**
   * What the receiving node knows of the partition replicas it hosts among the named Raft
   * groups: leader, term and, where it leads, ISR and offsets. A node answering a client's
   * DescribeTopic asks its peers for the partitions it does not lead itself. Groups the receiver
   * does not host are left out of the answer.
   */
  DescribeReplicas(argument: _herald_internal_v1_DescribeReplicasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_internal_v1_DescribeReplicasResponse__Output>): grpc.ClientUnaryCall;
  DescribeReplicas(argument: _herald_internal_v1_DescribeReplicasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_internal_v1_DescribeReplicasResponse__Output>): grpc.ClientUnaryCall;
  DescribeReplicas(argument: _herald_internal_v1_DescribeReplicasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_internal_v1_DescribeReplicasResponse__Output>): grpc.ClientUnaryCall;
  DescribeReplicas(argument: _herald_internal_v1_DescribeReplicasRequest, callback: grpc.requestCallback<_herald_internal_v1_DescribeReplicasResponse__Output>): grpc.ClientUnaryCall;
  /**
   * What the receiving node knows of the partition replicas it hosts among the named Raft
   * groups: leader, term and, where it leads, ISR and offsets. A node answering a client's
   * DescribeTopic asks its peers for the partitions it does not lead itself. Groups the receiver
   * does not host are left out of the answer.
   */
  describeReplicas(argument: _herald_internal_v1_DescribeReplicasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_internal_v1_DescribeReplicasResponse__Output>): grpc.ClientUnaryCall;
  describeReplicas(argument: _herald_internal_v1_DescribeReplicasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_internal_v1_DescribeReplicasResponse__Output>): grpc.ClientUnaryCall;
  describeReplicas(argument: _herald_internal_v1_DescribeReplicasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_internal_v1_DescribeReplicasResponse__Output>): grpc.ClientUnaryCall;
  describeReplicas(argument: _herald_internal_v1_DescribeReplicasRequest, callback: grpc.requestCallback<_herald_internal_v1_DescribeReplicasResponse__Output>): grpc.ClientUnaryCall;
  
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
   * What the receiving node knows of the partition replicas it hosts among the named Raft
   * groups: leader, term and, where it leads, ISR and offsets. A node answering a client's
   * DescribeTopic asks its peers for the partitions it does not lead itself. Groups the receiver
   * does not host are left out of the answer.
   */
  DescribeReplicas: grpc.handleUnaryCall<_herald_internal_v1_DescribeReplicasRequest__Output, _herald_internal_v1_DescribeReplicasResponse>;
  
  /**
   * Delivers frames until either side closes the stream. Nothing is answered per frame: Raft
   * tolerates loss, and its own responses travel on the receiver's stream back.
   */
  Send: grpc.handleClientStreamingCall<_herald_internal_v1_Frame__Output, _herald_internal_v1_Empty>;
  
}

export interface RaftTransportDefinition extends grpc.ServiceDefinition {
  DescribeReplicas: MethodDefinition<_herald_internal_v1_DescribeReplicasRequest, _herald_internal_v1_DescribeReplicasResponse, _herald_internal_v1_DescribeReplicasRequest__Output, _herald_internal_v1_DescribeReplicasResponse__Output>
  Send: MethodDefinition<_herald_internal_v1_Frame, _herald_internal_v1_Empty, _herald_internal_v1_Frame__Output, _herald_internal_v1_Empty__Output>
}
