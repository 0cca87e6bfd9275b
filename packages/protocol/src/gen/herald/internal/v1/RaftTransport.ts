// Original file: proto/herald/internal/v1/raft.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DescribeReplicasRequest as _herald_internal_v1_DescribeReplicasRequest, DescribeReplicasRequest__Output as _herald_internal_v1_DescribeReplicasRequest__Output } from '../../../herald/internal/v1/DescribeReplicasRequest.js';
import type { DescribeReplicasResponse as _herald_internal_v1_DescribeReplicasResponse, DescribeReplicasResponse__Output as _herald_internal_v1_DescribeReplicasResponse__Output } from '../../../herald/internal/v1/DescribeReplicasResponse.js';
import type { Empty as _herald_internal_v1_Empty, Empty__Output as _herald_internal_v1_Empty__Output } from '../../../herald/internal/v1/Empty.js';
import type { Frame as _herald_internal_v1_Frame, Frame__Output as _herald_internal_v1_Frame__Output } from '../../../herald/internal/v1/Frame.js';
import type { WriteTxnMarkerRequest as _herald_internal_v1_WriteTxnMarkerRequest, WriteTxnMarkerRequest__Output as _herald_internal_v1_WriteTxnMarkerRequest__Output } from '../../../herald/internal/v1/WriteTxnMarkerRequest.js';

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
  
  /**
   * The transaction coordinator (on the controller) asks a partition's replicas to write a
   * transaction marker (Kafka's WriteTxnMarkers, KIP-98): the leader writes it, or finds it
   * written already, and answers once it is applied; any other replica answers an error. The
   * coordinator retries until one replica answers OK.
   */
  WriteTxnMarker(argument: _herald_internal_v1_WriteTxnMarkerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_internal_v1_Empty__Output>): grpc.ClientUnaryCall;
  WriteTxnMarker(argument: _herald_internal_v1_WriteTxnMarkerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_internal_v1_Empty__Output>): grpc.ClientUnaryCall;
  WriteTxnMarker(argument: _herald_internal_v1_WriteTxnMarkerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_internal_v1_Empty__Output>): grpc.ClientUnaryCall;
  WriteTxnMarker(argument: _herald_internal_v1_WriteTxnMarkerRequest, callback: grpc.requestCallback<_herald_internal_v1_Empty__Output>): grpc.ClientUnaryCall;
  /**
   * The transaction coordinator (on the controller) asks a partition's replicas to write a
   * transaction marker (Kafka's WriteTxnMarkers, KIP-98): the leader writes it, or finds it
   * written already, and answers once it is applied; any other replica answers an error. The
   * coordinator retries until one replica answers OK.
   */
  writeTxnMarker(argument: _herald_internal_v1_WriteTxnMarkerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_internal_v1_Empty__Output>): grpc.ClientUnaryCall;
  writeTxnMarker(argument: _herald_internal_v1_WriteTxnMarkerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_internal_v1_Empty__Output>): grpc.ClientUnaryCall;
  writeTxnMarker(argument: _herald_internal_v1_WriteTxnMarkerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_internal_v1_Empty__Output>): grpc.ClientUnaryCall;
  writeTxnMarker(argument: _herald_internal_v1_WriteTxnMarkerRequest, callback: grpc.requestCallback<_herald_internal_v1_Empty__Output>): grpc.ClientUnaryCall;
  
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
  
  /**
   * The transaction coordinator (on the controller) asks a partition's replicas to write a
   * transaction marker (Kafka's WriteTxnMarkers, KIP-98): the leader writes it, or finds it
   * written already, and answers once it is applied; any other replica answers an error. The
   * coordinator retries until one replica answers OK.
   */
  WriteTxnMarker: grpc.handleUnaryCall<_herald_internal_v1_WriteTxnMarkerRequest__Output, _herald_internal_v1_Empty>;
  
}

export interface RaftTransportDefinition extends grpc.ServiceDefinition {
  DescribeReplicas: MethodDefinition<_herald_internal_v1_DescribeReplicasRequest, _herald_internal_v1_DescribeReplicasResponse, _herald_internal_v1_DescribeReplicasRequest__Output, _herald_internal_v1_DescribeReplicasResponse__Output>
  Send: MethodDefinition<_herald_internal_v1_Frame, _herald_internal_v1_Empty, _herald_internal_v1_Frame__Output, _herald_internal_v1_Empty__Output>
  WriteTxnMarker: MethodDefinition<_herald_internal_v1_WriteTxnMarkerRequest, _herald_internal_v1_Empty, _herald_internal_v1_WriteTxnMarkerRequest__Output, _herald_internal_v1_Empty__Output>
}
