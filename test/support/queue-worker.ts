// A queue-subscription member as its own process, for tests that kill members with SIGKILL:
// receives from a topic's subscription, acks every record except those whose value starts with
// "poison" (those it nacks, so they reach the dead-letter topic after max.deliveries), and prints
// one JSON line per delivery and per settled record on standard output. Each record takes
// WORK_MS of "work" before it is settled, so a member holds records when it is killed.
//
//   node --import tsx --conditions=@herald/source test/support/queue-worker.ts \
//     BROKERS TOPIC SUBSCRIPTION MEMBER ACK_TIMEOUT_MS WORK_MS
import { HeraldClient } from '@herald/client';

const [brokers, topic, subscription, member, ackTimeoutMs, workMs] = process.argv.slice(2);
if (brokers === undefined || topic === undefined || subscription === undefined || member === undefined || ackTimeoutMs === undefined || workMs === undefined) {
  process.stderr.write('usage: queue-worker.ts BROKERS TOPIC SUBSCRIPTION MEMBER ACK_TIMEOUT_MS WORK_MS\n');
  process.exit(2);
}

const client = new HeraldClient({ brokers: brokers.split(','), callTimeoutMs: 20_000 });
const consumer = client.queueConsumer({ topic, subscription, memberId: member, from: 'earliest', ackTimeoutMs: Number(ackTimeoutMs), maxInFlight: 50 });
const line = (event: object) => process.stdout.write(`${JSON.stringify({ atMs: Date.now(), ...event })}\n`);
process.once('SIGTERM', () => void consumer.close().then(() => client.close()));

for await (const m of consumer) {
  const value = m.value?.toString() ?? '';
  const where = { value, partition: m.partition, offset: m.offset, deliveryCount: m.deliveryCount };
  line({ event: 'delivery', ...where });
  const work = new Promise((resolve) => setTimeout(resolve, Number(workMs)));
  const settled = work.then(() => (value.startsWith('poison') ? m.nack().then(() => 'nacked') : m.ack().then(() => 'acked')));
  settled.then(
    (event) => line({ event, ...where }),
    (err: Error) => line({ event: 'settle-failed', error: err.message, ...where }),
  );
}
