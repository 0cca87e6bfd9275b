import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Append as _herald_internal_v1_Append, Append__Output as _herald_internal_v1_Append__Output } from './herald/internal/v1/Append.js';
import type { AppendResponse as _herald_internal_v1_AppendResponse, AppendResponse__Output as _herald_internal_v1_AppendResponse__Output } from './herald/internal/v1/AppendResponse.js';
import type { DescribeReplicasRequest as _herald_internal_v1_DescribeReplicasRequest, DescribeReplicasRequest__Output as _herald_internal_v1_DescribeReplicasRequest__Output } from './herald/internal/v1/DescribeReplicasRequest.js';
import type { DescribeReplicasResponse as _herald_internal_v1_DescribeReplicasResponse, DescribeReplicasResponse__Output as _herald_internal_v1_DescribeReplicasResponse__Output } from './herald/internal/v1/DescribeReplicasResponse.js';
import type { Empty as _herald_internal_v1_Empty, Empty__Output as _herald_internal_v1_Empty__Output } from './herald/internal/v1/Empty.js';
import type { Entry as _herald_internal_v1_Entry, Entry__Output as _herald_internal_v1_Entry__Output } from './herald/internal/v1/Entry.js';
import type { Frame as _herald_internal_v1_Frame, Frame__Output as _herald_internal_v1_Frame__Output } from './herald/internal/v1/Frame.js';
import type { GroupMessage as _herald_internal_v1_GroupMessage, GroupMessage__Output as _herald_internal_v1_GroupMessage__Output } from './herald/internal/v1/GroupMessage.js';
import type { Heartbeat as _herald_internal_v1_Heartbeat, Heartbeat__Output as _herald_internal_v1_Heartbeat__Output } from './herald/internal/v1/Heartbeat.js';
import type { HeartbeatResponse as _herald_internal_v1_HeartbeatResponse, HeartbeatResponse__Output as _herald_internal_v1_HeartbeatResponse__Output } from './herald/internal/v1/HeartbeatResponse.js';
import type { InstallSnapshot as _herald_internal_v1_InstallSnapshot, InstallSnapshot__Output as _herald_internal_v1_InstallSnapshot__Output } from './herald/internal/v1/InstallSnapshot.js';
import type { Membership as _herald_internal_v1_Membership, Membership__Output as _herald_internal_v1_Membership__Output } from './herald/internal/v1/Membership.js';
import type { RaftMessage as _herald_internal_v1_RaftMessage, RaftMessage__Output as _herald_internal_v1_RaftMessage__Output } from './herald/internal/v1/RaftMessage.js';
import type { RaftTransportClient as _herald_internal_v1_RaftTransportClient, RaftTransportDefinition as _herald_internal_v1_RaftTransportDefinition } from './herald/internal/v1/RaftTransport.js';
import type { ReplicaState as _herald_internal_v1_ReplicaState, ReplicaState__Output as _herald_internal_v1_ReplicaState__Output } from './herald/internal/v1/ReplicaState.js';
import type { Snapshot as _herald_internal_v1_Snapshot, Snapshot__Output as _herald_internal_v1_Snapshot__Output } from './herald/internal/v1/Snapshot.js';
import type { SnapshotMeta as _herald_internal_v1_SnapshotMeta, SnapshotMeta__Output as _herald_internal_v1_SnapshotMeta__Output } from './herald/internal/v1/SnapshotMeta.js';
import type { TimeoutNow as _herald_internal_v1_TimeoutNow, TimeoutNow__Output as _herald_internal_v1_TimeoutNow__Output } from './herald/internal/v1/TimeoutNow.js';
import type { Vote as _herald_internal_v1_Vote, Vote__Output as _herald_internal_v1_Vote__Output } from './herald/internal/v1/Vote.js';
import type { VoteResponse as _herald_internal_v1_VoteResponse, VoteResponse__Output as _herald_internal_v1_VoteResponse__Output } from './herald/internal/v1/VoteResponse.js';
import type { WriteTxnMarkerRequest as _herald_internal_v1_WriteTxnMarkerRequest, WriteTxnMarkerRequest__Output as _herald_internal_v1_WriteTxnMarkerRequest__Output } from './herald/internal/v1/WriteTxnMarkerRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  herald: {
    internal: {
      v1: {
        Append: MessageTypeDefinition<_herald_internal_v1_Append, _herald_internal_v1_Append__Output>
        AppendResponse: MessageTypeDefinition<_herald_internal_v1_AppendResponse, _herald_internal_v1_AppendResponse__Output>
        DescribeReplicasRequest: MessageTypeDefinition<_herald_internal_v1_DescribeReplicasRequest, _herald_internal_v1_DescribeReplicasRequest__Output>
        DescribeReplicasResponse: MessageTypeDefinition<_herald_internal_v1_DescribeReplicasResponse, _herald_internal_v1_DescribeReplicasResponse__Output>
        Empty: MessageTypeDefinition<_herald_internal_v1_Empty, _herald_internal_v1_Empty__Output>
        Entry: MessageTypeDefinition<_herald_internal_v1_Entry, _herald_internal_v1_Entry__Output>
        EntryType: EnumTypeDefinition
        Frame: MessageTypeDefinition<_herald_internal_v1_Frame, _herald_internal_v1_Frame__Output>
        GroupMessage: MessageTypeDefinition<_herald_internal_v1_GroupMessage, _herald_internal_v1_GroupMessage__Output>
        Heartbeat: MessageTypeDefinition<_herald_internal_v1_Heartbeat, _herald_internal_v1_Heartbeat__Output>
        HeartbeatResponse: MessageTypeDefinition<_herald_internal_v1_HeartbeatResponse, _herald_internal_v1_HeartbeatResponse__Output>
        InstallSnapshot: MessageTypeDefinition<_herald_internal_v1_InstallSnapshot, _herald_internal_v1_InstallSnapshot__Output>
        Membership: MessageTypeDefinition<_herald_internal_v1_Membership, _herald_internal_v1_Membership__Output>
        RaftMessage: MessageTypeDefinition<_herald_internal_v1_RaftMessage, _herald_internal_v1_RaftMessage__Output>
        /**
         * One client stream per ordered pair of nodes: the sender opens it to the receiver and writes
         * one Frame per host turn, carrying every message of every Raft group for that receiver.
         */
        RaftTransport: SubtypeConstructor<typeof grpc.Client, _herald_internal_v1_RaftTransportClient> & { service: _herald_internal_v1_RaftTransportDefinition }
        ReplicaState: MessageTypeDefinition<_herald_internal_v1_ReplicaState, _herald_internal_v1_ReplicaState__Output>
        Snapshot: MessageTypeDefinition<_herald_internal_v1_Snapshot, _herald_internal_v1_Snapshot__Output>
        SnapshotMeta: MessageTypeDefinition<_herald_internal_v1_SnapshotMeta, _herald_internal_v1_SnapshotMeta__Output>
        TimeoutNow: MessageTypeDefinition<_herald_internal_v1_TimeoutNow, _herald_internal_v1_TimeoutNow__Output>
        Vote: MessageTypeDefinition<_herald_internal_v1_Vote, _herald_internal_v1_Vote__Output>
        VoteResponse: MessageTypeDefinition<_herald_internal_v1_VoteResponse, _herald_internal_v1_VoteResponse__Output>
        WriteTxnMarkerRequest: MessageTypeDefinition<_herald_internal_v1_WriteTxnMarkerRequest, _herald_internal_v1_WriteTxnMarkerRequest__Output>
      }
    }
  }
}

