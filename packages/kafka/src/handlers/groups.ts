// The consumer-group APIs over Herald's coordinator.
//
// Kafka clients run the assignor in a member they call the leader and carry opaque bytes
// through the broker (JoinGroup metadata, SyncGroup assignments); Herald's coordinator computes
// assignments itself in one JoinGroup round trip. The listener bridges the two for protocol type
// "consumer" (the only one Kafka consumers use):
//
// - JoinGroup: the subscribed topics are read from the member's metadata
//   (ConsumerProtocolSubscription); its assignor names map to Herald strategies; the
//   coordinator's join answers once the rebalance completes. The response names no member as
//   leader (leader ""), so every client acts as a follower and runs no assignor, and it names
//   the client's protocol that matches the coordinator's strategy.
// - SyncGroup: whatever assignments a client sends are ignored; each member gets the
//   coordinator's assignment for it, encoded as a ConsumerProtocolAssignment.
// - Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, ListGroups, DescribeGroups map one to one.
//
// So a Kafka group is a Herald group: same members, generations, assignments and offsets, and
// Herald SDK members may share it. Static membership (group.instance.id) is not served: such
// members are treated as dynamic ones.

import { isHeraldError } from '@herald/protocol';
import type { CommittedOffset, GroupDescription } from '../backend.js';
import { CONSUMER_PROTOCOL_TYPE, decodeSubscriptionTopics, encodeAssignment, encodeSubscription } from '../consumer-protocol.js';
import { ErrorCode, KafkaProtocolError, Scope } from '../errors.js';
import { refusal, type Handler, type HandlerContext } from './context.js';

/** Kafka assignor names (Java, librdkafka, kafkajs) → Herald strategies. Herald's coordinator
 *  rebalances eagerly, so the cooperative assignor maps to the eager sticky one; a client that
 *  offers both gets the eager one named back. */
const STRATEGY_BY_PROTOCOL: ReadonlyMap<string, string> = new Map([
  ['range', 'range'],
  ['roundrobin', 'roundrobin'],
  ['RoundRobinAssigner', 'roundrobin'],
  ['sticky', 'sticky'],
  ['cooperative-sticky', 'sticky'],
]);

const COOPERATIVE = new Set(['cooperative-sticky']);

/** Kafka's generation for "not a member" (OffsetCommit of a consumer that assigns itself). */
const NO_GENERATION = -1;

function codeOf(err: unknown, ctx: HandlerContext, what: string): ErrorCode {
  return refusal(err, ctx, what, Scope.Group).errorCode;
}

function requireGroupId(group: string): void {
  if (group === '') throw new KafkaProtocolError(ErrorCode.InvalidGroupId, 'the group id is empty');
}

