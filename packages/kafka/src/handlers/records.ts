// Produce, Fetch, ListOffsets and DeleteRecords over the backend's partitions.

import { Acks, Isolation, OffsetSpec, type FetchResult } from '../backend.js';
import { ErrorCode, KafkaProtocolError } from '../errors.js';
import { ListOffsetsTimestamp } from '../messages/records.js';
import { heraldToKafka, kafkaToHerald, splitBatches } from '../records/translate.js';
import type { ResponseOf } from '../messages/apis.js';
import { CloseConnection, refusal, type Handler, type HandlerContext, type Loose } from './context.js';

/** Kafka's acks: 0 none, 1 the leader, -1 every in-sync replica (the mapping). */
function acksOf(acks: number): Acks | null {
  if (acks === 0) return Acks.None;
  if (acks === 1) return Acks.Leader;
  if (acks === -1) return Acks.All;
  return null;
}

/** The longest a produce waits for its acks, whatever the request asks. */
const PRODUCE_TIMEOUT_MAX_MS = 300_000;

interface PartitionOutcome {
  readonly errorCode: ErrorCode;
  readonly errorMessage: string | null;
  readonly baseOffset: number;
  readonly logStartOffset: number;
}

/**
 * Produce: each partition's Kafka batches become Herald batches and go to the backend. Every
 * partition's call is made before the first await, so pipelined requests reach each partition
 * in request order. With acks=0 nothing is answered, and a failure closes the connection, as
 * Kafka does, so that the producer notices.
 */
export const handleProduce: Handler<'Produce'> = async (request, ctx) => {
  const acks = acksOf(request.acks);
  const timeoutMs = Math.min(Math.max(request.timeoutMs, 0), PRODUCE_TIMEOUT_MAX_MS);
  const pending: { topic: string; partition: number; outcome: Promise<PartitionOutcome> }[] = [];
  for (const topicData of request.topicData) {
    for (const data of topicData.partitionData) {
      const topic = topicData.name;
      const partition = data.index;
      let outcome: Promise<PartitionOutcome>;
      try {
        if (acks === null) throw new KafkaProtocolError(ErrorCode.InvalidRequiredAcks, `acks ${request.acks} is not 0, 1 or -1`);
        if (data.records === null || !(data.records instanceof Uint8Array)) throw new KafkaProtocolError(ErrorCode.InvalidRecord, 'no records');
        const batches = splitBatches(data.records).map((batch) => {
          if (batch.length > ctx.settings.messageBytesMax) {
            throw new KafkaProtocolError(ErrorCode.MessageTooLarge, `record batch of ${batch.length} bytes exceeds message.max.bytes ${ctx.settings.messageBytesMax}`);
          }
          return kafkaToHerald(batch, request.transactionalId !== null);
        });
        outcome = ctx.backend.produce({ topic, partition, batches, acks, timeoutMs, transactionalId: request.transactionalId }, ctx).then(
          (result) => ({ errorCode: ErrorCode.None, errorMessage: null, baseOffset: result.baseOffset, logStartOffset: result.logStartOffset }),
          (err: unknown) => ({ ...refusal(err, ctx, 'produce'), baseOffset: -1, logStartOffset: -1 }),
        );
      } catch (err) {
        outcome = Promise.resolve({ ...refusal(err, ctx, 'produce'), baseOffset: -1, logStartOffset: -1 });
      }
      pending.push({ topic, partition, outcome });
    }
  }
  const outcomes = await Promise.all(pending.map((p) => p.outcome));
  if (acks === Acks.None) {
    const failure = outcomes.find((o) => o.errorCode !== ErrorCode.None);
    if (failure !== undefined) throw new CloseConnection(`acks=0 produce failed with error ${failure.errorCode}: ${failure.errorMessage}`);
    return null;
  }
  const byTopic = new Map<string, { index: number; errorCode: number; baseOffset: number; logStartOffset: number; errorMessage: string | null }[]>();
  pending.forEach((p, i) => {
    const o = outcomes[i]!;
    let list = byTopic.get(p.topic);
    if (list === undefined) byTopic.set(p.topic, (list = []));
    list.push({ index: p.partition, errorCode: o.errorCode, baseOffset: o.baseOffset, logStartOffset: o.logStartOffset, errorMessage: o.errorMessage });
  });
  return { responses: [...byTopic].map(([name, partitionResponses]) => ({ name, partitionResponses })) };
};

