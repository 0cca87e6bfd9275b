import { z } from 'zod';
import type { QueueCommand } from '../queue/queue-state.js';
import type { HalfCommand } from '../transactions/half-state.js';
import { txnBeginSchema, type TxnBeginCommand } from '../transactions/txn-partition.js';

/** A command of the partition log other than a record batch (its entry's kind byte is
 *  EntryKind.PartitionCommand, store-format.ts). */
export type PartitionCommand =
  /** Moves the log start up (retention.ms, retention.bytes, DeleteRecords). The leader decides
   *  the offset; every replica applies the same command, so every replica agrees. */
  | { readonly type: 'Trim'; readonly logStartOffset: number }
  | QueueCommand
  | HalfCommand
  | TxnBeginCommand;

const offset = z.number().int().nonnegative();
const name = z.string().min(1);
const time = z.number().int();
const receipts = z.array(z.tuple([offset, z.number().int().positive()]).readonly()).readonly();

/** Every command of a partition's log, as decoded from it (store-format.ts decodeCommand). */
export const partitionCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Trim'), logStartOffset: offset }).readonly(),
  z
    .object({ type: z.literal('QueueLease'), sub: name, start: offset, orderedByKey: z.boolean(), nowMs: time, untilMs: time, member: z.string(), offsets: z.array(offset).readonly() })
    .readonly(),
  z.object({ type: z.literal('QueueAck'), sub: name, receipts }).readonly(),
  z.object({ type: z.literal('QueueNack'), sub: name, receipts, nowMs: time, delayMs: z.number().int().nonnegative(), reject: z.boolean() }).readonly(),
  z.object({ type: z.literal('QueueExtend'), sub: name, receipts, nowMs: time, untilMs: time }).readonly(),
  z.object({ type: z.literal('QueueDeadLettered'), sub: name, receipts }).readonly(),
  z.object({ type: z.literal('QueueDelete'), sub: name }).readonly(),
  z.object({ type: z.literal('HalfCheck'), ids: z.array(name).readonly(), nowMs: time }).readonly(),
  z.object({ type: z.literal('HalfEnd'), id: name, commit: z.boolean(), by: z.enum(['producer', 'check', 'check-max']), nowMs: time }).readonly(),
  txnBeginSchema,
]);

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatches: Same<z.infer<typeof partitionCommandSchema>, PartitionCommand> = true;
void schemaMatches;
