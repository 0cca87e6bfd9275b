// Original file: proto/herald/v1/admin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AddNodeRequest as _herald_v1_AddNodeRequest, AddNodeRequest__Output as _herald_v1_AddNodeRequest__Output } from '../../herald/v1/AddNodeRequest.js';
import type { AddNodeResponse as _herald_v1_AddNodeResponse, AddNodeResponse__Output as _herald_v1_AddNodeResponse__Output } from '../../herald/v1/AddNodeResponse.js';
import type { CreateTopicRequest as _herald_v1_CreateTopicRequest, CreateTopicRequest__Output as _herald_v1_CreateTopicRequest__Output } from '../../herald/v1/CreateTopicRequest.js';
import type { CreateTopicResponse as _herald_v1_CreateTopicResponse, CreateTopicResponse__Output as _herald_v1_CreateTopicResponse__Output } from '../../herald/v1/CreateTopicResponse.js';
import type { DecommissionNodeRequest as _herald_v1_DecommissionNodeRequest, DecommissionNodeRequest__Output as _herald_v1_DecommissionNodeRequest__Output } from '../../herald/v1/DecommissionNodeRequest.js';
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
import type { ReassignPartitionsRequest as _herald_v1_ReassignPartitionsRequest, ReassignPartitionsRequest__Output as _herald_v1_ReassignPartitionsRequest__Output } from '../../herald/v1/ReassignPartitionsRequest.js';
import type { ReassignPartitionsResponse as _herald_v1_ReassignPartitionsResponse, ReassignPartitionsResponse__Output as _herald_v1_ReassignPartitionsResponse__Output } from '../../herald/v1/ReassignPartitionsResponse.js';
import type { RebalanceClusterRequest as _herald_v1_RebalanceClusterRequest, RebalanceClusterRequest__Output as _herald_v1_RebalanceClusterRequest__Output } from '../../herald/v1/RebalanceClusterRequest.js';
import type { RemoveNodeRequest as _herald_v1_RemoveNodeRequest, RemoveNodeRequest__Output as _herald_v1_RemoveNodeRequest__Output } from '../../herald/v1/RemoveNodeRequest.js';
import type { RemoveNodeResponse as _herald_v1_RemoveNodeResponse, RemoveNodeResponse__Output as _herald_v1_RemoveNodeResponse__Output } from '../../herald/v1/RemoveNodeResponse.js';
import type { TransferControllerRequest as _herald_v1_TransferControllerRequest, TransferControllerRequest__Output as _herald_v1_TransferControllerRequest__Output } from '../../herald/v1/TransferControllerRequest.js';
import type { TransferLeadershipRequest as _herald_v1_TransferLeadershipRequest, TransferLeadershipRequest__Output as _herald_v1_TransferLeadershipRequest__Output } from '../../herald/v1/TransferLeadershipRequest.js';
import type { TransferLeadershipResponse as _herald_v1_TransferLeadershipResponse, TransferLeadershipResponse__Output as _herald_v1_TransferLeadershipResponse__Output } from '../../herald/v1/TransferLeadershipResponse.js';

/**
 * Topic and cluster administration. Changes go through the meta group, so any node accepts
 * them and forwards them to the controller (the meta group's leader); reads answer from the
 * node's own copy of the metadata, which may lag the controller's by a moment.
 * 
 * Consumer-group administration (list, describe, seek, delete) comes in GroupService
 * (herald/v1/groups.proto). Node membership (AddNode, RemoveNode) changes the cluster's node
 * list, which the meta state records from the first such change on (docs/operations.md).
 */