type FetchTopicResponse = { topic: string; partitions: NonNullable<NonNullable<Loose<ResponseOf<'Fetch'>>['responses']>[number]['partitions']> };

interface FetchSlot {
  readonly isolation: Isolation;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly maxBytes: number;
  result: FetchResult | null;
  errorCode: ErrorCode;
  bytes: number;
}

async function readSlot(slot: FetchSlot, ctx: HandlerContext): Promise<void> {
  try {
    slot.result = await ctx.backend.fetch({ topic: slot.topic, partition: slot.partition, offset: slot.offset, maxBytes: slot.maxBytes, isolation: slot.isolation }, ctx);
    slot.errorCode = ErrorCode.None;
    slot.bytes = slot.result.batches.reduce((sum, b) => sum + b.bytes.length, 0);
  } catch (err) {
    slot.result = null;
    slot.errorCode = refusal(err, ctx, 'fetch').errorCode;
    slot.bytes = 0;
  }
}

/** Kafka's isolation_level: 0 read_uncommitted, 1 read_committed (Fetch v4+, ListOffsets v2+;
 *  older versions read uncommitted). */
function isolationOf(level: number): Isolation {
  return level === 1 ? Isolation.ReadCommitted : Isolation.ReadUncommitted;
}

/**
 * Fetch: reads every partition; while fewer than min.bytes are there and max.wait has not
 * passed, waits for any partition's high watermark to move and reads again (a long poll). An
 * error in any partition answers at once. The response keeps to max.bytes, except that the
 * first batch found is always sent, so that a consumer never stalls on a large batch (KIP-74).
 * Fetch sessions (KIP-227) are not kept: every answer is a full one with session id 0.
 */
export const handleFetch: Handler<'Fetch'> = async (request, ctx) => {
  if (request.sessionId !== 0) {
    return { errorCode: ErrorCode.FetchSessionIdNotFound, sessionId: 0, responses: [] };
  }
  const isolation = isolationOf(request.isolationLevel);
  const slots: FetchSlot[] = request.topics.flatMap((t) =>
    t.partitions.map((p) => ({ isolation, topic: t.topic, partition: p.partition, offset: p.fetchOffset, maxBytes: Math.max(p.partitionMaxBytes, 0), result: null, errorCode: ErrorCode.None, bytes: 0 })),
  );
  const waitMs = Math.min(Math.max(request.maxWaitMs, 0), ctx.settings.fetchWaitMaxMs);
  const deadline = performance.now() + waitMs;
  for (;;) {
    await Promise.all(slots.map((slot) => readSlot(slot, ctx)));
    const total = slots.reduce((sum, s) => sum + s.bytes, 0);
    const remainingMs = deadline - performance.now();
    if (total >= Math.max(request.minBytes, 1) || remainingMs <= 0 || ctx.signal.aborted || slots.some((s) => s.errorCode !== ErrorCode.None)) break;
    // Wait for a high watermark (read committed: a last stable offset) to pass what was read,
    // not the fetch offset: a partition with some data (below min.bytes) would otherwise wake
    // the wait at once.
    const readable = (r: FetchResult | null) => (r === null ? undefined : isolation === Isolation.ReadCommitted ? r.lastStableOffset : r.highWatermark);
    const positions = slots.map((s) => ({ topic: s.topic, partition: s.partition, offset: Math.max(s.offset, readable(s.result) ?? s.offset), isolation }));
    await ctx.backend.waitForData(positions, remainingMs, ctx.signal);
  }
  let budget = request.maxBytes;
  let sentAny = false;
  const responses: FetchTopicResponse[] = [];
  for (const slot of slots) {
    let topic = responses.at(-1);
    if (topic?.topic !== slot.topic) responses.push((topic = { topic: slot.topic, partitions: [] }));
    const chunks: Uint8Array[] = [];
    try {
      for (const batch of slot.result?.batches ?? []) {
        if (sentAny && batch.bytes.length > budget) break;
        chunks.push(...(await heraldToKafka(batch)));
        budget -= batch.bytes.length;
        sentAny = true;
      }
    } catch (err) {
      slot.errorCode = refusal(err, ctx, 'fetch').errorCode;
      slot.result = null;
      chunks.length = 0;
    }
    const r = slot.result;
    topic.partitions.push({
      partitionIndex: slot.partition,
      errorCode: slot.errorCode,
      highWatermark: r?.highWatermark ?? -1,
      lastStableOffset: r?.lastStableOffset ?? -1,
      logStartOffset: r?.logStartOffset ?? -1,
      abortedTransactions: (r?.abortedTransactions ?? []).map((a) => ({ producerId: a.producerId, firstOffset: a.firstOffset })),
      records: chunks,
    });
  }
  return { sessionId: 0, responses };
};

