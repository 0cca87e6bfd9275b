// Original file: proto/herald/v1/admin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CreateTopicRequest as _herald_v1_CreateTopicRequest, CreateTopicRequest__Output as _herald_v1_CreateTopicRequest__Output } from '../../herald/v1/CreateTopicRequest.js';
import type { CreateTopicResponse as _herald_v1_CreateTopicResponse, CreateTopicResponse__Output as _herald_v1_CreateTopicResponse__Output } from '../../herald/v1/CreateTopicResponse.js';
import type { DeleteRecordsRequest as _herald_v1_DeleteRecordsRequest, DeleteRecordsRequest__Output as _herald_v1_DeleteRecordsRequest__Output } from '../../herald/v1/DeleteRecordsRequest.js';
import type { DeleteRecordsResponse as _herald_v1_DeleteRecordsResponse, DeleteRecordsResponse__Output as _herald_v1_DeleteRecordsResponse__Output } from '../../herald/v1/DeleteRecordsResponse.js';
import type { DeleteTopicRequest as _herald_v1_DeleteTopicRequest, DeleteTopicRequest__Output as _herald_v1_DeleteTopicRequest__Output } from '../../herald/v1/DeleteTopicRequest.js';
import type { DeleteTopicResponse as _herald_v1_DeleteTopicResponse, DeleteTopicResponse__Output as _herald_v1_DeleteTopicResponse__Output } from '../../herald/v1/DeleteTopicResponse.js';
import type { DescribeClusterRequest as _herald_v1_DescribeClusterRequest, DescribeClusterRequest__Output as _herald_v1_DescribeClusterRequest__Output } from '../../herald/v1/DescribeClusterRequest.js';
import type { DescribeClusterResponse as _herald_v1_DescribeClusterResponse, DescribeClusterResponse__Output as _herald_v1_DescribeClusterResponse__Output } from '../../herald/v1/DescribeClusterResponse.js';
import type { DescribeTopicRequest as _herald_v1_DescribeTopicRequest, DescribeTopicRequest__Output as _herald_v1_DescribeTopicRequest__Output } from '../../herald/v1/DescribeTopicRequest.js';
import type { DescribeTopicResponse as _herald_v1_DescribeTopicResponse, DescribeTopicResponse__Output as _herald_v1_DescribeTopicResponse__Output } from '../../herald/v1/DescribeTopicResponse.js';
import type { ListTopicsRequest as _herald_v1_ListTopicsRequest, ListTopicsRequest__Output as _herald_v1_ListTopicsRequest__Output } from '../../herald/v1/ListTopicsRequest.js';
import type { ListTopicsResponse as _herald_v1_ListTopicsResponse, ListTopicsResponse__Output as _herald_v1_ListTopicsResponse__Output } from '../../herald/v1/ListTopicsResponse.js';
import type { TransferControllerRequest as _herald_v1_TransferControllerRequest, TransferControllerRequest__Output as _herald_v1_TransferControllerRequest__Output } from '../../herald/v1/TransferControllerRequest.js';
import type { TransferLeadershipRequest as _herald_v1_TransferLeadershipRequest, TransferLeadershipRequest__Output as _herald_v1_TransferLeadershipRequest__Output } from '../../herald/v1/TransferLeadershipRequest.js';
import type { TransferLeadershipResponse as _herald_v1_TransferLeadershipResponse, TransferLeadershipResponse__Output as _herald_v1_TransferLeadershipResponse__Output } from '../../herald/v1/TransferLeadershipResponse.js';

/**
 * Topic and cluster administration. Changes go through the meta group, so any node accepts
 * them and forwards them to the controller (the meta group's leader); reads answer from the
 * node's own copy of the metadata, which may lag the controller's by a moment.
 * 
 * Consumer-group administration (list, describe, seek, delete) comes in GroupService
 * (herald/v1/groups.proto); node membership changes (add, remove, replace a node) and
 * partition reassignment will be added here as new methods.
 */
