import { validateBatch } from '@herald/protocol';
import type { HeraldNode } from './node.js';
import { Acks } from './partition/partition-leader.js';

export interface ProduceRequest {
  readonly topic: string;
  readonly partition: number;
  readonly acks: Acks;
  /** A record batch as the client sent it (validated here). */
  readonly batch: Uint8Array;
  readonly timeoutMs: number;
}

export interface ProduceAnswer {
  /** -1 for an idempotent retry whose original is older than the remembered window. */
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly recordCount: number;
  /** An idempotent retry of a batch already stored: answered with the original's offsets. */
  readonly duplicate: boolean;
}

/** A validated produce request: nothing is proposed until submit(). */
export interface PreparedProduce {
  /** Proposes the batch now (synchronously) and resolves once acknowledged per its acks. */
  submit(): Promise<ProduceAnswer>;
}

/** Checks a produced batch against its topic (well formed, within max.message.bytes, intact
 *  CRC); refusals are thrown. Shared by produce and half messages. */
export async function checkProducedBatch(node: HeraldNode, topicName: string, partitionId: number, batch: Uint8Array): ReturnType<typeof validateBatch> {
  const { topic } = node.partition(topicName, partitionId);
  const maxBatchBytes = Number(topic.configs['max.message.bytes'] ?? node.config.limits.maxMessageBytes);
  return validateBatch(batch, {
    recordBytesMax: maxBatchBytes,
    batchBytesMax: maxBatchBytes,
    recordBytesSetting: 'max.message.bytes',
    batchBytesSetting: 'max.message.bytes',
  });
}

/**
 * Validates a produce request at the partition's replica on this node: the topic and partition
 * exist here, and the batch is well formed, within max.message.bytes, with intact CRC (which may
 * decompress it, so this is asynchronous). Refusals are thrown (nothing written); a nearly full
 * data disk refuses it at submit() (DiskFull), just before it would be proposed.
 */
export async function prepareProduce(node: HeraldNode, request: ProduceRequest): Promise<PreparedProduce> {
  const { partition } = node.partition(request.topic, request.partition);
  const facts = await checkProducedBatch(node, request.topic, request.partition, request.batch);
  // A transaction's first batch here: this node's copy of the coordinator's state must show the
  // partition added before the leader lets it begin (it may lag the controller by a moment).
  if (facts.transactional && partition.log.state.txns?.isOpen(facts.producerId, facts.producerEpoch) !== true) {
    await node.untilTransactionKnown(request.topic, request.partition, facts.producerId, facts.producerEpoch);
  }
  const { metrics } = node;
  return {
    async submit() {
      node.diskGuard.check();
      const started = performance.now();
      const result = await partition.leader.produce(request.batch, facts, request.acks, request.timeoutMs);
      if (request.acks !== Acks.None) metrics.appendSeconds.observe({ acks: request.acks }, (performance.now() - started) / 1000);
      metrics.producedRecords.inc({ topic: request.topic }, result.recordCount);
      metrics.producedBytes.inc({ topic: request.topic }, request.batch.byteLength);
      metrics.produceBatchRecords.observe(result.recordCount);
      metrics.produceBatchBytes.observe(request.batch.byteLength);
      return {
        baseOffset: result.baseOffset,
        lastOffset: result.baseOffset < 0 ? -1 : result.baseOffset + result.recordCount - 1,
        recordCount: result.recordCount,
        duplicate: result.duplicate,
      };
    },
  };
}

/** Validates and appends one batch, answering per its acks. */
export async function produce(node: HeraldNode, request: ProduceRequest): Promise<ProduceAnswer> {
  return (await prepareProduce(node, request)).submit();
}

/**
 * The produce requests of one pipelined connection (a ProduceStream, a Kafka connection):
 * validated in parallel, but proposed in the order they arrived, per partition, so that a
 * client's batches for a partition are stored in the order it sent them (its idempotent
 * sequence numbers rely on that). Answers may complete in any order.
 */
export class ProducePipeline {
  /** Per partition: settles once the previous request was proposed (or refused). */
  private readonly proposed = new Map<string, Promise<unknown>>();

  constructor(private readonly node: HeraldNode) {}

  /** Queues a request behind the earlier ones of its partition; resolves with its answer. */
  submit(request: ProduceRequest): Promise<ProduceAnswer> {
    const prepared = prepareProduce(this.node, request);
    // Its refusal is answered through `turn`; until the partition's earlier requests settle,
    // nothing else listens, and an unobserved rejection would stop the process.
    prepared.catch(() => {});
    const key = `${request.topic}/${request.partition}`;
    const turn = (this.proposed.get(key) ?? Promise.resolve()).then(() => prepared).then((p) => ({ answer: p.submit() }));
    const settled = turn.then(
      () => undefined,
      () => undefined,
    );
    this.proposed.set(key, settled);
    void settled.then(() => {
      if (this.proposed.get(key) === settled) this.proposed.delete(key);
    });
    return turn.then((t) => t.answer);
  }
}
