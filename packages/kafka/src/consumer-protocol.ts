// The "consumer" embedded protocol: what Kafka consumers put in JoinGroup's member metadata
// (ConsumerProtocolSubscription) and what they expect in SyncGroup's assignment
// (ConsumerProtocolAssignment). Both are an int16 version followed by the struct of that
// version, never flexible. Layouts from Kafka's ConsumerProtocolSubscription.json and
// ConsumerProtocolAssignment.json.

import { KafkaDecodeError, KafkaReader } from './codec/reader.js';
import { array, field, int32, nullableBytes, string, struct } from './codec/schema.js';
import { KafkaWriter } from './codec/writer.js';

/** The protocol type of Kafka consumers' groups, the only one Herald's coordinator serves. */
export const CONSUMER_PROTOCOL_TYPE = 'consumer';

const topicPartition = struct({ topic: field(string, '0+'), partitions: field(array(int32), '0+') });

/** Version 0 of a subscription; later versions only add fields after these (owned partitions,
 *  generation, rack), which Kafka marks ignorable. */
const Subscription = struct({
  topics: field(array(string), '0+'),
  userData: field(nullableBytes, '0+'),
});

const Assignment = struct({
  assignedPartitions: field(array(topicPartition), '0+'),
  userData: field(nullableBytes, '0+'),
});

/** A topic and partitions, as the consumer protocol lists them. */
export interface AssignedPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

/** The topics a member subscribes to, from its JoinGroup metadata. Only the version and the
 *  topics are read: every version starts with them, and some clients (kafkajs) label a
 *  version-0 layout with a later version. */
export function decodeSubscriptionTopics(metadata: Uint8Array): string[] {
  const buf = Buffer.from(metadata.buffer, metadata.byteOffset, metadata.byteLength);
  const r = new KafkaReader(buf);
  const version = r.int16();
  if (version < 0) throw new KafkaDecodeError(`consumer protocol subscription version ${version} is negative`);
  return array(string).read(r, { version: 0, flexible: false });
}

/** A subscription (version 0) to `topics`, for DescribeGroups. */
export function encodeSubscription(topics: readonly string[]): Uint8Array {
  const w = new KafkaWriter();
  w.int16(0);
  Subscription.write(w, { topics: [...topics], userData: null }, { version: 0, flexible: false });
  return w.toBuffer();
}

/** An assignment (version 0) of `partitions`, for SyncGroup and DescribeGroups. Version 0 is
 *  what every consumer reads. */
export function encodeAssignment(partitions: readonly AssignedPartitions[]): Uint8Array {
  const w = new KafkaWriter();
  w.int16(0);
  Assignment.write(w, { assignedPartitions: partitions.map((p) => ({ topic: p.topic, partitions: [...p.partitions] })), userData: null }, { version: 0, flexible: false });
  return w.toBuffer();
}

