import { Option, type Command } from 'commander';
import type { ConsumedRecord, IsolationLevel, StartFrom, TopicPartitions } from '@herald/client';
import { print, printJsonLine } from '../output.js';
import { clientFor, integer, withClusterOptions, type ClusterOptions } from '../options.js';

interface ConsumeOptions extends ClusterOptions {
  fromBeginning?: boolean;
  offset?: number;
  partition?: number;
  count?: number;
  json?: boolean;
  group?: string;
  clientId?: string;
  strategy?: string;
  sessionTimeoutMs?: number;
  isolation: IsolationLevel;
}

const ISOLATION_LEVELS: readonly IsolationLevel[] = ['read_committed', 'read_uncommitted'];

const partitionList = (partitions: TopicPartitions[]) => partitions.map((tp) => `${tp.topic}/${tp.partitions.join(',')}`).join(' ') || 'none';

/** `herald consume TOPIC`: prints records until --count or Ctrl-C. */
export function registerConsume(consume: Command): void {
  withClusterOptions(
    consume
      .argument('<topic>', 'the topic')
      .option('--from-beginning', 'start at the first stored record of each partition')
      .option('--offset <n>', 'start at this offset (of each partition read)', integer(0))
      .option('--partition <n>', 'read only this partition', integer(0, 1023))
      .option('--count <n>', 'stop after this many records', integer(1))
      .option('--json', 'print one JSON line per record')
      .addOption(new Option('--isolation <level>', 'read_committed: only committed transactions, below the last stable offset; read_uncommitted: also the records of open and aborted transactions').choices(ISOLATION_LEVELS).default('read_committed'))
      .option('--group <group>', 'consume as a member of this consumer group: share the partitions with its other members, resume from its committed offsets (new partitions start at the end, or at the beginning with --from-beginning), commit as records are printed')
      .option('--client-id <id>', 'with --group: the name this member shows in `herald group describe`', 'herald-cli')
      .option('--strategy <list>', 'with --group: assignment strategies, preferred first (range, roundrobin, sticky)', 'range')
      .option('--session-timeout-ms <ms>', 'with --group: the coordinator removes this member after this long without a heartbeat', integer(1), 10_000),
  ).action(async (topic: string, options: ConsumeOptions) => {
    if (options.fromBeginning === true && options.offset !== undefined) {
      consume.error('error: --from-beginning and --offset cannot be used together', { exitCode: 2 });
    }
    if (options.group !== undefined) {
      if (options.offset !== undefined || options.partition !== undefined) {
        consume.error('error: --group cannot be used with --offset or --partition (the group assigns partitions; move its offsets with `herald group reset-offsets`)', { exitCode: 2 });
      }
      return consumeAsGroup(topic, options as ConsumeOptions & { group: string });
    }
    const from: StartFrom = options.offset !== undefined ? { offset: options.offset } : options.fromBeginning === true ? 'earliest' : 'latest';
    const client = await clientFor(options);
    const consumer = client.consumer({ topic, from, isolation: options.isolation, ...(options.partition === undefined ? {} : { partitions: [options.partition] }) });
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

/** `herald consume TOPIC --group G`: a group member printing records; commits what it printed
 *  every few seconds, on a rebalance and when it stops (Ctrl-C or --count), then leaves. */
async function consumeAsGroup(topic: string, options: ConsumeOptions & { group: string }): Promise<void> {
  const client = await clientFor(options);
  const consumer = client.groupConsumer({
    group: options.group,
    topics: [topic],
    clientId: options.clientId,
    strategies: (options.strategy ?? 'range').split(',').map((s) => s.trim()).filter((s) => s !== ''),
    sessionTimeoutMs: options.sessionTimeoutMs,
    autoOffsetReset: options.fromBeginning === true ? 'earliest' : 'latest',
    isolation: options.isolation,
    autoCommitIntervalMs: 1_000,
    onAssigned: (partitions) => void process.stderr.write(`group ${options.group}: generation ${consumer.generation}, assigned ${partitionList(partitions)}\n`),
    onRevoked: (partitions) => void process.stderr.write(`group ${options.group}: revoked ${partitionList(partitions)}\n`),
  });
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
