import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AddNodeRequest as _herald_v1_AddNodeRequest, AddNodeRequest__Output as _herald_v1_AddNodeRequest__Output } from './herald/v1/AddNodeRequest.js';
import type { AddNodeResponse as _herald_v1_AddNodeResponse, AddNodeResponse__Output as _herald_v1_AddNodeResponse__Output } from './herald/v1/AddNodeResponse.js';
import type { AdminServiceClient as _herald_v1_AdminServiceClient, AdminServiceDefinition as _herald_v1_AdminServiceDefinition } from './herald/v1/AdminService.js';
import type { CreateTopicRequest as _herald_v1_CreateTopicRequest, CreateTopicRequest__Output as _herald_v1_CreateTopicRequest__Output } from './herald/v1/CreateTopicRequest.js';
import type { CreateTopicResponse as _herald_v1_CreateTopicResponse, CreateTopicResponse__Output as _herald_v1_CreateTopicResponse__Output } from './herald/v1/CreateTopicResponse.js';
import type { DecommissionNodeRequest as _herald_v1_DecommissionNodeRequest, DecommissionNodeRequest__Output as _herald_v1_DecommissionNodeRequest__Output } from './herald/v1/DecommissionNodeRequest.js';
import type { DeleteRecordsRequest as _herald_v1_DeleteRecordsRequest, DeleteRecordsRequest__Output as _herald_v1_DeleteRecordsRequest__Output } from './herald/v1/DeleteRecordsRequest.js';
import type { DeleteRecordsResponse as _herald_v1_DeleteRecordsResponse, DeleteRecordsResponse__Output as _herald_v1_DeleteRecordsResponse__Output } from './herald/v1/DeleteRecordsResponse.js';
import type { DeleteTopicRequest as _herald_v1_DeleteTopicRequest, DeleteTopicRequest__Output as _herald_v1_DeleteTopicRequest__Output } from './herald/v1/DeleteTopicRequest.js';
import type { DeleteTopicResponse as _herald_v1_DeleteTopicResponse, DeleteTopicResponse__Output as _herald_v1_DeleteTopicResponse__Output } from './herald/v1/DeleteTopicResponse.js';
import type { DescribeClusterRequest as _herald_v1_DescribeClusterRequest, DescribeClusterRequest__Output as _herald_v1_DescribeClusterRequest__Output } from './herald/v1/DescribeClusterRequest.js';
import type { DescribeClusterResponse as _herald_v1_DescribeClusterResponse, DescribeClusterResponse__Output as _herald_v1_DescribeClusterResponse__Output } from './herald/v1/DescribeClusterResponse.js';
import type { DescribeTopicRequest as _herald_v1_DescribeTopicRequest, DescribeTopicRequest__Output as _herald_v1_DescribeTopicRequest__Output } from './herald/v1/DescribeTopicRequest.js';
import type { DescribeTopicResponse as _herald_v1_DescribeTopicResponse, DescribeTopicResponse__Output as _herald_v1_DescribeTopicResponse__Output } from './herald/v1/DescribeTopicResponse.js';
import type { ListTopicsRequest as _herald_v1_ListTopicsRequest, ListTopicsRequest__Output as _herald_v1_ListTopicsRequest__Output } from './herald/v1/ListTopicsRequest.js';
import type { ListTopicsResponse as _herald_v1_ListTopicsResponse, ListTopicsResponse__Output as _herald_v1_ListTopicsResponse__Output } from './herald/v1/ListTopicsResponse.js';
import type { Node as _herald_v1_Node, Node__Output as _herald_v1_Node__Output } from './herald/v1/Node.js';
import type { PartitionDescription as _herald_v1_PartitionDescription, PartitionDescription__Output as _herald_v1_PartitionDescription__Output } from './herald/v1/PartitionDescription.js';
import type { PartitionReassignment as _herald_v1_PartitionReassignment, PartitionReassignment__Output as _herald_v1_PartitionReassignment__Output } from './herald/v1/PartitionReassignment.js';
import type { ReassignPartitionsRequest as _herald_v1_ReassignPartitionsRequest, ReassignPartitionsRequest__Output as _herald_v1_ReassignPartitionsRequest__Output } from './herald/v1/ReassignPartitionsRequest.js';
import type { ReassignPartitionsResponse as _herald_v1_ReassignPartitionsResponse, ReassignPartitionsResponse__Output as _herald_v1_ReassignPartitionsResponse__Output } from './herald/v1/ReassignPartitionsResponse.js';
import type { RebalanceClusterRequest as _herald_v1_RebalanceClusterRequest, RebalanceClusterRequest__Output as _herald_v1_RebalanceClusterRequest__Output } from './herald/v1/RebalanceClusterRequest.js';
import type { RemoveNodeRequest as _herald_v1_RemoveNodeRequest, RemoveNodeRequest__Output as _herald_v1_RemoveNodeRequest__Output } from './herald/v1/RemoveNodeRequest.js';
import type { RemoveNodeResponse as _herald_v1_RemoveNodeResponse, RemoveNodeResponse__Output as _herald_v1_RemoveNodeResponse__Output } from './herald/v1/RemoveNodeResponse.js';
import type { TopicDescription as _herald_v1_TopicDescription, TopicDescription__Output as _herald_v1_TopicDescription__Output } from './herald/v1/TopicDescription.js';
import type { TopicSummary as _herald_v1_TopicSummary, TopicSummary__Output as _herald_v1_TopicSummary__Output } from './herald/v1/TopicSummary.js';
import type { TransferControllerRequest as _herald_v1_TransferControllerRequest, TransferControllerRequest__Output as _herald_v1_TransferControllerRequest__Output } from './herald/v1/TransferControllerRequest.js';
import type { TransferLeadershipRequest as _herald_v1_TransferLeadershipRequest, TransferLeadershipRequest__Output as _herald_v1_TransferLeadershipRequest__Output } from './herald/v1/TransferLeadershipRequest.js';
import type { TransferLeadershipResponse as _herald_v1_TransferLeadershipResponse, TransferLeadershipResponse__Output as _herald_v1_TransferLeadershipResponse__Output } from './herald/v1/TransferLeadershipResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  herald: {
    v1: {
      AddNodeRequest: MessageTypeDefinition<_herald_v1_AddNodeRequest, _herald_v1_AddNodeRequest__Output>
      AddNodeResponse: MessageTypeDefinition<_herald_v1_AddNodeResponse, _herald_v1_AddNodeResponse__Output>
      /**
       * Topic and cluster administration. Changes go through the meta group, so any node accepts
       * them and forwards them to the controller (the meta group's leader); reads answer from the
       * node's own copy of the metadata, which may lag the controller's by a moment.
       * 
       * Consumer-group administration (list, describe, seek, delete) comes in GroupService
       * (herald/v1/groups.proto). Node membership (AddNode, RemoveNode) changes the cluster's node
       * list, which the meta state records from the first such change on (docs/operations.md).
       */
      AdminService: SubtypeConstructor<typeof grpc.Client, _herald_v1_AdminServiceClient> & { service: _herald_v1_AdminServiceDefinition }
      CreateTopicRequest: MessageTypeDefinition<_herald_v1_CreateTopicRequest, _herald_v1_CreateTopicRequest__Output>
      CreateTopicResponse: MessageTypeDefinition<_herald_v1_CreateTopicResponse, _herald_v1_CreateTopicResponse__Output>
      DecommissionNodeRequest: MessageTypeDefinition<_herald_v1_DecommissionNodeRequest, _herald_v1_DecommissionNodeRequest__Output>
      DeleteRecordsRequest: MessageTypeDefinition<_herald_v1_DeleteRecordsRequest, _herald_v1_DeleteRecordsRequest__Output>
      DeleteRecordsResponse: MessageTypeDefinition<_herald_v1_DeleteRecordsResponse, _herald_v1_DeleteRecordsResponse__Output>
      DeleteTopicRequest: MessageTypeDefinition<_herald_v1_DeleteTopicRequest, _herald_v1_DeleteTopicRequest__Output>
      DeleteTopicResponse: MessageTypeDefinition<_herald_v1_DeleteTopicResponse, _herald_v1_DeleteTopicResponse__Output>
      DescribeClusterRequest: MessageTypeDefinition<_herald_v1_DescribeClusterRequest, _herald_v1_DescribeClusterRequest__Output>
      DescribeClusterResponse: MessageTypeDefinition<_herald_v1_DescribeClusterResponse, _herald_v1_DescribeClusterResponse__Output>
      DescribeTopicRequest: MessageTypeDefinition<_herald_v1_DescribeTopicRequest, _herald_v1_DescribeTopicRequest__Output>
      DescribeTopicResponse: MessageTypeDefinition<_herald_v1_DescribeTopicResponse, _herald_v1_DescribeTopicResponse__Output>
      ListTopicsRequest: MessageTypeDefinition<_herald_v1_ListTopicsRequest, _herald_v1_ListTopicsRequest__Output>
      ListTopicsResponse: MessageTypeDefinition<_herald_v1_ListTopicsResponse, _herald_v1_ListTopicsResponse__Output>
      Node: MessageTypeDefinition<_herald_v1_Node, _herald_v1_Node__Output>
      PartitionDescription: MessageTypeDefinition<_herald_v1_PartitionDescription, _herald_v1_PartitionDescription__Output>
      PartitionReassignment: MessageTypeDefinition<_herald_v1_PartitionReassignment, _herald_v1_PartitionReassignment__Output>
      ReassignPartitionsRequest: MessageTypeDefinition<_herald_v1_ReassignPartitionsRequest, _herald_v1_ReassignPartitionsRequest__Output>
      ReassignPartitionsResponse: MessageTypeDefinition<_herald_v1_ReassignPartitionsResponse, _herald_v1_ReassignPartitionsResponse__Output>
      RebalanceClusterRequest: MessageTypeDefinition<_herald_v1_RebalanceClusterRequest, _herald_v1_RebalanceClusterRequest__Output>
      RemoveNodeRequest: MessageTypeDefinition<_herald_v1_RemoveNodeRequest, _herald_v1_RemoveNodeRequest__Output>
      RemoveNodeResponse: MessageTypeDefinition<_herald_v1_RemoveNodeResponse, _herald_v1_RemoveNodeResponse__Output>
      TopicDescription: MessageTypeDefinition<_herald_v1_TopicDescription, _herald_v1_TopicDescription__Output>
      TopicSummary: MessageTypeDefinition<_herald_v1_TopicSummary, _herald_v1_TopicSummary__Output>
      TransferControllerRequest: MessageTypeDefinition<_herald_v1_TransferControllerRequest, _herald_v1_TransferControllerRequest__Output>
      TransferLeadershipRequest: MessageTypeDefinition<_herald_v1_TransferLeadershipRequest, _herald_v1_TransferLeadershipRequest__Output>
      TransferLeadershipResponse: MessageTypeDefinition<_herald_v1_TransferLeadershipResponse, _herald_v1_TransferLeadershipResponse__Output>
    }
  }
}

