// The transactional messages (KIP-98): codecs only, for the transactions issue; no handler
// serves them yet and ApiVersions does not advertise them. Field layouts from Kafka's
// AddPartitionsToTxn*.json, AddOffsetsToTxn*.json, EndTxn*.json and TxnOffsetCommit*.json, up
// to the versions listed in apis.ts.

import { array, bool, field, int16, int32, int64, nullableString, string, struct } from '../codec/schema.js';
import { partitionError, topicsOf } from './common.js';

export const AddPartitionsToTxnRequest = struct({
  transactionalId: field(string, '0+'),
  producerId: field(int64, '0+'),
  producerEpoch: field(int16, '0+'),
  topics: field(array(struct({ name: field(string, '0+'), partitions: field(array(int32), '0+') })), '0+'),
});

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

export const AddOffsetsToTxnRequest = struct({
  transactionalId: field(string, '0+'),
  producerId: field(int64, '0+'),
  producerEpoch: field(int16, '0+'),
  groupId: field(string, '0+'),
});

export const AddOffsetsToTxnResponse = struct({
  throttleTimeMs: field(int32, '0+'),
  errorCode: field(int16, '0+'),
});

export const EndTxnRequest = struct({
  transactionalId: field(string, '0+'),
  producerId: field(int64, '0+'),
  producerEpoch: field(int16, '0+'),
  committed: field(bool, '0+'),
});

export const EndTxnResponse = struct({
  throttleTimeMs: field(int32, '0+'),
  errorCode: field(int16, '0+'),
});

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

export const TxnOffsetCommitResponse = struct({
  throttleTimeMs: field(int32, '0+'),
  topics: field(topicsOf(partitionError), '0+'),
});
