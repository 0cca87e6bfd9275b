// AddPartitionsToTxn, AddOffsetsToTxn, EndTxn and TxnOffsetCommit (KIP-98) over the backend's
// transaction coordinator. Refusals are answered in the Group scope: the coordinator runs on the
// controller, so NotLeader becomes NOT_COORDINATOR and the client looks the coordinator up again.

import { ErrorCode, KafkaProtocolError, Scope } from '../errors.js';
import { refusal, type Handler, type HandlerContext } from './context.js';

function codeOf(err: unknown, ctx: HandlerContext, what: string): ErrorCode {
  return refusal(err, ctx, what, Scope.Group).errorCode;
}

function requireTransactionalId(id: string): void {
  if (id === '') throw new KafkaProtocolError(ErrorCode.InvalidRequest, 'the transactional id is empty');
}

/** AddPartitionsToTxn (v0-1): every partition joins the transaction, or none does; the one
 *  error code goes on every partition. */
export const handleAddPartitionsToTxn: Handler<'AddPartitionsToTxn'> = async (request, ctx) => {
  let errorCode: ErrorCode = ErrorCode.None;
  try {
    requireTransactionalId(request.transactionalId);
    const partitions = request.topics.map((t) => ({ topic: t.name, partitions: [...t.partitions] }));
    await ctx.backend.addPartitionsToTxn(request.transactionalId, request.producerId, request.producerEpoch, partitions, ctx);
  } catch (err) {
    errorCode = codeOf(err, ctx, 'add partitions to transaction');
  }
  return {
    resultsByTopic: request.topics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((partitionIndex) => ({ partitionIndex, partitionErrorCode: errorCode })) })),
  };
};

/** AddOffsetsToTxn (v0-1): the group's offsets may be committed with the transaction. */
export const handleAddOffsetsToTxn: Handler<'AddOffsetsToTxn'> = async (request, ctx) => {
  try {
    requireTransactionalId(request.transactionalId);
    if (request.groupId === '') throw new KafkaProtocolError(ErrorCode.InvalidGroupId, 'the group id is empty');
    await ctx.backend.addOffsetsToTxn(request.transactionalId, request.producerId, request.producerEpoch, request.groupId, ctx);
    return { errorCode: ErrorCode.None };
  } catch (err) {
    return { errorCode: codeOf(err, ctx, 'add offsets to transaction') };
  }
};

/** EndTxn (v0-1): commit or abort; answered once the transaction is complete (every marker
 *  written, the offsets applied), so the producer's next transaction can begin at once. */
export const handleEndTxn: Handler<'EndTxn'> = async (request, ctx) => {
  try {
    requireTransactionalId(request.transactionalId);
    await ctx.backend.endTxn(request.transactionalId, request.producerId, request.producerEpoch, request.committed, ctx);
    return { errorCode: ErrorCode.None };
  } catch (err) {
    return { errorCode: codeOf(err, ctx, 'end transaction') };
  }
};

/** TxnOffsetCommit (v0-2): offsets committed when the transaction commits; the one error code
 *  goes on every partition. */
export const handleTxnOffsetCommit: Handler<'TxnOffsetCommit'> = async (request, ctx) => {
  let errorCode: ErrorCode = ErrorCode.None;
  try {
    requireTransactionalId(request.transactionalId);
    if (request.groupId === '') throw new KafkaProtocolError(ErrorCode.InvalidGroupId, 'the group id is empty');
    const offsets = request.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.committedMetadata ?? '' })));
    await ctx.backend.txnOffsetCommit(request.transactionalId, request.groupId, request.producerId, request.producerEpoch, offsets, ctx);
  } catch (err) {
    errorCode = codeOf(err, ctx, 'transactional offset commit');
  }
  return { topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })) };
};
