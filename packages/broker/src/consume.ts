import { fencedGeneration, HeraldError, offsetOutOfRange } from '@herald/protocol';
import type { HeraldNode } from './node.js';
import { Isolation, type FetchResult } from './partition/partition-log.js';
import type { Partition } from './partition/partition.js';

/** Where a read starts. */
export type StartPosition =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'latest' }
  | { readonly kind: 'offset'; readonly offset: number }
  | { readonly kind: 'timestamp'; readonly timestampMs: number };

/** A consumer-group member's read names its group, member id and generation. */
export interface GroupMemberRead {
  readonly group: string;
  readonly memberId: string;
  readonly generation: number;
}

export interface FetchRequest {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly maxBytes: number;
  /** Long poll: how long to wait for a record at `offset` when there is none yet. */
  readonly maxWaitMs: number;
  /** Set when a consumer-group member reads: fenced once a newer generation owns the partition. */
  readonly member?: GroupMemberRead;
  /** Read committed by default (below the last stable offset, aborted batches left out). */
  readonly isolation?: Isolation;
  readonly signal?: AbortSignal;
}

/** Refuses a read below the log start or above the high watermark. */
export function checkOffset(partition: Partition, offset: number): void {
  const { logStartOffset, highWatermark } = partition.log;
  if (offset < logStartOffset || offset > highWatermark) throw offsetOutOfRange(offset, logStartOffset, highWatermark);
}

/** The offset a read starting at `position` starts at: 'latest' is the last stable offset of a
 *  read-committed reader (so that it sees a transaction open below the high watermark whole once
 *  it commits, as Kafka's read_committed consumers do), the high watermark otherwise. */
export function startOffset(partition: Partition, position: StartPosition, isolation: Isolation = Isolation.ReadCommitted): number {
  switch (position.kind) {
    case 'earliest':
      return partition.log.logStartOffset;
    case 'latest':
      return isolation === Isolation.ReadCommitted ? partition.log.lastStableOffset : partition.log.highWatermark;
    case 'offset':
      checkOffset(partition, position.offset);
      return position.offset;
    case 'timestamp':
      return partition.log.offsetForTimestamp(position.timestampMs);
  }
}

/**
 * Fences a consumer-group member's read: refused with FencedGeneration once a newer generation
 * of its group took the partition, as far as this node's copy of the metadata knows. A node
 * whose copy lags (it knows an older generation, or not the group) lets the read through.
 */
export function checkMember(node: HeraldNode, member: GroupMemberRead | undefined, partition: Partition): void {
  if (member === undefined) return;
  const group = node.meta.state.groups.get(member.group);
  if (group === undefined || member.generation > group.generation) return;
  if (member.generation < group.generation) throw fencedGeneration(member.group, member.generation, group.generation);
  const record = group.members.find((m) => m.memberId === member.memberId);
  const { topic, partition: id } = partition.settings;
  if (record?.assignment.some((tp) => tp.topic === topic && tp.partitions.includes(id)) !== true) {
    throw new HeraldError('FencedGeneration', `member "${member.memberId.slice(0, 200)}" does not own ${partition.name} in generation ${member.generation} of consumer group "${member.group}"; join again`);
  }
}

/** Counts what a read served, in the fetch metrics. */
export function countFetched(node: HeraldNode, topic: string, result: FetchResult): void {
  let bytes = 0;
  let records = 0;
  for (const b of result.batches) {
    bytes += b.bytes.byteLength;
    records += b.recordCount;
  }
  node.metrics.fetchedBytes.inc({ topic }, bytes);
  node.metrics.fetchedRecords.inc({ topic }, records);
}

/** Committed batches from an offset, at any replica (of committed records only: below its high
 *  watermark; read committed, below its last stable offset), waiting up to maxWaitMs for the
 *  first when there is none yet. */
export async function fetch(node: HeraldNode, request: FetchRequest): Promise<FetchResult> {
  const { partition } = node.partition(request.topic, request.partition);
  const isolation = request.isolation ?? Isolation.ReadCommitted;
  checkMember(node, request.member, partition);
  checkOffset(partition, request.offset);
  await partition.log.waitForData(request.offset, Math.min(request.maxWaitMs, node.config.limits.fetchMaxWaitMs), request.signal, isolation);
  const result = partition.log.fetch(request.offset, request.maxBytes, isolation);
  countFetched(node, request.topic, result);
  return result;
}
