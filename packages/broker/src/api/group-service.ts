import type * as grpc from '@grpc/grpc-js';
import { invalidArgument } from '@herald/protocol';
import type { Logger } from 'pino';
import { assignorNames, assignorNamed, type TopicPartitions } from '../consumer-groups/assignors.js';
import { ResetPosition, type CommittedOffsetView } from '../consumer-groups/coordinator.js';
import type { OffsetToCommit } from '../consumer-groups/group-state.js';
import {
  GROUP_CLIENT_ID_BYTES_MAX,
  GROUP_MEMBER_ID_BYTES_MAX,
  GROUP_OFFSET_METADATA_BYTES_MAX,
  GROUP_OFFSETS_MAX,
  GROUP_REBALANCE_TIMEOUT_DEFAULT_MS,
  GROUP_REBALANCE_TIMEOUT_MAX_MS,
  GROUP_SESSION_TIMEOUT_DEFAULT_MS,
  GROUP_TOPICS_MAX,
} from '../limits.js';
import type { HeraldNode } from '../node.js';
import { partitionId, unary } from './services.js';
import { intInRange, topicName } from './validate.js';

// Request shapes as proto-loader delivers them (defaults filled, longs as numbers, enums as
// strings). Nothing here is trusted: every field is checked before the coordinator sees it.
interface JoinGroupRequest {
  group: string;
  memberId: string;
  clientId: string;
  topics: string[];
  strategies: string[];
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
}
interface MemberRequest { group: string; memberId: string; generation: number }
interface CommitOffsetsRequest { group: string; memberId: string; generation: number; offsets: { topic: string; partition: number; offset: number; metadata: string }[] }
interface ResetOffsetsRequest { group: string; topic: string; partitions: number[]; position: string; offset: number; timestampMs: number; shift: number; dryRun: boolean }

/** Group names follow topic names (Kafka's rule for topics; group ids are stricter here so that
 *  they stay safe in logs, metrics labels and shells). */
export function groupName(value: unknown, field = 'group', kind = 'group'): string {
  if (typeof value !== 'string' || value.length === 0) throw invalidArgument(field, `a ${kind} name is required`);
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(value)) throw invalidArgument(field, `"${value.slice(0, 300)}" is not a valid ${kind} name (1 to 249 characters of a-z, A-Z, 0-9, ".", "_", "-")`);
  return value;
}

function text(value: unknown, field: string, maxBytes: number): string {
  if (typeof value !== 'string') throw invalidArgument(field, 'must be a string');
  if (Buffer.byteLength(value) > maxBytes) throw invalidArgument(field, `must be at most ${maxBytes} bytes`);
  return value;
}

function memberId(value: unknown, field = 'member_id'): string {
  return text(value, field, GROUP_MEMBER_ID_BYTES_MAX);
}

function generation(value: unknown): number {
  return intInRange(value, 'generation', 0, Number.MAX_SAFE_INTEGER);
}

const resetPositions: Record<string, ResetPosition> = {
  RESET_POSITION_EARLIEST: ResetPosition.Earliest,
  RESET_POSITION_LATEST: ResetPosition.Latest,
  RESET_POSITION_OFFSET: ResetPosition.Offset,
  RESET_POSITION_TIMESTAMP: ResetPosition.Timestamp,
  RESET_POSITION_SHIFT: ResetPosition.Shift,
};

const toWireOffset = (o: CommittedOffsetView) => ({ topic: o.topic, partition: o.partition, offset: o.offset, metadata: o.metadata, commitTimestampMs: o.commitTimestampMs });
const toWireAssignment = (assignment: readonly TopicPartitions[]) => assignment.map((tp) => ({ topic: tp.topic, partitions: [...tp.partitions] }));

/** The client address a call came from, without the scheme gRPC puts in front. */
function peerHost(call: grpc.ServerUnaryCall<unknown, unknown>): string {
  return call.getPeer().replace(/^ipv[46]:/, '');
}

