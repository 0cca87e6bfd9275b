import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseDuration } from '@herald/chaos';
import type { QueueMessage, SubscriptionDescription } from '@herald/client';
import { formatTable, print, printJson, printJsonLine } from '../output.js';
import { clientFor, integer, withClient, withClusterOptions, type ClusterOptions } from '../options.js';

/** What `queue receive` does with each record after printing it. */
const Settle = { Ack: 'ack', Nack: 'nack', Reject: 'reject', Hold: 'hold' } as const;
type Settle = (typeof Settle)[keyof typeof Settle];

interface ReceiveOptions extends ClusterOptions {
  subscription: string;
  count?: number;
  fromBeginning?: boolean;
  orderedByKey?: boolean;
  ackTimeout: number;
  then: Settle;
  nackDelay: number;
  memberId?: string;
  json?: boolean;
}

/** A duration option (500ms, 30s, 10m, 1h30m) in milliseconds, for commander. */
export function durationMs(value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** `herald queue receive|describe|delete`: queue subscriptions (per-record ack on the log). */
export function registerQueue(queue: Command): void {
  withClusterOptions(
    queue
      .command('receive')
      .description('print records leased to this member of a queue subscription and settle each one (ack by default), until --count records or Ctrl-C')
      .argument('<topic>', 'the topic')
      .requiredOption('--subscription <name>', 'the subscription (members of one subscription share its records)')
      .option('--count <n>', 'stop after this many records', integer(1))
      .option('--from-beginning', 'a new subscription starts at the first stored record (default: only records produced from now on)')
      .option('--ordered-by-key', 'a new subscription hands out one record per key at a time, in offset order')
      .addOption(new Option('--ack-timeout <duration>', 'how long a record is held before it is delivered again').default(30_000, '30s').argParser(durationMs))
      .addOption(new Option('--then <action>', 'what to do with each record after printing it: ack; nack (deliver again after --nack-delay); reject (to the dead-letter topic); hold (nothing: delivered again after the ack timeout)').choices(Object.values(Settle)).default(Settle.Ack))
      .addOption(new Option('--nack-delay <duration>', 'with --then nack: deliver again no sooner than this').default(0, '0s').argParser(durationMs))
      .option('--member-id <id>', 'the name this member shows in `herald queue describe`')
      .option('--json', 'print one JSON line per record'),
  ).action(async (topic: string, options: ReceiveOptions) => {
    const client = await clientFor(options);
    const consumer = client.queueConsumer({
      topic,
      subscription: options.subscription,
      from: options.fromBeginning === true ? 'earliest' : 'latest',
      orderedByKey: options.orderedByKey === true,
      ackTimeoutMs: options.ackTimeout,
      ...(options.memberId === undefined ? {} : { memberId: options.memberId }),
    });
    const stop = () => void consumer.close();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      let seen = 0;
      for await (const message of consumer) {
        printMessage(message, options.json === true);
        if (options.then === Settle.Ack) await message.ack();
        else if (options.then === Settle.Nack) await message.nack({ delayMs: options.nackDelay });
        else if (options.then === Settle.Reject) await message.nack({ reject: true });
        if (options.count !== undefined && ++seen >= options.count) break;
      }
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await client.close();
    }
  });

  withClusterOptions(
    queue
      .command('describe')
      .description("show a topic's queue subscriptions per partition: ack floor, unacked and leased records, acks, redeliveries, dead letters, members")
      .argument('<topic>', 'the topic')
      .argument('[subscription]', 'only this subscription')
      .option('--json', 'print JSON'),
  ).action(async (topic: string, subscription: string | undefined, options: ClusterOptions & { json?: boolean }) => {
    const subscriptions = await withClient(options, (client) => client.describeSubscriptions(topic, subscription ?? ''));
    if (options.json === true) return printJson(subscriptions);
    if (subscriptions.length === 0) return print(`no queue subscriptions on ${topic}`);
    print(describeText(subscriptions));
  });

  withClusterOptions(queue.command('delete').description('forget a queue subscription: its leases, acks and counts').argument('<topic>', 'the topic').argument('<subscription>', 'the subscription')).action(
    async (topic: string, subscription: string, options: ClusterOptions) => {
      const partitions = await withClient(options, (client) => client.deleteSubscription(topic, subscription));
      print(partitions === 0 ? `no subscription ${subscription} on ${topic}` : `deleted subscription ${subscription} on ${partitions} partition${partitions === 1 ? '' : 's'} of ${topic}`);
    },
  );
}

/** Subscriptions as people read them: one row per partition. */
export function describeText(subscriptions: readonly SubscriptionDescription[]): string {
  const rows = subscriptions.flatMap((s) =>
    s.partitions.map((p) => [`${s.name}${s.orderedByKey ? ' (by key)' : ''}`, p.partition, p.ackFloor, p.highWatermark, p.unacked, p.leased, p.acked, p.redelivered, p.deadLettered, p.members.join(',') || '-']),
  );
  return formatTable(['SUBSCRIPTION', 'PARTITION', 'ACK FLOOR', 'HIGH WATERMARK', 'UNACKED', 'LEASED', 'ACKED', 'REDELIVERED', 'DEAD LETTERS', 'MEMBERS'], rows);
}

function printMessage(m: QueueMessage, json: boolean): void {
  const text = (bytes: Buffer | null) => (bytes === null ? null : bytes.toString('utf8'));
  if (json) {
    printJsonLine({
      topic: m.topic,
      partition: m.partition,
      offset: m.offset,
      timestampMs: m.timestampMs,
      deliveryCount: m.deliveryCount,
      key: text(m.key),
      value: text(m.value),
      headers: Object.fromEntries(m.headers.map((h) => [h.key, h.value.toString('utf8')])),
    });
    return;
  }
  print(`${m.topic}/${m.partition} offset ${m.offset}  delivery ${m.deliveryCount}  key ${text(m.key) ?? '-'}  value ${text(m.value) ?? '-'}`);
}