/**
 * ListOffsets: -1 the high watermark (read_committed: the last stable offset), -2 the log start,
 * else the first offset at or after the timestamp (-1 and -1 when no record is that recent, as
 * Kafka answers).
 */
export const handleListOffsets: Handler<'ListOffsets'> = async (request, ctx) => {
  const topics = await Promise.all(
    request.topics.map(async (t) => ({
      name: t.name,
      partitions: await Promise.all(
        t.partitions.map(async (p) => {
          const spec = p.timestamp === ListOffsetsTimestamp.Latest ? OffsetSpec.Latest : p.timestamp === ListOffsetsTimestamp.Earliest ? OffsetSpec.Earliest : OffsetSpec.Timestamp;
          try {
            if (p.timestamp < 0 && spec === OffsetSpec.Timestamp) throw new KafkaProtocolError(ErrorCode.InvalidRequest, `timestamp ${p.timestamp} is neither -1, -2 nor a time`);
            const result = await ctx.backend.listOffset({ topic: t.name, partition: p.partitionIndex, spec, timestampMs: Math.max(p.timestamp, 0), isolation: isolationOf(request.isolationLevel) }, ctx);
            const none = spec === OffsetSpec.Timestamp && result.timestampMs < 0;
            const offset = none ? -1 : result.offset;
            return {
              partitionIndex: p.partitionIndex,
              errorCode: ErrorCode.None,
              oldStyleOffsets: p.maxNumOffsets > 0 && !none ? [offset] : [],
              timestamp: none ? -1 : result.timestampMs,
              offset,
              leaderEpoch: result.leaderEpoch,
            };
          } catch (err) {
            return { partitionIndex: p.partitionIndex, errorCode: refusal(err, ctx, 'list offsets').errorCode };
          }
        }),
      ),
    })),
  );
  return { topics };
};

/** DeleteRecords: moves each partition's log start; -1 deletes everything committed. */
export const handleDeleteRecords: Handler<'DeleteRecords'> = async (request, ctx) => {
  const topics = await Promise.all(
    request.topics.map(async (t) => ({
      name: t.name,
      partitions: await Promise.all(
        t.partitions.map(async (p) => {
          try {
            const lowWatermark = await ctx.backend.deleteRecords(t.name, p.partitionIndex, p.offset, ctx);
            return { partitionIndex: p.partitionIndex, lowWatermark, errorCode: ErrorCode.None };
          } catch (err) {
            return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: refusal(err, ctx, 'delete records').errorCode };
          }
        }),
      ),
    })),
  );
  return { topics };
};
