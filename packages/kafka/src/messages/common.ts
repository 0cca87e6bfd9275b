// Shapes Kafka's messages repeat.

import { array, field, int16, int32, string, struct, type Type } from '../codec/schema.js';

/** The recurring "topics by name, each with its partitions" array, with `partition` the
 *  per-partition struct. */
export function topicsOf<P>(partition: Type<P>) {
  return array(struct({ name: field(string, '0+'), partitions: field(array(partition), '0+') }));
}

/** A partition and its error code: the answer of OffsetCommit and TxnOffsetCommit. */
export const partitionError = struct({ partitionIndex: field(int32, '0+'), errorCode: field(int16, '0+') });
