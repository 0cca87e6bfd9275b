// The consumer-group messages: membership (JoinGroup, SyncGroup, Heartbeat, LeaveGroup),
// offsets (OffsetCommit, OffsetFetch) and inspection (ListGroups, DescribeGroups). Field
// layouts from Kafka's message definitions of the same names, up to the versions served.

import { array, bool, bytes, field, int16, int32, int64, nullableArray, nullableString, string, struct } from '../codec/schema.js';
import { AUTHORIZED_OPERATIONS_OMITTED } from './cluster.js';
import { partitionError, topicsOf } from './common.js';

/** JoinGroup request: a member joins a group, offering its protocols and their metadata. */
export const JoinGroupRequest = struct({
  groupId: field(string, '0+'),
  sessionTimeoutMs: field(int32, '0+'),
  rebalanceTimeoutMs: field(int32, '1+', { default: -1 }),
  memberId: field(string, '0+'),
  groupInstanceId: field(nullableString, '5+'),
  protocolType: field(string, '0+'),
  protocols: field(array(struct({ name: field(string, '0+'), metadata: field(bytes, '0+') })), '0+'),
});

/** JoinGroup response: the member's generation, id and chosen protocol. */
export const JoinGroupResponse = struct({
  throttleTimeMs: field(int32, '2+'),
  errorCode: field(int16, '0+'),
  generationId: field(int32, '0+', { default: -1 }),
  protocolName: field(string, '0+'),
  leader: field(string, '0+'),
  memberId: field(string, '0+'),
  members: field(
    array(struct({ memberId: field(string, '0+'), groupInstanceId: field(nullableString, '5+'), metadata: field(bytes, '0+') })),
    '0+',
  ),
});

/** SyncGroup request: a member asks for its assignment (a leader also sends everyone's). */
export const SyncGroupRequest = struct({
  groupId: field(string, '0+'),
  generationId: field(int32, '0+'),
  memberId: field(string, '0+'),
  groupInstanceId: field(nullableString, '3+'),
  assignments: field(array(struct({ memberId: field(string, '0+'), assignment: field(bytes, '0+') })), '0+'),
});

/** SyncGroup response: the member's assignment. */
export const SyncGroupResponse = struct({
  throttleTimeMs: field(int32, '1+'),
  errorCode: field(int16, '0+'),
  assignment: field(bytes, '0+'),
});

/** Heartbeat request: a member says it is alive in its generation. */
export const HeartbeatRequest = struct({
  groupId: field(string, '0+'),
  generationId: field(int32, '0+'),
  memberId: field(string, '0+'),
  groupInstanceId: field(nullableString, '3+'),
});

/** Heartbeat response: an error code, REBALANCE_IN_PROGRESS when it must rejoin. */
export const HeartbeatResponse = struct({
  throttleTimeMs: field(int32, '1+'),
  errorCode: field(int16, '0+'),
});

/** LeaveGroup request: one member (v0-2) or several (v3+) leave a group. */
export const LeaveGroupRequest = struct({
  groupId: field(string, '0+'),
  memberId: field(string, '0-2'),
  members: field(array(struct({ memberId: field(string, '3+'), groupInstanceId: field(nullableString, '3+') })), '3+'),
});

/** LeaveGroup response: a result per member (v3+). */
export const LeaveGroupResponse = struct({
  throttleTimeMs: field(int32, '1+'),
  errorCode: field(int16, '0+'),
  members: field(
    array(struct({ memberId: field(string, '3+'), groupInstanceId: field(nullableString, '3+'), errorCode: field(int16, '3+') })),
    '3+',
  ),
});

/** OffsetCommit request: a group commits offsets, as a member of a generation or standalone. */
export const OffsetCommitRequest = struct({
  groupId: field(string, '0+'),
  generationIdOrMemberEpoch: field(int32, '1+', { default: -1 }),
  memberId: field(string, '1+'),
  groupInstanceId: field(nullableString, '7+'),
  retentionTimeMs: field(int64, '2-4', { default: -1 }),
  topics: field(
    topicsOf(
      struct({
        partitionIndex: field(int32, '0+'),
        committedOffset: field(int64, '0+'),
        committedLeaderEpoch: field(int32, '6+', { default: -1 }),
        commitTimestamp: field(int64, '1', { default: -1 }),
        committedMetadata: field(nullableString, '0+'),
      }),
    ),
    '0+',
  ),
});

/** OffsetCommit response: an error code per partition. */
export const OffsetCommitResponse = struct({
  throttleTimeMs: field(int32, '3+'),
  topics: field(topicsOf(partitionError), '0+'),
});

/** OffsetFetch request: a group's committed offsets for some partitions (null: all, v2+). */
export const OffsetFetchRequest = struct({
  groupId: field(string, '0+'),
  // v0-1: every topic must be named; v2+: null asks for every topic with a committed offset.
  topics: field(nullableArray(struct({ name: field(string, '0+'), partitionIndexes: field(array(int32), '0+') })), '0+', { nullable: '2+' }),
  requireStable: field(bool, '7+'),
});

/** OffsetFetch response: the committed offsets, -1 where none. */
export const OffsetFetchResponse = struct({
  throttleTimeMs: field(int32, '3+'),
  topics: field(
    topicsOf(
      struct({
        partitionIndex: field(int32, '0+'),
        committedOffset: field(int64, '0+'),
        committedLeaderEpoch: field(int32, '5+', { default: -1 }),
        metadata: field(nullableString, '0+'),
        errorCode: field(int16, '0+'),
      }),
    ),
    '0+',
  ),
  errorCode: field(int16, '2+'),
});

/** ListGroups request: every group this coordinator knows. */
export const ListGroupsRequest = struct({});

/** ListGroups response: group ids and protocol types. */
export const ListGroupsResponse = struct({
  throttleTimeMs: field(int32, '1+'),
  errorCode: field(int16, '0+'),
  groups: field(array(struct({ groupId: field(string, '0+'), protocolType: field(string, '0+') })), '0+'),
});

/** DescribeGroups request: groups to describe. */
export const DescribeGroupsRequest = struct({
  groups: field(array(string), '0+'),
  includeAuthorizedOperations: field(bool, '3+'),
});

/** DescribeGroups response: each group's state, protocol and members. */
export const DescribeGroupsResponse = struct({
  throttleTimeMs: field(int32, '1+'),
  groups: field(
    array(
      struct({
        errorCode: field(int16, '0+'),
        groupId: field(string, '0+'),
        groupState: field(string, '0+'),
        protocolType: field(string, '0+'),
        protocolData: field(string, '0+'),
        members: field(
          array(
            struct({
              memberId: field(string, '0+'),
              groupInstanceId: field(nullableString, '4+'),
              clientId: field(string, '0+'),
              clientHost: field(string, '0+'),
              memberMetadata: field(bytes, '0+'),
              memberAssignment: field(bytes, '0+'),
            }),
          ),
          '0+',
        ),
        authorizedOperations: field(int32, '3+', { default: AUTHORIZED_OPERATIONS_OMITTED }),
      }),
    ),
    '0+',
  ),
});