/** JoinGroup: a member joins through the coordinator, which computes its assignment. */
export const handleJoinGroup: Handler<'JoinGroup'> = async (request, ctx) => {
  try {
    requireGroupId(request.groupId);
    if (request.protocolType !== CONSUMER_PROTOCOL_TYPE) {
      throw new KafkaProtocolError(ErrorCode.InconsistentGroupProtocol, `protocol type ${JSON.stringify(request.protocolType)} is not served; only "consumer" groups are`);
    }
    const first = request.protocols[0];
    if (first === undefined) throw new KafkaProtocolError(ErrorCode.InconsistentGroupProtocol, 'no protocol offered');
    let topics: string[];
    try {
      topics = decodeSubscriptionTopics(first.metadata);
    } catch (err) {
      throw new KafkaProtocolError(ErrorCode.InconsistentGroupProtocol, `member metadata is not a consumer subscription: ${(err as Error).message}`);
    }
    const strategies = [...new Set(request.protocols.map((p) => STRATEGY_BY_PROTOCOL.get(p.name)).filter((s) => s !== undefined))];
    if (strategies.length === 0) {
      throw new KafkaProtocolError(
        ErrorCode.InconsistentGroupProtocol,
        `none of the assignors ${request.protocols.map((p) => p.name).join(', ')} is served; Herald's coordinator assigns with range, roundrobin or sticky`,
      );
    }
    // Kafka's JoinGroup v0 has no rebalance timeout: the session timeout stands in for it.
    const rebalanceTimeoutMs = request.rebalanceTimeoutMs < 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs;
    const result = await ctx.backend.joinGroup(
      {
        group: request.groupId,
        memberId: request.memberId,
        clientId: ctx.clientId,
        clientHost: ctx.clientHost,
        topics,
        strategies,
        sessionTimeoutMs: request.sessionTimeoutMs,
        rebalanceTimeoutMs,
      },
      ctx,
    );
    const matching = request.protocols.filter((p) => STRATEGY_BY_PROTOCOL.get(p.name) === result.strategy);
    const protocol = matching.find((p) => !COOPERATIVE.has(p.name)) ?? matching[0] ?? first;
    return { generationId: result.generation, protocolName: protocol.name, leader: '', memberId: result.memberId, members: [] };
  } catch (err) {
    return { errorCode: codeOf(err, ctx, 'join group'), generationId: -1, protocolName: '', leader: '', memberId: request.memberId, members: [] };
  }
};

/** SyncGroup: every member receives the assignment the coordinator computed for it. */
export const handleSyncGroup: Handler<'SyncGroup'> = async (request, ctx) => {
  try {
    requireGroupId(request.groupId);
    const assignment = await ctx.backend.groupAssignment(request.groupId, request.memberId, request.generationId, ctx);
    return { assignment: encodeAssignment(assignment) };
  } catch (err) {
    return { errorCode: codeOf(err, ctx, 'sync group'), assignment: new Uint8Array(0) };
  }
};

/** Heartbeat: keeps a member alive; REBALANCE_IN_PROGRESS tells it to join again. */
export const handleHeartbeat: Handler<'Heartbeat'> = async (request, ctx) => {
  try {
    requireGroupId(request.groupId);
    await ctx.backend.heartbeat(request.groupId, request.memberId, request.generationId, ctx);
    return {};
  } catch (err) {
    return { errorCode: codeOf(err, ctx, 'heartbeat') };
  }
};

/** Errors about the group as a whole (where the coordinator is), not about one member. */
const GROUP_LEVEL: ReadonlySet<number> = new Set([ErrorCode.NotCoordinator, ErrorCode.CoordinatorNotAvailable, ErrorCode.InvalidGroupId]);

/** LeaveGroup: one member (v0-2) or several (v3+, KIP-345). */
export const handleLeaveGroup: Handler<'LeaveGroup'> = async (request, ctx) => {
  const memberIds = ctx.version >= 3 ? request.members.map((m) => m.memberId) : [request.memberId];
  const members: { memberId: string; groupInstanceId: string | null; errorCode: ErrorCode }[] = [];
  for (const memberId of memberIds) {
    try {
      requireGroupId(request.groupId);
      await ctx.backend.leaveGroup(request.groupId, memberId, ctx);
      members.push({ memberId, groupInstanceId: null, errorCode: ErrorCode.None });
    } catch (err) {
      members.push({ memberId, groupInstanceId: null, errorCode: codeOf(err, ctx, 'leave group') });
    }
  }
  const groupLevel = members.find((m) => GROUP_LEVEL.has(m.errorCode));
  if (ctx.version < 3) return { errorCode: members[0]?.errorCode ?? ErrorCode.None };
  return { errorCode: groupLevel?.errorCode ?? ErrorCode.None, members: groupLevel === undefined ? members : [] };
};

/** OffsetCommit: all partitions commit together (Herald commits all or none), so a refusal
 *  is every partition's. Generation -1 with no member id is a consumer that assigns itself. */
