// Measures the listener's own cost on the two hot paths, without a broker or a socket: a Produce
// request of one 64 KiB batch (16 partitions × 4 KiB records) decoded and translated to Herald
// batches, and a Fetch response of the same batches translated back and encoded. Reports
// figures; never fails on time.
//   pnpm --filter @herald/kafka exec tsx --conditions=@herald/source bench/listener.bench.ts [seconds per case]
import { performance } from 'node:perf_hooks';
import { encodeBatch } from '@herald/protocol';
import { KafkaReader } from '../src/codec/reader.js';
import { decode } from '../src/codec/schema.js';
import { encodeResponse } from '../src/connection.js';
import { Apis } from '../src/messages/apis.js';
import { heraldToKafka, kafkaToHerald, splitBatches } from '../src/records/translate.js';
import { requestFrame } from '../test/support/raw-client.js';

const secondsPerCase = Number(process.argv[2] ?? 2);
const PARTITIONS = 16;
const RECORDS = 16;
const RECORD_BYTES = 4096;

const value = Buffer.alloc(RECORD_BYTES, 'herald kafka listener ');
const herald = await encodeBatch(Array.from({ length: RECORDS }, (_, i) => ({ key: Buffer.from(`k${i}`), value, timestampMs: 1_700_000_000_000 + i })));
const kafkaBatch = Buffer.concat(await heraldToKafka({ baseOffset: 0, leaderEpoch: -1, bytes: herald }));
const produceFrame = requestFrame('Produce', 7, { acks: -1, timeoutMs: 30_000, topicData: [{ name: 'orders', partitionData: Array.from({ length: PARTITIONS }, (_, index) => ({ index, records: kafkaBatch })) }] }, 1);
const produceBody = produceFrame.subarray(4 + 8 + 2 + 3); // size, key/version/correlation id, client id "raw"

async function measure(name: string, bytesPerOp: number, op: () => unknown): Promise<void> {
  const until = performance.now() + secondsPerCase * 1000;
  let ops = 0;
  const started = performance.now();
  while (performance.now() < until) {
    await op();
    ops++;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`${name}: ${(ops / seconds).toFixed(0)} requests/s, ${((ops * bytesPerOp) / seconds / 1024 / 1024).toFixed(0)} MiB/s of records`);
}

await measure(`produce: decode + translate ${PARTITIONS} × ${kafkaBatch.length} B batches`, PARTITIONS * kafkaBatch.length, () => {
  const request = decode(Apis.Produce.request, new KafkaReader(produceBody), { version: 7, flexible: false });
  for (const t of request.topicData) for (const p of t.partitionData) for (const b of splitBatches(p.records as Uint8Array)) kafkaToHerald(b);
});

await measure(`fetch: translate + encode ${PARTITIONS} × ${herald.length} B batches`, PARTITIONS * herald.length, async () => {
  const partitions = [];
  for (let p = 0; p < PARTITIONS; p++) {
    partitions.push({ partitionIndex: p, highWatermark: 16, lastStableOffset: 16, logStartOffset: 0, abortedTransactions: [], records: await heraldToKafka({ baseOffset: 0, leaderEpoch: 3, bytes: herald }) });
  }
  encodeResponse(Apis.Fetch, 11, 1, { responses: [{ topic: 'orders', partitions }] });
});
