import { createInterface } from 'node:readline';
import { Option, type Command } from 'commander';
import { Acks, Compression, DELIVER_AT_HEADER, type RecordMetadata } from '@herald/client';
import { durationMs } from './queue.js';
import { print, printJsonLine } from '../output.js';
import { clientFor, integer, keyValue, withClusterOptions, type ClusterOptions } from '../options.js';

interface ProduceOptions extends ClusterOptions {
  key?: string;
  value?: string;
  partition?: number;
  header?: Record<string, string>;
  delay?: number;
  acks: Acks;
  compression: Compression;
  json?: boolean;
}

/** `herald produce TOPIC`: one record from --value, or one per line of standard input. */
export function registerProduce(produce: Command): void {
  withClusterOptions(
    produce
      .argument('<topic>', 'the topic')
      .option('--key <key>', 'the record key (chooses the partition)')
      .option('--value <value>', 'the record value; without it, each line of standard input is a record')
      .option('--partition <n>', 'send to this partition instead of choosing by key', integer(0, 1023))
      .option('--header <key=value>', 'a record header (repeatable)', keyValue)
      .option('--delay <duration>', 'queue subscriptions deliver the record no sooner than this from now (the herald-deliver-at header): 30s, 10m, 2h', durationMs)
      .addOption(new Option('--acks <level>', 'replication to wait for').choices(Object.values(Acks)).default(Acks.Quorum))
      .addOption(new Option('--compression <codec>', 'batch compression').choices(Object.values(Compression)).default(Compression.None))
      .option('--json', 'print one JSON line per record'),
  ).action(async (topic: string, options: ProduceOptions) => {
    const headers = options.delay === undefined ? options.header : { ...options.header, [DELIVER_AT_HEADER]: String(Date.now() + options.delay) };
    const client = await clientFor(options);
    const producer = client.producer({ acks: options.acks, compression: options.compression, deliveryTimeoutMs: options.timeoutMs });
    let failed = 0;
    let printing = Promise.resolve();
    // Records go out pipelined; their results are printed in input order.
    const send = (value: string) => {
      const sent = producer.send(topic, { key: options.key ?? null, value, headers, partition: options.partition });
      printing = printing.then(() =>
        sent.then(
          (metadata) => report(metadata, options.json === true),
          (err: unknown) => {
            failed++;
            process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
          },
        ),
      );
    };
    try {
      if (options.value !== undefined) {
        send(options.value);
      } else {
        for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) send(line);
      }
      await producer.flush();
      await printing;
    } finally {
      await client.close();
    }
    if (failed > 0) process.exitCode = 1;
  });
}

function report(metadata: RecordMetadata, json: boolean): void {
  if (json) printJsonLine(metadata);
  else print(`${metadata.topic}/${metadata.partition} offset ${metadata.offset}`);
}
