// The transactional messages (KIP-98), served by handlers/txn.ts. Field layouts from Kafka's
// AddPartitionsToTxn*.json, AddOffsetsToTxn*.json, EndTxn*.json and TxnOffsetCommit*.json, up
// to the versions listed in apis.ts.

import { array, bool, field, int16, int32, int64, nullableString, string, struct } from '../codec/schema.js';
import { partitionError, topicsOf } from './common.js';

/** AddPartitionsToTxn request: a transactional producer adds partitions to its transaction. */
export const AddPartitionsToTxnRequest = struct({
  transactionalId: field(string, '0+'),
  producerId: field(int64, '0+'),
  producerEpoch: field(int16, '0+'),
  topics: field(array(struct({ name: field(string, '0+'), partitions: field(array(int32), '0+') })), '0+'),
});

/** AddPartitionsToTxn response: an error code per partition. */
export const AddPartitionsToTxnResponse = struct({
  throttleTimeMs: field(int32, '0+'),
  resultsByTopic: field(
    array(
      struct({
        name: field(string, '0+'),
        resultsByPartition: field(array(struct({ partitionIndex: field(int32, '0+'), partitionErrorCode: field(int16, '0+') })), '0+'),
      }),
    ),
    '0+',
  ),
});

/** AddOffsetsToTxn request: a transactional producer adds a group's offsets to its transaction. */
export const AddOffsetsToTxnRequest = struct({
  transactionalId: field(string, '0+'),
  producerId: field(int64, '0+'),
  producerEpoch: field(int16, '0+'),
  groupId: field(string, '0+'),
});

/** AddOffsetsToTxn response: an error code. */
export const AddOffsetsToTxnResponse = struct({
  throttleTimeMs: field(int32, '0+'),
  errorCode: field(int16, '0+'),
});

/** EndTxn request: a transactional producer commits or aborts. */
export const EndTxnRequest = struct({
  transactionalId: field(string, '0+'),
  producerId: field(int64, '0+'),
  producerEpoch: field(int16, '0+'),
  committed: field(bool, '0+'),
});

/** EndTxn response: an error code. */
export const EndTxnResponse = struct({
  throttleTimeMs: field(int32, '0+'),
  errorCode: field(int16, '0+'),
});

/** TxnOffsetCommit request: offsets committed inside a transaction. */
export const TxnOffsetCommitRequest = struct({
  transactionalId: field(string, '0+'),
  groupId: field(string, '0+'),
  producerId: field(int64, '0+'),
  producerEpoch: field(int16, '0+'),
  topics: field(
    topicsOf(
      struct({
        partitionIndex: field(int32, '0+'),
        committedOffset: field(int64, '0+'),
        committedLeaderEpoch: field(int32, '2+', { default: -1 }),
        committedMetadata: field(nullableString, '0+'),
      }),
    ),
    '0+',
  ),
});

/** TxnOffsetCommit response: an error code per partition. */
export const TxnOffsetCommitResponse = struct({
  throttleTimeMs: field(int32, '0+'),
  topics: field(topicsOf(partitionError), '0+'),
});
