import type { Command } from 'commander';
import type { ConsumedRecord, StartFrom } from '@herald/client';
import { print, printJsonLine } from '../output.js';
import { clientFor, integer, withClusterOptions, type ClusterOptions } from '../options.js';

interface ConsumeOptions extends ClusterOptions {
  fromBeginning?: boolean;
  offset?: number;
  partition?: number;
  count?: number;
  json?: boolean;
}

/** `herald consume TOPIC`: prints records until --count or Ctrl-C. */
export function registerConsume(program: Command): void {
  withClusterOptions(
    program
      .command('consume')
      .description('print records of a topic as they arrive, until --count records or Ctrl-C (from the end of each partition unless told otherwise)')
      .argument('<topic>', 'the topic')
      .option('--from-beginning', 'start at the first stored record of each partition')
      .option('--offset <n>', 'start at this offset (of each partition read)', integer(0))
      .option('--partition <n>', 'read only this partition', integer(0, 1023))
      .option('--count <n>', 'stop after this many records', integer(1))
      .option('--json', 'print one JSON line per record'),
  ).action(async (topic: string, options: ConsumeOptions) => {
    if (options.fromBeginning === true && options.offset !== undefined) {
      program.error('error: --from-beginning and --offset cannot be used together', { exitCode: 2 });
    }
    const from: StartFrom = options.offset !== undefined ? { offset: options.offset } : options.fromBeginning === true ? 'earliest' : 'latest';
    const client = clientFor(options);
    const consumer = client.consumer({ topic, from, ...(options.partition === undefined ? {} : { partitions: [options.partition] }) });
    const stop = () => void consumer.close();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      let seen = 0;
      for await (const record of consumer) {
        printRecord(record, options.json === true);
        if (options.count !== undefined && ++seen >= options.count) break;
      }
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await client.close();
    }
  });
}

function text(bytes: Buffer | null): string | null {
  return bytes === null ? null : bytes.toString('utf8');
}

function printRecord(record: ConsumedRecord, json: boolean): void {
  if (json) {
    printJsonLine({
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      timestampMs: record.timestampMs,
      key: text(record.key),
      value: text(record.value),
      headers: Object.fromEntries(record.headers.map((h) => [h.key, h.value.toString('utf8')])),
    });
    return;
  }
  print(`${record.topic}/${record.partition} offset ${record.offset}  key ${text(record.key) ?? '-'}  value ${text(record.value) ?? '-'}`);
}
