// Original file: proto/herald/v1/groups.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CommitOffsetsRequest as _herald_v1_CommitOffsetsRequest, CommitOffsetsRequest__Output as _herald_v1_CommitOffsetsRequest__Output } from '../../herald/v1/CommitOffsetsRequest.js';
import type { CommitOffsetsResponse as _herald_v1_CommitOffsetsResponse, CommitOffsetsResponse__Output as _herald_v1_CommitOffsetsResponse__Output } from '../../herald/v1/CommitOffsetsResponse.js';
import type { DeleteGroupRequest as _herald_v1_DeleteGroupRequest, DeleteGroupRequest__Output as _herald_v1_DeleteGroupRequest__Output } from '../../herald/v1/DeleteGroupRequest.js';
import type { DeleteGroupResponse as _herald_v1_DeleteGroupResponse, DeleteGroupResponse__Output as _herald_v1_DeleteGroupResponse__Output } from '../../herald/v1/DeleteGroupResponse.js';
import type { DescribeGroupRequest as _herald_v1_DescribeGroupRequest, DescribeGroupRequest__Output as _herald_v1_DescribeGroupRequest__Output } from '../../herald/v1/DescribeGroupRequest.js';
import type { DescribeGroupResponse as _herald_v1_DescribeGroupResponse, DescribeGroupResponse__Output as _herald_v1_DescribeGroupResponse__Output } from '../../herald/v1/DescribeGroupResponse.js';
import type { FetchOffsetsRequest as _herald_v1_FetchOffsetsRequest, FetchOffsetsRequest__Output as _herald_v1_FetchOffsetsRequest__Output } from '../../herald/v1/FetchOffsetsRequest.js';
import type { FetchOffsetsResponse as _herald_v1_FetchOffsetsResponse, FetchOffsetsResponse__Output as _herald_v1_FetchOffsetsResponse__Output } from '../../herald/v1/FetchOffsetsResponse.js';
import type { HeartbeatRequest as _herald_v1_HeartbeatRequest, HeartbeatRequest__Output as _herald_v1_HeartbeatRequest__Output } from '../../herald/v1/HeartbeatRequest.js';
import type { HeartbeatResponse as _herald_v1_HeartbeatResponse, HeartbeatResponse__Output as _herald_v1_HeartbeatResponse__Output } from '../../herald/v1/HeartbeatResponse.js';
import type { JoinGroupRequest as _herald_v1_JoinGroupRequest, JoinGroupRequest__Output as _herald_v1_JoinGroupRequest__Output } from '../../herald/v1/JoinGroupRequest.js';
import type { JoinGroupResponse as _herald_v1_JoinGroupResponse, JoinGroupResponse__Output as _herald_v1_JoinGroupResponse__Output } from '../../herald/v1/JoinGroupResponse.js';
import type { LeaveGroupRequest as _herald_v1_LeaveGroupRequest, LeaveGroupRequest__Output as _herald_v1_LeaveGroupRequest__Output } from '../../herald/v1/LeaveGroupRequest.js';
import type { LeaveGroupResponse as _herald_v1_LeaveGroupResponse, LeaveGroupResponse__Output as _herald_v1_LeaveGroupResponse__Output } from '../../herald/v1/LeaveGroupResponse.js';
import type { ListGroupsRequest as _herald_v1_ListGroupsRequest, ListGroupsRequest__Output as _herald_v1_ListGroupsRequest__Output } from '../../herald/v1/ListGroupsRequest.js';
import type { ListGroupsResponse as _herald_v1_ListGroupsResponse, ListGroupsResponse__Output as _herald_v1_ListGroupsResponse__Output } from '../../herald/v1/ListGroupsResponse.js';
import type { ResetOffsetsRequest as _herald_v1_ResetOffsetsRequest, ResetOffsetsRequest__Output as _herald_v1_ResetOffsetsRequest__Output } from '../../herald/v1/ResetOffsetsRequest.js';
import type { ResetOffsetsResponse as _herald_v1_ResetOffsetsResponse, ResetOffsetsResponse__Output as _herald_v1_ResetOffsetsResponse__Output } from '../../herald/v1/ResetOffsetsResponse.js';

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
export interface GroupServiceClient extends grpc.Client {
  /**
   * Commits offsets through Raft; answered once committed. With a member_id and generation,
   * fenced unless they are the group's current ones. With neither (generation 0), allowed only
   * while the group has no members (a standalone consumer); the group is created if needed.
   */
  CommitOffsets(argument: _herald_v1_CommitOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  CommitOffsets(argument: _herald_v1_CommitOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  CommitOffsets(argument: _herald_v1_CommitOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  CommitOffsets(argument: _herald_v1_CommitOffsetsRequest, callback: grpc.requestCallback<_herald_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Commits offsets through Raft; answered once committed. With a member_id and generation,
   * fenced unless they are the group's current ones. With neither (generation 0), allowed only
   * while the group has no members (a standalone consumer); the group is created if needed.
   */
  commitOffsets(argument: _herald_v1_CommitOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  commitOffsets(argument: _herald_v1_CommitOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  commitOffsets(argument: _herald_v1_CommitOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  commitOffsets(argument: _herald_v1_CommitOffsetsRequest, callback: grpc.requestCallback<_herald_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Deletes a group and its offsets; only while it has no members (GroupNotEmpty).
   */
  DeleteGroup(argument: _herald_v1_DeleteGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  DeleteGroup(argument: _herald_v1_DeleteGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  DeleteGroup(argument: _herald_v1_DeleteGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  DeleteGroup(argument: _herald_v1_DeleteGroupRequest, callback: grpc.requestCallback<_herald_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Deletes a group and its offsets; only while it has no members (GroupNotEmpty).
   */
  deleteGroup(argument: _herald_v1_DeleteGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  deleteGroup(argument: _herald_v1_DeleteGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  deleteGroup(argument: _herald_v1_DeleteGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  deleteGroup(argument: _herald_v1_DeleteGroupRequest, callback: grpc.requestCallback<_herald_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A group in full: members and their partitions, committed offsets, lag per partition in
   * records and in seconds.
   */
  DescribeGroup(argument: _herald_v1_DescribeGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  DescribeGroup(argument: _herald_v1_DescribeGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  DescribeGroup(argument: _herald_v1_DescribeGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  DescribeGroup(argument: _herald_v1_DescribeGroupRequest, callback: grpc.requestCallback<_herald_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A group in full: members and their partitions, committed offsets, lag per partition in
   * records and in seconds.
   */
  describeGroup(argument: _herald_v1_DescribeGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  describeGroup(argument: _herald_v1_DescribeGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  describeGroup(argument: _herald_v1_DescribeGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  describeGroup(argument: _herald_v1_DescribeGroupRequest, callback: grpc.requestCallback<_herald_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The committed offsets of a group.
   */
  FetchOffsets(argument: _herald_v1_FetchOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  FetchOffsets(argument: _herald_v1_FetchOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  FetchOffsets(argument: _herald_v1_FetchOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  FetchOffsets(argument: _herald_v1_FetchOffsetsRequest, callback: grpc.requestCallback<_herald_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The committed offsets of a group.
   */
  fetchOffsets(argument: _herald_v1_FetchOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  fetchOffsets(argument: _herald_v1_FetchOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  fetchOffsets(argument: _herald_v1_FetchOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  fetchOffsets(argument: _herald_v1_FetchOffsetsRequest, callback: grpc.requestCallback<_herald_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Keeps a member alive. Refused with RebalanceInProgress when the member must rejoin.
   */
  Heartbeat(argument: _herald_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _herald_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _herald_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _herald_v1_HeartbeatRequest, callback: grpc.requestCallback<_herald_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Keeps a member alive. Refused with RebalanceInProgress when the member must rejoin.
   */
  heartbeat(argument: _herald_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _herald_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _herald_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _herald_v1_HeartbeatRequest, callback: grpc.requestCallback<_herald_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Joins (or rejoins) a group and waits until the rebalance completes; answers with the
   * member's assignment. The caller's deadline should exceed rebalance_timeout_ms.
   */
  JoinGroup(argument: _herald_v1_JoinGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  JoinGroup(argument: _herald_v1_JoinGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  JoinGroup(argument: _herald_v1_JoinGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  JoinGroup(argument: _herald_v1_JoinGroupRequest, callback: grpc.requestCallback<_herald_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Joins (or rejoins) a group and waits until the rebalance completes; answers with the
   * member's assignment. The caller's deadline should exceed rebalance_timeout_ms.
   */
  joinGroup(argument: _herald_v1_JoinGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  joinGroup(argument: _herald_v1_JoinGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  joinGroup(argument: _herald_v1_JoinGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  joinGroup(argument: _herald_v1_JoinGroupRequest, callback: grpc.requestCallback<_herald_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Leaves a group at once: its partitions are reassigned without waiting for the session
   * timeout. When the member was the last one, answered once the group is Empty (so that
   * ResetOffsets or DeleteGroup may follow at once).
   */
  LeaveGroup(argument: _herald_v1_LeaveGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  LeaveGroup(argument: _herald_v1_LeaveGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  LeaveGroup(argument: _herald_v1_LeaveGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  LeaveGroup(argument: _herald_v1_LeaveGroupRequest, callback: grpc.requestCallback<_herald_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Leaves a group at once: its partitions are reassigned without waiting for the session
   * timeout. When the member was the last one, answered once the group is Empty (so that
   * ResetOffsets or DeleteGroup may follow at once).
   */
  leaveGroup(argument: _herald_v1_LeaveGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  leaveGroup(argument: _herald_v1_LeaveGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  leaveGroup(argument: _herald_v1_LeaveGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  leaveGroup(argument: _herald_v1_LeaveGroupRequest, callback: grpc.requestCallback<_herald_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Every group, with its state and member count.
   */
  ListGroups(argument: _herald_v1_ListGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _herald_v1_ListGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _herald_v1_ListGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _herald_v1_ListGroupsRequest, callback: grpc.requestCallback<_herald_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Every group, with its state and member count.
   */
  listGroups(argument: _herald_v1_ListGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _herald_v1_ListGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _herald_v1_ListGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _herald_v1_ListGroupsRequest, callback: grpc.requestCallback<_herald_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Moves a group's committed offsets; only while the group has no members (GroupNotEmpty).
   */
  ResetOffsets(argument: _herald_v1_ResetOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ResetOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ResetOffsets(argument: _herald_v1_ResetOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ResetOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ResetOffsets(argument: _herald_v1_ResetOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ResetOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ResetOffsets(argument: _herald_v1_ResetOffsetsRequest, callback: grpc.requestCallback<_herald_v1_ResetOffsetsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Moves a group's committed offsets; only while the group has no members (GroupNotEmpty).
   */
  resetOffsets(argument: _herald_v1_ResetOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ResetOffsetsResponse__Output>): grpc.ClientUnaryCall;
  resetOffsets(argument: _herald_v1_ResetOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ResetOffsetsResponse__Output>): grpc.ClientUnaryCall;
  resetOffsets(argument: _herald_v1_ResetOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ResetOffsetsResponse__Output>): grpc.ClientUnaryCall;
  resetOffsets(argument: _herald_v1_ResetOffsetsRequest, callback: grpc.requestCallback<_herald_v1_ResetOffsetsResponse__Output>): grpc.ClientUnaryCall;
  
}

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
export interface GroupServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Commits offsets through Raft; answered once committed. With a member_id and generation,
   * fenced unless they are the group's current ones. With neither (generation 0), allowed only
   * while the group has no members (a standalone consumer); the group is created if needed.
   */
  CommitOffsets: grpc.handleUnaryCall<_herald_v1_CommitOffsetsRequest__Output, _herald_v1_CommitOffsetsResponse>;
  
  /**
   * Deletes a group and its offsets; only while it has no members (GroupNotEmpty).
   */
  DeleteGroup: grpc.handleUnaryCall<_herald_v1_DeleteGroupRequest__Output, _herald_v1_DeleteGroupResponse>;
  
  /**
   * A group in full: members and their partitions, committed offsets, lag per partition in
   * records and in seconds.
   */
  DescribeGroup: grpc.handleUnaryCall<_herald_v1_DescribeGroupRequest__Output, _herald_v1_DescribeGroupResponse>;
  
  /**
   * The committed offsets of a group.
   */
  FetchOffsets: grpc.handleUnaryCall<_herald_v1_FetchOffsetsRequest__Output, _herald_v1_FetchOffsetsResponse>;
  
  /**
   * Keeps a member alive. Refused with RebalanceInProgress when the member must rejoin.
   */
  Heartbeat: grpc.handleUnaryCall<_herald_v1_HeartbeatRequest__Output, _herald_v1_HeartbeatResponse>;
  
  /**
   * Joins (or rejoins) a group and waits until the rebalance completes; answers with the
   * member's assignment. The caller's deadline should exceed rebalance_timeout_ms.
   */
  JoinGroup: grpc.handleUnaryCall<_herald_v1_JoinGroupRequest__Output, _herald_v1_JoinGroupResponse>;
  
  /**
   * Leaves a group at once: its partitions are reassigned without waiting for the session
   * timeout. When the member was the last one, answered once the group is Empty (so that
   * ResetOffsets or DeleteGroup may follow at once).
   */
  LeaveGroup: grpc.handleUnaryCall<_herald_v1_LeaveGroupRequest__Output, _herald_v1_LeaveGroupResponse>;
  
  /**
   * Every group, with its state and member count.
   */
  ListGroups: grpc.handleUnaryCall<_herald_v1_ListGroupsRequest__Output, _herald_v1_ListGroupsResponse>;
  
  /**
   * Moves a group's committed offsets; only while the group has no members (GroupNotEmpty).
   */
  ResetOffsets: grpc.handleUnaryCall<_herald_v1_ResetOffsetsRequest__Output, _herald_v1_ResetOffsetsResponse>;
  
}

export interface GroupServiceDefinition extends grpc.ServiceDefinition {
  CommitOffsets: MethodDefinition<_herald_v1_CommitOffsetsRequest, _herald_v1_CommitOffsetsResponse, _herald_v1_CommitOffsetsRequest__Output, _herald_v1_CommitOffsetsResponse__Output>
  DeleteGroup: MethodDefinition<_herald_v1_DeleteGroupRequest, _herald_v1_DeleteGroupResponse, _herald_v1_DeleteGroupRequest__Output, _herald_v1_DeleteGroupResponse__Output>
  DescribeGroup: MethodDefinition<_herald_v1_DescribeGroupRequest, _herald_v1_DescribeGroupResponse, _herald_v1_DescribeGroupRequest__Output, _herald_v1_DescribeGroupResponse__Output>
  FetchOffsets: MethodDefinition<_herald_v1_FetchOffsetsRequest, _herald_v1_FetchOffsetsResponse, _herald_v1_FetchOffsetsRequest__Output, _herald_v1_FetchOffsetsResponse__Output>
  Heartbeat: MethodDefinition<_herald_v1_HeartbeatRequest, _herald_v1_HeartbeatResponse, _herald_v1_HeartbeatRequest__Output, _herald_v1_HeartbeatResponse__Output>
  JoinGroup: MethodDefinition<_herald_v1_JoinGroupRequest, _herald_v1_JoinGroupResponse, _herald_v1_JoinGroupRequest__Output, _herald_v1_JoinGroupResponse__Output>
  LeaveGroup: MethodDefinition<_herald_v1_LeaveGroupRequest, _herald_v1_LeaveGroupResponse, _herald_v1_LeaveGroupRequest__Output, _herald_v1_LeaveGroupResponse__Output>
  ListGroups: MethodDefinition<_herald_v1_ListGroupsRequest, _herald_v1_ListGroupsResponse, _herald_v1_ListGroupsRequest__Output, _herald_v1_ListGroupsResponse__Output>
  ResetOffsets: MethodDefinition<_herald_v1_ResetOffsetsRequest, _herald_v1_ResetOffsetsResponse, _herald_v1_ResetOffsetsRequest__Output, _herald_v1_ResetOffsetsResponse__Output>
}
