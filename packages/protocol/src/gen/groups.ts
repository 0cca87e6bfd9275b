import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { CommitOffsetsRequest as _herald_v1_CommitOffsetsRequest, CommitOffsetsRequest__Output as _herald_v1_CommitOffsetsRequest__Output } from './herald/v1/CommitOffsetsRequest.js';
import type { CommitOffsetsResponse as _herald_v1_CommitOffsetsResponse, CommitOffsetsResponse__Output as _herald_v1_CommitOffsetsResponse__Output } from './herald/v1/CommitOffsetsResponse.js';
import type { CommittedOffset as _herald_v1_CommittedOffset, CommittedOffset__Output as _herald_v1_CommittedOffset__Output } from './herald/v1/CommittedOffset.js';
import type { DeleteGroupRequest as _herald_v1_DeleteGroupRequest, DeleteGroupRequest__Output as _herald_v1_DeleteGroupRequest__Output } from './herald/v1/DeleteGroupRequest.js';
import type { DeleteGroupResponse as _herald_v1_DeleteGroupResponse, DeleteGroupResponse__Output as _herald_v1_DeleteGroupResponse__Output } from './herald/v1/DeleteGroupResponse.js';
import type { DescribeGroupRequest as _herald_v1_DescribeGroupRequest, DescribeGroupRequest__Output as _herald_v1_DescribeGroupRequest__Output } from './herald/v1/DescribeGroupRequest.js';
import type { DescribeGroupResponse as _herald_v1_DescribeGroupResponse, DescribeGroupResponse__Output as _herald_v1_DescribeGroupResponse__Output } from './herald/v1/DescribeGroupResponse.js';
import type { FetchOffsetsRequest as _herald_v1_FetchOffsetsRequest, FetchOffsetsRequest__Output as _herald_v1_FetchOffsetsRequest__Output } from './herald/v1/FetchOffsetsRequest.js';
import type { FetchOffsetsResponse as _herald_v1_FetchOffsetsResponse, FetchOffsetsResponse__Output as _herald_v1_FetchOffsetsResponse__Output } from './herald/v1/FetchOffsetsResponse.js';
import type { GroupMemberDescription as _herald_v1_GroupMemberDescription, GroupMemberDescription__Output as _herald_v1_GroupMemberDescription__Output } from './herald/v1/GroupMemberDescription.js';
import type { GroupServiceClient as _herald_v1_GroupServiceClient, GroupServiceDefinition as _herald_v1_GroupServiceDefinition } from './herald/v1/GroupService.js';
import type { GroupSummary as _herald_v1_GroupSummary, GroupSummary__Output as _herald_v1_GroupSummary__Output } from './herald/v1/GroupSummary.js';
import type { HeartbeatRequest as _herald_v1_HeartbeatRequest, HeartbeatRequest__Output as _herald_v1_HeartbeatRequest__Output } from './herald/v1/HeartbeatRequest.js';
import type { HeartbeatResponse as _herald_v1_HeartbeatResponse, HeartbeatResponse__Output as _herald_v1_HeartbeatResponse__Output } from './herald/v1/HeartbeatResponse.js';
import type { JoinGroupRequest as _herald_v1_JoinGroupRequest, JoinGroupRequest__Output as _herald_v1_JoinGroupRequest__Output } from './herald/v1/JoinGroupRequest.js';
import type { JoinGroupResponse as _herald_v1_JoinGroupResponse, JoinGroupResponse__Output as _herald_v1_JoinGroupResponse__Output } from './herald/v1/JoinGroupResponse.js';
import type { LeaveGroupRequest as _herald_v1_LeaveGroupRequest, LeaveGroupRequest__Output as _herald_v1_LeaveGroupRequest__Output } from './herald/v1/LeaveGroupRequest.js';
import type { LeaveGroupResponse as _herald_v1_LeaveGroupResponse, LeaveGroupResponse__Output as _herald_v1_LeaveGroupResponse__Output } from './herald/v1/LeaveGroupResponse.js';
import type { ListGroupsRequest as _herald_v1_ListGroupsRequest, ListGroupsRequest__Output as _herald_v1_ListGroupsRequest__Output } from './herald/v1/ListGroupsRequest.js';
import type { ListGroupsResponse as _herald_v1_ListGroupsResponse, ListGroupsResponse__Output as _herald_v1_ListGroupsResponse__Output } from './herald/v1/ListGroupsResponse.js';
import type { OffsetCommit as _herald_v1_OffsetCommit, OffsetCommit__Output as _herald_v1_OffsetCommit__Output } from './herald/v1/OffsetCommit.js';
import type { PartitionLag as _herald_v1_PartitionLag, PartitionLag__Output as _herald_v1_PartitionLag__Output } from './herald/v1/PartitionLag.js';
import type { ResetOffsetsRequest as _herald_v1_ResetOffsetsRequest, ResetOffsetsRequest__Output as _herald_v1_ResetOffsetsRequest__Output } from './herald/v1/ResetOffsetsRequest.js';
import type { ResetOffsetsResponse as _herald_v1_ResetOffsetsResponse, ResetOffsetsResponse__Output as _herald_v1_ResetOffsetsResponse__Output } from './herald/v1/ResetOffsetsResponse.js';
import type { TopicPartitions as _herald_v1_TopicPartitions, TopicPartitions__Output as _herald_v1_TopicPartitions__Output } from './herald/v1/TopicPartitions.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  herald: {
    v1: {
      CommitOffsetsRequest: MessageTypeDefinition<_herald_v1_CommitOffsetsRequest, _herald_v1_CommitOffsetsRequest__Output>
      CommitOffsetsResponse: MessageTypeDefinition<_herald_v1_CommitOffsetsResponse, _herald_v1_CommitOffsetsResponse__Output>
      CommittedOffset: MessageTypeDefinition<_herald_v1_CommittedOffset, _herald_v1_CommittedOffset__Output>
      DeleteGroupRequest: MessageTypeDefinition<_herald_v1_DeleteGroupRequest, _herald_v1_DeleteGroupRequest__Output>
      DeleteGroupResponse: MessageTypeDefinition<_herald_v1_DeleteGroupResponse, _herald_v1_DeleteGroupResponse__Output>
      DescribeGroupRequest: MessageTypeDefinition<_herald_v1_DescribeGroupRequest, _herald_v1_DescribeGroupRequest__Output>
      DescribeGroupResponse: MessageTypeDefinition<_herald_v1_DescribeGroupResponse, _herald_v1_DescribeGroupResponse__Output>
      FetchOffsetsRequest: MessageTypeDefinition<_herald_v1_FetchOffsetsRequest, _herald_v1_FetchOffsetsRequest__Output>
      FetchOffsetsResponse: MessageTypeDefinition<_herald_v1_FetchOffsetsResponse, _herald_v1_FetchOffsetsResponse__Output>
      GroupMemberDescription: MessageTypeDefinition<_herald_v1_GroupMemberDescription, _herald_v1_GroupMemberDescription__Output>
      /**
       * Kafka-style consumer groups (stream semantics). The group coordinator is the controller (the
       * meta group's leader): send every call to it; any other node refuses with
       * FAILED_PRECONDITION, reason NotLeader, naming the controller in `herald-leader-id` and
       * `herald-leader-addr`. Group membership, assignments and committed offsets are replicated
       * through the meta group, so a new controller carries on where the old one stopped.
       * 
       * A member's life: JoinGroup (answered once the rebalance completes, with the member's
       * partitions and generation) → Heartbeat every heartbeat_interval_ms → CommitOffsets with its
       * generation → on RebalanceInProgress from Heartbeat or CommitOffsets-time fencing, commit what
       * it processed and JoinGroup again with its member_id → LeaveGroup when done. A member that
       * does not heartbeat within its session timeout is removed and its partitions reassigned.
       * 
       * Refusals specific to groups (trailer `herald-reason`):
       * - GroupNotFound (NOT_FOUND): no such group.
       * - UnknownMember (NOT_FOUND): the member was removed (session expired, left); join again
       * with an empty member_id.
       * - RebalanceInProgress (FAILED_PRECONDITION): a rebalance started; call JoinGroup again.
       * - FencedGeneration (FAILED_PRECONDITION): the request's generation is not the group's; a
       * newer generation owns the partitions. Join again; do not retry the commit.
       * - GroupNotEmpty (FAILED_PRECONDITION): reset or delete while members are active.
       */
      GroupService: SubtypeConstructor<typeof grpc.Client, _herald_v1_GroupServiceClient> & { service: _herald_v1_GroupServiceDefinition }
      GroupSummary: MessageTypeDefinition<_herald_v1_GroupSummary, _herald_v1_GroupSummary__Output>
      HeartbeatRequest: MessageTypeDefinition<_herald_v1_HeartbeatRequest, _herald_v1_HeartbeatRequest__Output>
      HeartbeatResponse: MessageTypeDefinition<_herald_v1_HeartbeatResponse, _herald_v1_HeartbeatResponse__Output>
      JoinGroupRequest: MessageTypeDefinition<_herald_v1_JoinGroupRequest, _herald_v1_JoinGroupRequest__Output>
      JoinGroupResponse: MessageTypeDefinition<_herald_v1_JoinGroupResponse, _herald_v1_JoinGroupResponse__Output>
      LeaveGroupRequest: MessageTypeDefinition<_herald_v1_LeaveGroupRequest, _herald_v1_LeaveGroupRequest__Output>
      LeaveGroupResponse: MessageTypeDefinition<_herald_v1_LeaveGroupResponse, _herald_v1_LeaveGroupResponse__Output>
      ListGroupsRequest: MessageTypeDefinition<_herald_v1_ListGroupsRequest, _herald_v1_ListGroupsRequest__Output>
      ListGroupsResponse: MessageTypeDefinition<_herald_v1_ListGroupsResponse, _herald_v1_ListGroupsResponse__Output>
      OffsetCommit: MessageTypeDefinition<_herald_v1_OffsetCommit, _herald_v1_OffsetCommit__Output>
      PartitionLag: MessageTypeDefinition<_herald_v1_PartitionLag, _herald_v1_PartitionLag__Output>
      ResetOffsetsRequest: MessageTypeDefinition<_herald_v1_ResetOffsetsRequest, _herald_v1_ResetOffsetsRequest__Output>
      ResetOffsetsResponse: MessageTypeDefinition<_herald_v1_ResetOffsetsResponse, _herald_v1_ResetOffsetsResponse__Output>
      ResetPosition: EnumTypeDefinition
      TopicPartitions: MessageTypeDefinition<_herald_v1_TopicPartitions, _herald_v1_TopicPartitions__Output>
    }
  }
}

