import { z } from 'zod';
import type { GroupCommand } from '../consumer-groups/group-state.js';
import type { MetaCommand } from './meta-state.js';
import type { SecurityCommand } from './security-state.js';

// The meta group's commands as they are decoded from its log: every committed entry is checked
// against these before it is applied (store-format.ts decodeCommand). The compile-time checks
// below keep the schemas and the TypeScript types of meta-state.ts and group-state.ts equal.

const nodeId = z.number().int().positive();
const topicId = z.number().int().positive();
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

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const principal = z.custom<`User:${string}`>((v) => typeof v === 'string' && /^User:(\*|[a-zA-Z0-9._-]{1,249})$/.test(v));
const storedUser = z
  .object({
    name,
    credentials: z
      .array(z.object({ mechanism: z.enum(['SCRAM-SHA-256', 'SCRAM-SHA-512']), salt: base64, iterations: z.number().int().positive(), storedKey: base64, serverKey: base64 }).readonly())
      .readonly(),
  })
  .readonly();
const storedSecret = z.object({ id: z.string().min(1), key: base64 }).readonly();
const aclFields = {
  principal,
  resourceType: z.enum(['topic', 'group', 'queue', 'cluster']),
  patternType: z.enum(['literal', 'prefixed']),
  resourceName: name,
  operation: z.enum(['read', 'write', 'create', 'delete', 'alter', 'describe', 'all']),
  permission: z.enum(['allow', 'deny']),
};
const aclBinding = z.object(aclFields).readonly();
const aclFilter = z.object(aclFields).partial().readonly();
const rate = z.number().positive().optional();

const securityCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('SecurityBootstrap'), secret: storedSecret, users: z.array(storedUser).readonly() }).readonly(),
  z.object({ type: z.literal('CreateUser'), user: storedUser }).readonly(),
  z.object({ type: z.literal('DeleteUser'), name }).readonly(),
  z.object({ type: z.literal('SetUserCredentials'), user: storedUser }).readonly(),
  z.object({ type: z.literal('CreateAcls'), bindings: z.array(aclBinding).readonly() }).readonly(),
  z.object({ type: z.literal('DeleteAcls'), filters: z.array(aclFilter).readonly() }).readonly(),
  z.object({ type: z.literal('SetQuota'), principal, quota: z.object({ produceBytesPerSecond: rate, fetchBytesPerSecond: rate, requestsPerSecond: rate }).readonly() }).readonly(),
  z.object({ type: z.literal('RotateSecret'), secret: storedSecret }).readonly(),
]);

/** Every command of the meta group's log. */
const topicCreation = {
  name,
  partitions: z.array(z.object({ partition: count, replicas: z.array(nodeId).min(1).readonly() }).readonly()).readonly(),
  configs: z.record(z.string(), z.string()).readonly(),
};

const port = z.number().int().min(1).max(65535);
const nodeRecord = z
  .object({ id: nodeId, host: name, clientPort: port, peerPort: port, kafkaHost: name.optional(), kafkaPort: port.optional() })
  .readonly();

export const metaCommandSchema = z.union([
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('CreateTopic'), ...topicCreation }).readonly(),
    z.object({ type: z.literal('CreateTopics'), topics: z.array(z.object(topicCreation).readonly()).readonly() }).readonly(),
    z.object({ type: z.literal('DeleteTopic'), name }).readonly(),
    z.object({ type: z.literal('SeedNodes'), nodes: z.array(nodeRecord).min(1).readonly() }).readonly(),
    z.object({ type: z.literal('AddNode'), node: nodeRecord }).readonly(),
    z.object({ type: z.literal('RemoveNode'), id: nodeId }).readonly(),
    z
      .object({
        type: z.literal('ReassignPartitions'),
        reassignments: z.array(z.object({ topic: name, partition: count, replicas: z.array(nodeId).min(1).readonly() }).readonly()).readonly(),
        throttleBytesPerSecond: count.optional(),
      })
      .readonly(),
    z.object({ type: z.literal('CompleteReassignment'), topicId, partition: count, replicas: z.array(nodeId).min(1).readonly() }).readonly(),
    z.object({ type: z.literal('FinalizeFeatureLevel'), level: z.number().int().min(1) }).readonly(),
  ]),
  groupCommandSchema,
  securityCommandSchema,
]);

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const metaSchemaMatches: Same<z.infer<typeof metaCommandSchema>, MetaCommand> = true;
const groupSchemaMatches: Same<z.infer<typeof groupCommandSchema>, GroupCommand> = true;
const securitySchemaMatches: Same<z.infer<typeof securityCommandSchema>, SecurityCommand> = true;
void metaSchemaMatches;
void groupSchemaMatches;
void securitySchemaMatches;
