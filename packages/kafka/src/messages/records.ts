// Produce, Fetch, ListOffsets and DeleteRecords: the messages that write, read, locate and
// trim records. Field layouts from Kafka's Produce*.json, Fetch*.json, ListOffsets*.json and
// DeleteRecords*.json, up to the versions served.

import { array, field, int16, int32, int64, int8, nullableArray, nullableString, records, string, struct } from '../codec/schema.js';
import { topicsOf } from './common.js';

/** Produce request: record batches for partitions, with acks and a timeout. */
export const ProduceRequest = struct({
  transactionalId: field(nullableString, '3+'),
  /** 0: no answer; 1: the leader wrote it; -1: every in-sync replica has it. */
  acks: field(int16, '0+'),
  timeoutMs: field(int32, '0+'),
  topicData: field(
    array(struct({ name: field(string, '0+'), partitionData: field(array(struct({ index: field(int32, '0+'), records: field(records, '0+') })), '0+') })),
    '0+',
  ),
});

/** Produce response: per partition: an error code and the base offset. */
export const ProduceResponse = struct({
  responses: field(
    array(
      struct({
        name: field(string, '0+'),
        partitionResponses: field(
          array(
            struct({
              index: field(int32, '0+'),
              errorCode: field(int16, '0+'),
              baseOffset: field(int64, '0+'),
              logAppendTimeMs: field(int64, '2+', { default: -1 }),
              logStartOffset: field(int64, '5+', { default: -1 }),
              recordErrors: field(array(struct({ batchIndex: field(int32, '8+'), batchIndexErrorMessage: field(nullableString, '8+') })), '8+'),
              errorMessage: field(nullableString, '8+'),
            }),
          ),
          '0+',
        ),
      }),
    ),
    '0+',
  ),
  throttleTimeMs: field(int32, '1+'),
});

/** Fetch request: partitions and offsets to read from, with wait and byte limits. */
export const FetchRequest = struct({
  replicaId: field(int32, '0+', { default: -1 }),
  maxWaitMs: field(int32, '0+'),
  minBytes: field(int32, '0+'),
  maxBytes: field(int32, '3+', { default: 0x7fff_ffff }),
  /** 0: read uncommitted; 1: read committed. */
  isolationLevel: field(int8, '4+'),
  sessionId: field(int32, '7+'),
  sessionEpoch: field(int32, '7+', { default: -1 }),
  topics: field(
    array(
      struct({
        topic: field(string, '0+'),
        partitions: field(
          array(
            struct({
              partition: field(int32, '0+'),
              currentLeaderEpoch: field(int32, '9+', { default: -1 }),
              fetchOffset: field(int64, '0+'),
              logStartOffset: field(int64, '5+', { default: -1 }),
              partitionMaxBytes: field(int32, '0+'),
            }),
          ),
          '0+',
        ),
      }),
    ),
    '0+',
  ),
  forgottenTopicsData: field(array(struct({ topic: field(string, '7+'), partitions: field(array(int32), '7+') })), '7+'),
  rackId: field(string, '11+'),
});

/** Fetch response: per partition: the high watermark and record batches. */
export const FetchResponse = struct({
  throttleTimeMs: field(int32, '1+'),
  errorCode: field(int16, '7+'),
  sessionId: field(int32, '7+'),
  responses: field(
    array(
      struct({
        topic: field(string, '0+'),
        partitions: field(
          array(
            struct({
              partitionIndex: field(int32, '0+'),
              errorCode: field(int16, '0+'),
              highWatermark: field(int64, '0+'),
              lastStableOffset: field(int64, '4+', { default: -1 }),
              logStartOffset: field(int64, '5+', { default: -1 }),
              abortedTransactions: field(nullableArray(struct({ producerId: field(int64, '4+'), firstOffset: field(int64, '4+') })), '4+'),
              preferredReadReplica: field(int32, '11+', { default: -1 }),
              records: field(records, '0+'),
            }),
          ),
          '0+',
        ),
      }),
    ),
    '0+',
  ),
});

/** ListOffsets' special timestamps (KIP-79). */
export const ListOffsetsTimestamp = { Latest: -1, Earliest: -2 } as const;

/** ListOffsets request: per partition: a timestamp, or -1 (latest) or -2 (earliest). */
export const ListOffsetsRequest = struct({
  replicaId: field(int32, '0+'),
  isolationLevel: field(int8, '2+'),
  topics: field(
    topicsOf(
      struct({
        partitionIndex: field(int32, '0+'),
        currentLeaderEpoch: field(int32, '4+', { default: -1 }),
        timestamp: field(int64, '0+'),
        maxNumOffsets: field(int32, '0', { default: 1 }),
      }),
    ),
    '0+',
  ),
});

/** ListOffsets response: per partition: the offset found. */
export const ListOffsetsResponse = struct({
  throttleTimeMs: field(int32, '2+'),
  topics: field(
    topicsOf(
      struct({
        partitionIndex: field(int32, '0+'),
        errorCode: field(int16, '0+'),
        oldStyleOffsets: field(array(int64), '0'),
        timestamp: field(int64, '1+', { default: -1 }),
        offset: field(int64, '1+', { default: -1 }),
        leaderEpoch: field(int32, '4+', { default: -1 }),
      }),
    ),
    '0+',
  ),
});

/** DeleteRecords request: per partition: the offset below which records go. */
export const DeleteRecordsRequest = struct({
  topics: field(topicsOf(struct({ partitionIndex: field(int32, '0+'), offset: field(int64, '0+') })), '0+'),
  timeoutMs: field(int32, '0+'),
});

/** DeleteRecords response: per partition: the new low watermark. */
export const DeleteRecordsResponse = struct({
  throttleTimeMs: field(int32, '0+'),
  topics: field(topicsOf(struct({ partitionIndex: field(int32, '0+'), lowWatermark: field(int64, '0+'), errorCode: field(int16, '0+') })), '0+'),
});
