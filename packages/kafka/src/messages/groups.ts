// The consumer-group messages: membership (JoinGroup, SyncGroup, Heartbeat, LeaveGroup),
// offsets (OffsetCommit, OffsetFetch) and inspection (ListGroups, DescribeGroups). Field
// layouts from Kafka's message definitions of the same names, up to the versions served.

import { array, bool, bytes, field, int16, int32, int64, nullableArray, nullableString, string, struct } from '../codec/schema.js';
import { AUTHORIZED_OPERATIONS_OMITTED } from './cluster.js';
import { partitionError, topicsOf } from './common.js';

export const JoinGroupRequest = struct({
  groupId: field(string, '0+'),
  sessionTimeoutMs: field(int32, '0+'),
  rebalanceTimeoutMs: field(int32, '1+', { default: -1 }),
  memberId: field(string, '0+'),
  groupInstanceId: field(nullableString, '5+'),
  protocolType: field(string, '0+'),
  protocols: field(array(struct({ name: field(string, '0+'), metadata: field(bytes, '0+') })), '0+'),
});

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

export const SyncGroupRequest = struct({
  groupId: field(string, '0+'),
  generationId: field(int32, '0+'),
  memberId: field(string, '0+'),
  groupInstanceId: field(nullableString, '3+'),
  assignments: field(array(struct({ memberId: field(string, '0+'), assignment: field(bytes, '0+') })), '0+'),
});

export const SyncGroupResponse = struct({
  throttleTimeMs: field(int32, '1+'),
  errorCode: field(int16, '0+'),
  assignment: field(bytes, '0+'),
});

export const HeartbeatRequest = struct({
  groupId: field(string, '0+'),
  generationId: field(int32, '0+'),
  memberId: field(string, '0+'),
  groupInstanceId: field(nullableString, '3+'),
});

export const HeartbeatResponse = struct({
  throttleTimeMs: field(int32, '1+'),
  errorCode: field(int16, '0+'),
});

export const LeaveGroupRequest = struct({
  groupId: field(string, '0+'),
  memberId: field(string, '0-2'),
  members: field(array(struct({ memberId: field(string, '3+'), groupInstanceId: field(nullableString, '3+') })), '3+'),
});

export const LeaveGroupResponse = struct({
  throttleTimeMs: field(int32, '1+'),
  errorCode: field(int16, '0+'),
  members: field(
    array(struct({ memberId: field(string, '3+'), groupInstanceId: field(nullableString, '3+'), errorCode: field(int16, '3+') })),
    '3+',
  ),
});

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

export const OffsetCommitResponse = struct({
  throttleTimeMs: field(int32, '3+'),
  topics: field(topicsOf(partitionError), '0+'),
});

export const OffsetFetchRequest = struct({
  groupId: field(string, '0+'),
  // v0-1: every topic must be named; v2+: null asks for every topic with a committed offset.
  topics: field(nullableArray(struct({ name: field(string, '0+'), partitionIndexes: field(array(int32), '0+') })), '0+', { nullable: '2+' }),
  requireStable: field(bool, '7+'),
});

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

export const ListGroupsRequest = struct({});

export const ListGroupsResponse = struct({
  throttleTimeMs: field(int32, '1+'),
  errorCode: field(int16, '0+'),
  groups: field(array(struct({ groupId: field(string, '0+'), protocolType: field(string, '0+') })), '0+'),
});

export const DescribeGroupsRequest = struct({
  groups: field(array(string), '0+'),
  includeAuthorizedOperations: field(bool, '3+'),
});

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