export const handleOffsetCommit: Handler<'OffsetCommit'> = async (request, ctx) => {
  let errorCode: ErrorCode = ErrorCode.None;
  try {
    requireGroupId(request.groupId);
    const standalone = request.generationIdOrMemberEpoch === NO_GENERATION && request.memberId === '';
    const offsets = request.topics.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.committedMetadata ?? '' })),
    );
    await ctx.backend.commitOffsets(request.groupId, standalone ? '' : request.memberId, standalone ? 0 : request.generationIdOrMemberEpoch, offsets, ctx);
  } catch (err) {
    errorCode = codeOf(err, ctx, 'offset commit');
  }
  return { topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })) };
};

/** OffsetFetch: -1 for partitions without a committed offset (and for a group that does not
 *  exist, as Kafka answers); null topics (v2+) lists every committed offset. */
export const handleOffsetFetch: Handler<'OffsetFetch'> = async (request, ctx) => {
  const names = request.topics === null ? null : request.topics.map((t) => t.name);
  let committed: readonly CommittedOffset[] = [];
  try {
    requireGroupId(request.groupId);
    committed = await ctx.backend.fetchOffsets(request.groupId, names, ctx);
  } catch (err) {
    const notFound = isHeraldError(err) && err.reason === 'GroupNotFound';
    if (!notFound) {
      const errorCode = codeOf(err, ctx, 'offset fetch');
      // v0-1 have no top-level error code: the error goes on every partition asked about.
      const topics = (request.topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1, metadata: '', errorCode })) }));
      return { errorCode, topics: ctx.version < 2 ? topics : [] };
    }
  }
  const byKey = new Map(committed.map((c) => [`${c.topic}\u0000${c.partition}`, c]));
  const asked = request.topics ?? groupByTopic(committed);
  return {
    topics: asked.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => {
        const c = byKey.get(`${t.name}\u0000${partitionIndex}`);
        return { partitionIndex, committedOffset: c?.offset ?? -1, metadata: c?.metadata ?? '', errorCode: ErrorCode.None };
      }),
    })),
  };
};

function groupByTopic(offsets: readonly CommittedOffset[]): { name: string; partitionIndexes: number[] }[] {
  const out = new Map<string, number[]>();
  for (const o of offsets) {
    let list = out.get(o.topic);
    if (list === undefined) out.set(o.topic, (list = []));
    list.push(o.partition);
  }
  return [...out].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
}

/** ListGroups: every group, all of protocol type "consumer". */
export const handleListGroups: Handler<'ListGroups'> = async (_request, ctx) => {
  try {
    const groups = await ctx.backend.listGroups(ctx);
    return { groups: groups.map((g) => ({ groupId: g.group, protocolType: CONSUMER_PROTOCOL_TYPE })) };
  } catch (err) {
    return { errorCode: codeOf(err, ctx, 'list groups'), groups: [] };
  }
};

/** DescribeGroups: members with their subscription and assignment in the consumer protocol's
 *  encoding, as admin tools decode them. A group that does not exist is "Dead", as Kafka
 *  answers. */
export const handleDescribeGroups: Handler<'DescribeGroups'> = async (request, ctx) => {
  const groups = [];
  for (const groupId of request.groups) {
    let description: GroupDescription | null = null;
    let errorCode: ErrorCode = ErrorCode.None;
    try {
      requireGroupId(groupId);
      description = await ctx.backend.describeGroup(groupId, ctx);
    } catch (err) {
      const notFound = isHeraldError(err) && err.reason === 'GroupNotFound';
      if (!notFound) errorCode = codeOf(err, ctx, 'describe group');
    }
    if (description === null) {
      groups.push({ errorCode, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [] });
      continue;
    }
    groups.push({
      groupId,
      groupState: description.state,
      protocolType: CONSUMER_PROTOCOL_TYPE,
      protocolData: description.strategy,
      members: description.members.map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: encodeSubscription(m.topics),
        memberAssignment: encodeAssignment(m.assignment),
      })),
    });
  }
  return { groups };
};