export interface AdminServiceClient extends grpc.Client {
  /**
   * Creates a topic. Fails with ALREADY_EXISTS, reason TopicExists, when the name is taken.
   */
  CreateTopic(argument: _herald_v1_CreateTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  CreateTopic(argument: _herald_v1_CreateTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  CreateTopic(argument: _herald_v1_CreateTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  CreateTopic(argument: _herald_v1_CreateTopicRequest, callback: grpc.requestCallback<_herald_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Creates a topic. Fails with ALREADY_EXISTS, reason TopicExists, when the name is taken.
   */
  createTopic(argument: _herald_v1_CreateTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _herald_v1_CreateTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _herald_v1_CreateTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _herald_v1_CreateTopicRequest, callback: grpc.requestCallback<_herald_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Deletes a partition's records before an offset (Kafka's DeleteRecords): the leader moves
   * the partition's log start there through Raft, so every replica agrees, and reads below it
   * fail with OUT_OF_RANGE, reason OffsetOutOfRange. Offsets of the remaining records do not
   * change. Send it to the partition's leader; another node refuses with NotLeader.
   */
  DeleteRecords(argument: _herald_v1_DeleteRecordsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  DeleteRecords(argument: _herald_v1_DeleteRecordsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  DeleteRecords(argument: _herald_v1_DeleteRecordsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  DeleteRecords(argument: _herald_v1_DeleteRecordsRequest, callback: grpc.requestCallback<_herald_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Deletes a partition's records before an offset (Kafka's DeleteRecords): the leader moves
   * the partition's log start there through Raft, so every replica agrees, and reads below it
   * fail with OUT_OF_RANGE, reason OffsetOutOfRange. Offsets of the remaining records do not
   * change. Send it to the partition's leader; another node refuses with NotLeader.
   */
  deleteRecords(argument: _herald_v1_DeleteRecordsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  deleteRecords(argument: _herald_v1_DeleteRecordsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  deleteRecords(argument: _herald_v1_DeleteRecordsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  deleteRecords(argument: _herald_v1_DeleteRecordsRequest, callback: grpc.requestCallback<_herald_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Deletes a topic and all its data. Fails with NOT_FOUND, reason TopicNotFound.
   */
  DeleteTopic(argument: _herald_v1_DeleteTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopic(argument: _herald_v1_DeleteTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopic(argument: _herald_v1_DeleteTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopic(argument: _herald_v1_DeleteTopicRequest, callback: grpc.requestCallback<_herald_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Deletes a topic and all its data. Fails with NOT_FOUND, reason TopicNotFound.
   */
  deleteTopic(argument: _herald_v1_DeleteTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteTopic(argument: _herald_v1_DeleteTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteTopic(argument: _herald_v1_DeleteTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteTopic(argument: _herald_v1_DeleteTopicRequest, callback: grpc.requestCallback<_herald_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Describes the cluster: its nodes, whether each is alive, and the controller.
   */
  DescribeCluster(argument: _herald_v1_DescribeClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  DescribeCluster(argument: _herald_v1_DescribeClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  DescribeCluster(argument: _herald_v1_DescribeClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  DescribeCluster(argument: _herald_v1_DescribeClusterRequest, callback: grpc.requestCallback<_herald_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Describes the cluster: its nodes, whether each is alive, and the controller.
   */
  describeCluster(argument: _herald_v1_DescribeClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _herald_v1_DescribeClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _herald_v1_DescribeClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _herald_v1_DescribeClusterRequest, callback: grpc.requestCallback<_herald_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Describes one topic: its configuration and, per partition, leader, replicas, ISR and
   * offsets.
   */
  DescribeTopic(argument: _herald_v1_DescribeTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DescribeTopicResponse__Output>): grpc.ClientUnaryCall;
  DescribeTopic(argument: _herald_v1_DescribeTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_DescribeTopicResponse__Output>): grpc.ClientUnaryCall;
  DescribeTopic(argument: _herald_v1_DescribeTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DescribeTopicResponse__Output>): grpc.ClientUnaryCall;
  DescribeTopic(argument: _herald_v1_DescribeTopicRequest, callback: grpc.requestCallback<_herald_v1_DescribeTopicResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Describes one topic: its configuration and, per partition, leader, replicas, ISR and
   * offsets.
   */
  describeTopic(argument: _herald_v1_DescribeTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DescribeTopicResponse__Output>): grpc.ClientUnaryCall;
  describeTopic(argument: _herald_v1_DescribeTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_DescribeTopicResponse__Output>): grpc.ClientUnaryCall;
  describeTopic(argument: _herald_v1_DescribeTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DescribeTopicResponse__Output>): grpc.ClientUnaryCall;
  describeTopic(argument: _herald_v1_DescribeTopicRequest, callback: grpc.requestCallback<_herald_v1_DescribeTopicResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lists every topic.
   */
  ListTopics(argument: _herald_v1_ListTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _herald_v1_ListTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _herald_v1_ListTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _herald_v1_ListTopicsRequest, callback: grpc.requestCallback<_herald_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Lists every topic.
   */
  listTopics(argument: _herald_v1_ListTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _herald_v1_ListTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _herald_v1_ListTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _herald_v1_ListTopicsRequest, callback: grpc.requestCallback<_herald_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Hands the controller role (the meta group's leadership) to another node, e.g. before
   * restarting the controller. Send it to the controller; another node refuses with NotLeader
   * naming it.
   */
  TransferController(argument: _herald_v1_TransferControllerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  TransferController(argument: _herald_v1_TransferControllerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  TransferController(argument: _herald_v1_TransferControllerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  TransferController(argument: _herald_v1_TransferControllerRequest, callback: grpc.requestCallback<_herald_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Hands the controller role (the meta group's leadership) to another node, e.g. before
   * restarting the controller. Send it to the controller; another node refuses with NotLeader
   * naming it.
   */
  transferController(argument: _herald_v1_TransferControllerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  transferController(argument: _herald_v1_TransferControllerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  transferController(argument: _herald_v1_TransferControllerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  transferController(argument: _herald_v1_TransferControllerRequest, callback: grpc.requestCallback<_herald_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Hands a partition's leadership to another replica, e.g. before restarting the current
   * leader. Send it to any node; it is forwarded to the partition's leader.
   */
  TransferLeadership(argument: _herald_v1_TransferLeadershipRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  TransferLeadership(argument: _herald_v1_TransferLeadershipRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  TransferLeadership(argument: _herald_v1_TransferLeadershipRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  TransferLeadership(argument: _herald_v1_TransferLeadershipRequest, callback: grpc.requestCallback<_herald_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Hands a partition's leadership to another replica, e.g. before restarting the current
   * leader. Send it to any node; it is forwarded to the partition's leader.
   */
  transferLeadership(argument: _herald_v1_TransferLeadershipRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  transferLeadership(argument: _herald_v1_TransferLeadershipRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  transferLeadership(argument: _herald_v1_TransferLeadershipRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  transferLeadership(argument: _herald_v1_TransferLeadershipRequest, callback: grpc.requestCallback<_herald_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Topic and cluster administration. Changes go through the meta group, so any node accepts
 * them and forwards them to the controller (the meta group's leader); reads answer from the
 * node's own copy of the metadata, which may lag the controller's by a moment.
 * 
 * Consumer-group administration (list, describe, seek, delete) comes in GroupService
 * (herald/v1/groups.proto); node membership changes (add, remove, replace a node) and
 * partition reassignment will be added here as new methods.
 */
export interface AdminServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Creates a topic. Fails with ALREADY_EXISTS, reason TopicExists, when the name is taken.
   */
  CreateTopic: grpc.handleUnaryCall<_herald_v1_CreateTopicRequest__Output, _herald_v1_CreateTopicResponse>;
  
  /**
   * Deletes a partition's records before an offset (Kafka's DeleteRecords): the leader moves
   * the partition's log start there through Raft, so every replica agrees, and reads below it
   * fail with OUT_OF_RANGE, reason OffsetOutOfRange. Offsets of the remaining records do not
   * change. Send it to the partition's leader; another node refuses with NotLeader.
   */
  DeleteRecords: grpc.handleUnaryCall<_herald_v1_DeleteRecordsRequest__Output, _herald_v1_DeleteRecordsResponse>;
  
  /**
   * Deletes a topic and all its data. Fails with NOT_FOUND, reason TopicNotFound.
   */
  DeleteTopic: grpc.handleUnaryCall<_herald_v1_DeleteTopicRequest__Output, _herald_v1_DeleteTopicResponse>;
  
  /**
   * Describes the cluster: its nodes, whether each is alive, and the controller.
   */
  DescribeCluster: grpc.handleUnaryCall<_herald_v1_DescribeClusterRequest__Output, _herald_v1_DescribeClusterResponse>;
  
  /**
   * Describes one topic: its configuration and, per partition, leader, replicas, ISR and
   * offsets.
   */
  DescribeTopic: grpc.handleUnaryCall<_herald_v1_DescribeTopicRequest__Output, _herald_v1_DescribeTopicResponse>;
  
  /**
   * Lists every topic.
   */
  ListTopics: grpc.handleUnaryCall<_herald_v1_ListTopicsRequest__Output, _herald_v1_ListTopicsResponse>;
  
  /**
   * Hands the controller role (the meta group's leadership) to another node, e.g. before
   * restarting the controller. Send it to the controller; another node refuses with NotLeader
   * naming it.
   */
  TransferController: grpc.handleUnaryCall<_herald_v1_TransferControllerRequest__Output, _herald_v1_TransferLeadershipResponse>;
  
  /**
   * Hands a partition's leadership to another replica, e.g. before restarting the current
   * leader. Send it to any node; it is forwarded to the partition's leader.
   */
  TransferLeadership: grpc.handleUnaryCall<_herald_v1_TransferLeadershipRequest__Output, _herald_v1_TransferLeadershipResponse>;
  
}

export interface AdminServiceDefinition extends grpc.ServiceDefinition {
  CreateTopic: MethodDefinition<_herald_v1_CreateTopicRequest, _herald_v1_CreateTopicResponse, _herald_v1_CreateTopicRequest__Output, _herald_v1_CreateTopicResponse__Output>
  DeleteRecords: MethodDefinition<_herald_v1_DeleteRecordsRequest, _herald_v1_DeleteRecordsResponse, _herald_v1_DeleteRecordsRequest__Output, _herald_v1_DeleteRecordsResponse__Output>
  DeleteTopic: MethodDefinition<_herald_v1_DeleteTopicRequest, _herald_v1_DeleteTopicResponse, _herald_v1_DeleteTopicRequest__Output, _herald_v1_DeleteTopicResponse__Output>
  DescribeCluster: MethodDefinition<_herald_v1_DescribeClusterRequest, _herald_v1_DescribeClusterResponse, _herald_v1_DescribeClusterRequest__Output, _herald_v1_DescribeClusterResponse__Output>
  DescribeTopic: MethodDefinition<_herald_v1_DescribeTopicRequest, _herald_v1_DescribeTopicResponse, _herald_v1_DescribeTopicRequest__Output, _herald_v1_DescribeTopicResponse__Output>
  ListTopics: MethodDefinition<_herald_v1_ListTopicsRequest, _herald_v1_ListTopicsResponse, _herald_v1_ListTopicsRequest__Output, _herald_v1_ListTopicsResponse__Output>
  TransferController: MethodDefinition<_herald_v1_TransferControllerRequest, _herald_v1_TransferLeadershipResponse, _herald_v1_TransferControllerRequest__Output, _herald_v1_TransferLeadershipResponse__Output>
  TransferLeadership: MethodDefinition<_herald_v1_TransferLeadershipRequest, _herald_v1_TransferLeadershipResponse, _herald_v1_TransferLeadershipRequest__Output, _herald_v1_TransferLeadershipResponse__Output>
}
