import { z } from 'zod';
import type { GroupCommand } from '../consumer-groups/group-state.js';
import type { MetaCommand } from './meta-state.js';

// The meta group's commands as they are decoded from its log: every committed entry is checked
// against these before it is applied (store-format.ts decodeCommand). The compile-time checks
// below keep the schemas and the TypeScript types of meta-state.ts and group-state.ts equal.

const nodeId = z.number().int().positive();
const count = z.number().int().nonnegative();
const name = z.string().min(1);

const topicPartitions = z.object({ topic: name, partitions: z.array(count).readonly() }).readonly();
const member = z
  .object({
    memberId: name,
    clientId: z.string(),
    clientHost: z.string(),
    topics: z.array(name).readonly(),
    strategies: z.array(name).readonly(),
    sessionTimeoutMs: count,
    rebalanceTimeoutMs: count,
    assignment: z.array(topicPartitions).readonly(),
  })
  .readonly();
const offsetToCommit = z.object({ topic: name, partition: count, offset: count, metadata: z.string() }).readonly();

const groupCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('GroupRebalanced'), group: name, generation: count, strategy: z.string(), members: z.array(member).readonly() }).readonly(),
  z
    .object({ type: z.literal('CommitOffsets'), group: name, memberId: z.string(), generation: count, offsets: z.array(offsetToCommit).readonly(), timestampMs: z.number().int() })
    .readonly(),
  z.object({ type: z.literal('ResetOffsets'), group: name, offsets: z.array(offsetToCommit).readonly(), timestampMs: z.number().int() }).readonly(),
  z.object({ type: z.literal('DeleteGroup'), group: name }).readonly(),
]);

/** Every command of the meta group's log. */
export const metaCommandSchema = z.union([
  z.discriminatedUnion('type', [
    z
      .object({
        type: z.literal('CreateTopic'),
        name,
        partitions: z.array(z.object({ partition: count, replicas: z.array(nodeId).min(1).readonly() }).readonly()).readonly(),
        configs: z.record(z.string(), z.string()).readonly(),
      })
      .readonly(),
    z.object({ type: z.literal('DeleteTopic'), name }).readonly(),
  ]),
  groupCommandSchema,
]);

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const metaSchemaMatches: Same<z.infer<typeof metaCommandSchema>, MetaCommand> = true;
const groupSchemaMatches: Same<z.infer<typeof groupCommandSchema>, GroupCommand> = true;
void metaSchemaMatches;
void groupSchemaMatches;