export function groupService(node: HeraldNode, log: Logger): grpc.UntypedServiceImplementation {
  const coordinator = () => node.groups;
  return {
    joinGroup: unary(node, log, 'JoinGroup', async (req: JoinGroupRequest, call, ctx) => {
      const group = groupName(req.group);
      ctx.authorize('read', 'group', group);
      const id = memberId(req.memberId);
      const clientId = text(req.clientId, 'client_id', GROUP_CLIENT_ID_BYTES_MAX);
      if (!Array.isArray(req.topics) || req.topics.length === 0) throw invalidArgument('topics', 'at least one topic is required');
      if (req.topics.length > GROUP_TOPICS_MAX) throw invalidArgument('topics', `at most ${GROUP_TOPICS_MAX} topics`);
      const topics = [...new Set(req.topics.map((t, i) => topicName(t, `topics[${i}]`)))];
      for (const topic of topics) ctx.authorize('read', 'topic', topic);
      const strategies = req.strategies.length === 0 ? ['range'] : req.strategies.map((s, i) => {
        if (typeof s !== 'string' || assignorNamed(s) === undefined) throw invalidArgument(`strategies[${i}]`, `unknown strategy "${String(s).slice(0, 100)}" (known: ${assignorNames().join(', ')})`);
        return s;
      });
      const bounds = coordinator().sessionTimeoutBounds;
      const defaultSession = Math.min(Math.max(GROUP_SESSION_TIMEOUT_DEFAULT_MS, bounds.min), bounds.max);
      const sessionTimeoutMs = intInRange(req.sessionTimeoutMs, 'session_timeout_ms', bounds.min, bounds.max, defaultSession);
      const rebalanceTimeoutMs = intInRange(req.rebalanceTimeoutMs, 'rebalance_timeout_ms', 1, GROUP_REBALANCE_TIMEOUT_MAX_MS, GROUP_REBALANCE_TIMEOUT_DEFAULT_MS);
      const abort = new AbortController();
      call.on('cancelled', () => abort.abort());
      const result = await coordinator().join(
        { group, memberId: id, clientId, clientHost: peerHost(call), topics, strategies: [...new Set(strategies)], sessionTimeoutMs, rebalanceTimeoutMs },
        abort.signal,
      );
      return { ...result, assignment: toWireAssignment(result.assignment) };
    }),

    heartbeat: unary(node, log, 'Heartbeat', async (req: MemberRequest, _call, ctx) => {
      const group = groupName(req.group);
      ctx.authorize('read', 'group', group);
      coordinator().heartbeat(group, memberId(req.memberId), generation(req.generation));
      return {};
    }),

    leaveGroup: unary(node, log, 'LeaveGroup', async (req: MemberRequest, _call, ctx) => {
      const group = groupName(req.group);
      ctx.authorize('read', 'group', group);
      const id = memberId(req.memberId);
      if (id === '') throw invalidArgument('member_id', 'the member id is required');
      await coordinator().leave(group, id);
      return {};
    }),

    commitOffsets: unary(node, log, 'CommitOffsets', async (req: CommitOffsetsRequest, _call, ctx) => {
      const group = groupName(req.group);
      ctx.authorize('read', 'group', group);
      const id = memberId(req.memberId);
      const gen = generation(req.generation);
      if ((id === '') !== (gen === 0)) throw invalidArgument(id === '' ? 'member_id' : 'generation', 'a member commits with both its member_id and generation; a standalone consumer with neither');
      if (!Array.isArray(req.offsets) || req.offsets.length === 0) throw invalidArgument('offsets', 'at least one offset is required');
      if (req.offsets.length > GROUP_OFFSETS_MAX) throw invalidArgument('offsets', `at most ${GROUP_OFFSETS_MAX} offsets per commit`);
      const seen = new Set<string>();
      const offsets: OffsetToCommit[] = req.offsets.map((o, i) => {
        const topic = topicName(o.topic, `offsets[${i}].topic`);
        const partition = partitionId(o.partition, `offsets[${i}].partition`);
        const offset = intInRange(o.offset, `offsets[${i}].offset`, 0, Number.MAX_SAFE_INTEGER);
        const metadata = text(o.metadata, `offsets[${i}].metadata`, GROUP_OFFSET_METADATA_BYTES_MAX);
        if (seen.has(`${topic}/${partition}`)) throw invalidArgument(`offsets[${i}]`, `${topic}/${partition} appears twice`);
        seen.add(`${topic}/${partition}`);
        ctx.authorize('read', 'topic', topic);
        return { topic, partition, offset, metadata };
      });
      await coordinator().commit(group, id, gen, offsets);
      return {};
    }),

    fetchOffsets: unary(node, log, 'FetchOffsets', async (req: { group: string; topics: string[] }, _call, ctx) => {
      const group = groupName(req.group);
      ctx.authorize('describe', 'group', group);
      const topics = req.topics.map((t, i) => topicName(t, `topics[${i}]`));
      return { offsets: coordinator().fetchOffsets(group, topics).map(toWireOffset) };
    }),

    listGroups: unary(node, log, 'ListGroups', async (_req: object, _call, ctx) => ({ groups: coordinator().list().filter((g) => ctx.allows('describe', 'group', g.group)) })),

    describeGroup: unary(node, log, 'DescribeGroup', async (req: { group: string }, _call, ctx) => {
      const group = groupName(req.group);
      ctx.authorize('describe', 'group', group);
      const d = await coordinator().describe(group);
      return {
        group: d.group,
        state: d.state,
        generation: d.generation,
        strategy: d.strategy,
        coordinatorId: d.coordinatorId,
        members: d.members.map((m) => ({
          memberId: m.memberId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          topics: m.topics,
          assignment: toWireAssignment(m.assignment),
          sessionTimeoutMs: m.sessionTimeoutMs,
          lastHeartbeatAgoMs: Math.min(m.lastHeartbeatAgoMs, 0xffffffff),
        })),
        partitions: d.partitions,
      };
    }),

    resetOffsets: unary(node, log, 'ResetOffsets', async (req: ResetOffsetsRequest, _call, ctx) => {
      const group = groupName(req.group);
      const topic = topicName(req.topic);
      ctx.authorize('read', 'group', group);
      ctx.authorize('read', 'topic', topic);
      const position = resetPositions[req.position];
      if (position === undefined) throw invalidArgument('position', `must be one of ${Object.keys(resetPositions).join(', ')} (got ${String(req.position)})`);
      const partitions = req.partitions.map((p, i) => partitionId(p, `partitions[${i}]`));
      const offset = position === ResetPosition.Offset ? intInRange(req.offset, 'offset', 0, Number.MAX_SAFE_INTEGER) : 0;
      const timestampMs = position === ResetPosition.Timestamp ? intInRange(req.timestampMs, 'timestamp_ms', 0, Number.MAX_SAFE_INTEGER) : 0;
      const shift = position === ResetPosition.Shift ? intInRange(req.shift, 'shift', -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) : 0;
      if (typeof req.dryRun !== 'boolean') throw invalidArgument('dry_run', 'must be a boolean');
      const offsets = await coordinator().reset({ group, topic, partitions, position, offset, timestampMs, shift, dryRun: req.dryRun });
      return { offsets: offsets.map(toWireOffset) };
    }),

    deleteGroup: unary(node, log, 'DeleteGroup', async (req: { group: string }, _call, ctx) => {
      const group = groupName(req.group);
      ctx.authorize('delete', 'group', group);
      await coordinator().deleteGroup(group);
      return {};
    }),
  };
}