export interface AdminServiceClient extends grpc.Client {
  /**
   * Adds a node to the cluster: every node then links to it and accepts its certificate (from
   * the cluster CA, naming its id), and the controller makes it a learner of the meta group,
   * then a voter once it holds the committed log. Start the node first with `--join`. Send it
   * to the controller; another node refuses with NotLeader naming it. Fails with
   * ALREADY_EXISTS, reason NodeExists, when the id or an address is another node's.
   */
  AddNode(argument: _herald_v1_AddNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_AddNodeResponse__Output>): grpc.ClientUnaryCall;
  AddNode(argument: _herald_v1_AddNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_AddNodeResponse__Output>): grpc.ClientUnaryCall;
  AddNode(argument: _herald_v1_AddNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_AddNodeResponse__Output>): grpc.ClientUnaryCall;
  AddNode(argument: _herald_v1_AddNodeRequest, callback: grpc.requestCallback<_herald_v1_AddNodeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Adds a node to the cluster: every node then links to it and accepts its certificate (from
   * the cluster CA, naming its id), and the controller makes it a learner of the meta group,
   * then a voter once it holds the committed log. Start the node first with `--join`. Send it
   * to the controller; another node refuses with NotLeader naming it. Fails with
   * ALREADY_EXISTS, reason NodeExists, when the id or an address is another node's.
   */
  addNode(argument: _herald_v1_AddNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_AddNodeResponse__Output>): grpc.ClientUnaryCall;
  addNode(argument: _herald_v1_AddNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_AddNodeResponse__Output>): grpc.ClientUnaryCall;
  addNode(argument: _herald_v1_AddNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_AddNodeResponse__Output>): grpc.ClientUnaryCall;
  addNode(argument: _herald_v1_AddNodeRequest, callback: grpc.requestCallback<_herald_v1_AddNodeResponse__Output>): grpc.ClientUnaryCall;
  
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
   * Plans, and unless dry_run starts, the reassignments that move every replica off a node;
   * RemoveNode then takes it out once DescribeTopic shows none left there. Send it to the
   * controller.
   */
  DecommissionNode(argument: _herald_v1_DecommissionNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  DecommissionNode(argument: _herald_v1_DecommissionNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  DecommissionNode(argument: _herald_v1_DecommissionNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  DecommissionNode(argument: _herald_v1_DecommissionNodeRequest, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Plans, and unless dry_run starts, the reassignments that move every replica off a node;
   * RemoveNode then takes it out once DescribeTopic shows none left there. Send it to the
   * controller.
   */
  decommissionNode(argument: _herald_v1_DecommissionNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  decommissionNode(argument: _herald_v1_DecommissionNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  decommissionNode(argument: _herald_v1_DecommissionNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  decommissionNode(argument: _herald_v1_DecommissionNodeRequest, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  
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
   * Moves partitions to new replica sets (Kafka's AlterPartitionReassignments): recorded at the
   * controller, all or none, and carried out by each partition's leader one Raft membership
   * change at a time (new replicas catch up as learners, under the replication throttle, before
   * they vote). DescribeTopic shows a reassignment in progress as target_replicas. Send it to
   * the controller.
   */
  ReassignPartitions(argument: _herald_v1_ReassignPartitionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  ReassignPartitions(argument: _herald_v1_ReassignPartitionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  ReassignPartitions(argument: _herald_v1_ReassignPartitionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  ReassignPartitions(argument: _herald_v1_ReassignPartitionsRequest, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Moves partitions to new replica sets (Kafka's AlterPartitionReassignments): recorded at the
   * controller, all or none, and carried out by each partition's leader one Raft membership
   * change at a time (new replicas catch up as learners, under the replication throttle, before
   * they vote). DescribeTopic shows a reassignment in progress as target_replicas. Send it to
   * the controller.
   */
  reassignPartitions(argument: _herald_v1_ReassignPartitionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  reassignPartitions(argument: _herald_v1_ReassignPartitionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  reassignPartitions(argument: _herald_v1_ReassignPartitionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  reassignPartitions(argument: _herald_v1_ReassignPartitionsRequest, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Plans, and unless dry_run starts, the reassignments that even out replica counts and
   * preferred leaders across the nodes, moving as few replicas as it can. Send it to the
   * controller.
   */
  RebalanceCluster(argument: _herald_v1_RebalanceClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  RebalanceCluster(argument: _herald_v1_RebalanceClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  RebalanceCluster(argument: _herald_v1_RebalanceClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  RebalanceCluster(argument: _herald_v1_RebalanceClusterRequest, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Plans, and unless dry_run starts, the reassignments that even out replica counts and
   * preferred leaders across the nodes, moving as few replicas as it can. Send it to the
   * controller.
   */
  rebalanceCluster(argument: _herald_v1_RebalanceClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  rebalanceCluster(argument: _herald_v1_RebalanceClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  rebalanceCluster(argument: _herald_v1_RebalanceClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  rebalanceCluster(argument: _herald_v1_RebalanceClusterRequest, callback: grpc.requestCallback<_herald_v1_ReassignPartitionsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Removes a node from the cluster; the controller then takes it out of the meta group. Fails
   * with FAILED_PRECONDITION, reason NodeInUse, while it holds partition replicas, and with
   * NOT_FOUND, reason NodeNotFound, for an unknown id. Send it to the controller.
   */
  RemoveNode(argument: _herald_v1_RemoveNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  RemoveNode(argument: _herald_v1_RemoveNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  RemoveNode(argument: _herald_v1_RemoveNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  RemoveNode(argument: _herald_v1_RemoveNodeRequest, callback: grpc.requestCallback<_herald_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Removes a node from the cluster; the controller then takes it out of the meta group. Fails
   * with FAILED_PRECONDITION, reason NodeInUse, while it holds partition replicas, and with
   * NOT_FOUND, reason NodeNotFound, for an unknown id. Send it to the controller.
   */
  removeNode(argument: _herald_v1_RemoveNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _herald_v1_RemoveNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _herald_v1_RemoveNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _herald_v1_RemoveNodeRequest, callback: grpc.requestCallback<_herald_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  
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
 * (herald/v1/groups.proto). Node membership (AddNode, RemoveNode) changes the cluster's node
 * list, which the meta state records from the first such change on (docs/operations.md).
 */
export interface AdminServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Adds a node to the cluster: every node then links to it and accepts its certificate (from
   * the cluster CA, naming its id), and the controller makes it a learner of the meta group,
   * then a voter once it holds the committed log. Start the node first with `--join`. Send it
   * to the controller; another node refuses with NotLeader naming it. Fails with
   * ALREADY_EXISTS, reason NodeExists, when the id or an address is another node's.
   */
  AddNode: grpc.handleUnaryCall<_herald_v1_AddNodeRequest__Output, _herald_v1_AddNodeResponse>;
  
  /**
   * Creates a topic. Fails with ALREADY_EXISTS, reason TopicExists, when the name is taken.
   */
  CreateTopic: grpc.handleUnaryCall<_herald_v1_CreateTopicRequest__Output, _herald_v1_CreateTopicResponse>;
  
  /**
   * Plans, and unless dry_run starts, the reassignments that move every replica off a node;
   * RemoveNode then takes it out once DescribeTopic shows none left there. Send it to the
   * controller.
   */
  DecommissionNode: grpc.handleUnaryCall<_herald_v1_DecommissionNodeRequest__Output, _herald_v1_ReassignPartitionsResponse>;
  
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
   * Moves partitions to new replica sets (Kafka's AlterPartitionReassignments): recorded at the
   * controller, all or none, and carried out by each partition's leader one Raft membership
   * change at a time (new replicas catch up as learners, under the replication throttle, before
   * they vote). DescribeTopic shows a reassignment in progress as target_replicas. Send it to
   * the controller.
   */
  ReassignPartitions: grpc.handleUnaryCall<_herald_v1_ReassignPartitionsRequest__Output, _herald_v1_ReassignPartitionsResponse>;
  
  /**
   * Plans, and unless dry_run starts, the reassignments that even out replica counts and
   * preferred leaders across the nodes, moving as few replicas as it can. Send it to the
   * controller.
   */
  RebalanceCluster: grpc.handleUnaryCall<_herald_v1_RebalanceClusterRequest__Output, _herald_v1_ReassignPartitionsResponse>;
  
  /**
   * Removes a node from the cluster; the controller then takes it out of the meta group. Fails
   * with FAILED_PRECONDITION, reason NodeInUse, while it holds partition replicas, and with
   * NOT_FOUND, reason NodeNotFound, for an unknown id. Send it to the controller.
   */
  RemoveNode: grpc.handleUnaryCall<_herald_v1_RemoveNodeRequest__Output, _herald_v1_RemoveNodeResponse>;
  
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
  AddNode: MethodDefinition<_herald_v1_AddNodeRequest, _herald_v1_AddNodeResponse, _herald_v1_AddNodeRequest__Output, _herald_v1_AddNodeResponse__Output>
  CreateTopic: MethodDefinition<_herald_v1_CreateTopicRequest, _herald_v1_CreateTopicResponse, _herald_v1_CreateTopicRequest__Output, _herald_v1_CreateTopicResponse__Output>
  DecommissionNode: MethodDefinition<_herald_v1_DecommissionNodeRequest, _herald_v1_ReassignPartitionsResponse, _herald_v1_DecommissionNodeRequest__Output, _herald_v1_ReassignPartitionsResponse__Output>
  DeleteRecords: MethodDefinition<_herald_v1_DeleteRecordsRequest, _herald_v1_DeleteRecordsResponse, _herald_v1_DeleteRecordsRequest__Output, _herald_v1_DeleteRecordsResponse__Output>
  DeleteTopic: MethodDefinition<_herald_v1_DeleteTopicRequest, _herald_v1_DeleteTopicResponse, _herald_v1_DeleteTopicRequest__Output, _herald_v1_DeleteTopicResponse__Output>
  DescribeCluster: MethodDefinition<_herald_v1_DescribeClusterRequest, _herald_v1_DescribeClusterResponse, _herald_v1_DescribeClusterRequest__Output, _herald_v1_DescribeClusterResponse__Output>
  DescribeTopic: MethodDefinition<_herald_v1_DescribeTopicRequest, _herald_v1_DescribeTopicResponse, _herald_v1_DescribeTopicRequest__Output, _herald_v1_DescribeTopicResponse__Output>
  ListTopics: MethodDefinition<_herald_v1_ListTopicsRequest, _herald_v1_ListTopicsResponse, _herald_v1_ListTopicsRequest__Output, _herald_v1_ListTopicsResponse__Output>
  ReassignPartitions: MethodDefinition<_herald_v1_ReassignPartitionsRequest, _herald_v1_ReassignPartitionsResponse, _herald_v1_ReassignPartitionsRequest__Output, _herald_v1_ReassignPartitionsResponse__Output>
  RebalanceCluster: MethodDefinition<_herald_v1_RebalanceClusterRequest, _herald_v1_ReassignPartitionsResponse, _herald_v1_RebalanceClusterRequest__Output, _herald_v1_ReassignPartitionsResponse__Output>
  RemoveNode: MethodDefinition<_herald_v1_RemoveNodeRequest, _herald_v1_RemoveNodeResponse, _herald_v1_RemoveNodeRequest__Output, _herald_v1_RemoveNodeResponse__Output>
  TransferController: MethodDefinition<_herald_v1_TransferControllerRequest, _herald_v1_TransferLeadershipResponse, _herald_v1_TransferControllerRequest__Output, _herald_v1_TransferLeadershipResponse__Output>
  TransferLeadership: MethodDefinition<_herald_v1_TransferLeadershipRequest, _herald_v1_TransferLeadershipResponse, _herald_v1_TransferLeadershipRequest__Output, _herald_v1_TransferLeadershipResponse__Output>
}
