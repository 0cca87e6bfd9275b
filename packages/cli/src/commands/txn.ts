import type { Command } from 'commander';
import { HeraldError, parseHalfId, type HalfDescription, type TransactionDescription } from '@herald/client';
import { formatTable, print, printJson, printJsonLine } from '../output.js';
import { clientFor, integer, keyValue, withClient, withClusterOptions, type ClusterOptions } from '../options.js';

interface SendOptions extends ClusterOptions {
  key?: string;
  value: string;
  partition?: number;
  header?: Record<string, string>;
  producerGroup: string;
  json?: boolean;
}

/** `herald txn send|commit|rollback|list|describe`: half messages (transactional messages with
 *  check-back, proto/herald/v1/transactions.proto); `herald txn ids`: the transactional ids of
 *  transactions across partitions (KIP-98). */
export function registerTxn(txn: Command): void {
  withClusterOptions(
    txn
      .command('send')
      .description('store one record as a half message: invisible to every reader until `herald txn commit ID`; prints its id')
      .argument('<topic>', 'the topic')
      .requiredOption('--value <value>', 'the record value')
      .requiredOption('--producer-group <name>', 'the producer group asked at check-back')
      .option('--key <key>', 'the record key (chooses the partition)')
      .option('--partition <n>', 'store in this partition instead of choosing by key', integer(0, 1023))
      .option('--header <key=value>', 'a record header (repeatable)', keyValue)
      .option('--json', 'print the half message as JSON'),
  ).action(async (topic: string, options: SendOptions) => {
    const client = await clientFor(options);
    try {
      const producer = client.producer({ producerGroup: options.producerGroup, deliveryTimeoutMs: options.timeoutMs });
      const half = await producer.sendHalf(topic, { key: options.key ?? null, value: options.value, headers: options.header, partition: options.partition });
      if (options.json === true) printJsonLine(half);
      else print(half.id);
    } finally {
      await client.close();
    }
  });

  for (const decision of ['commit', 'rollback'] as const) {
    withClusterOptions(
      txn
        .command(decision)
        .description(decision === 'commit' ? 'commit a half message: its records become visible at the next offsets' : 'roll a half message back: its records are never visible')
        .argument('<id>', 'the half message (topic/partition/id, as `herald txn send` and `herald txn list` print it)'),
    ).action(async (id: string, options: ClusterOptions) => {
      parseHalfId(id);
      await withClient(options, async (client) => {
        const producer = client.producer({ deliveryTimeoutMs: options.timeoutMs });
        if (decision === 'rollback') {
          await producer.rollback(id);
          print(`rolled back ${id}`);
        } else {
          const stored = await producer.commit(id);
          print(`committed ${id}: ${stored.topic}/${stored.partition} offset ${stored.offset}`);
        }
      });
    });
  }

  withClusterOptions(
    txn
      .command('list')
      .description("list a topic's undecided half messages per partition: producer group, age, check-backs sent")
      .argument('<topic>', 'the topic')
      .option('--all', 'also the decisions the partitions remember (committed, rolled back, by whom)')
      .option('--json', 'print JSON'),
  ).action(async (topic: string, options: ClusterOptions & { all?: boolean; json?: boolean }) => {
    const halves = await withClient(options, (client) => client.listHalves(topic, { decided: options.all === true }));
    if (options.json === true) return printJson(halves);
    if (halves.length === 0) return print(`no ${options.all === true ? '' : 'undecided '}half messages on ${topic}`);
    print(listText(halves, Date.now()));
  });

  withClusterOptions(
    txn
      .command('describe')
      .description('show one half message: its state, producer group, check-backs and decision')
      .argument('<id>', 'the half message (topic/partition/id)')
      .option('--json', 'print JSON'),
  ).action(async (id: string, options: ClusterOptions & { json?: boolean }) => {
    const { topic } = parseHalfId(id);
    const halves = await withClient(options, (client) => client.listHalves(topic, { decided: true }));
    const half = halves.find((h) => h.id === id);
    if (half === undefined) throw new HeraldError('HalfNotFound', `no half message ${id} (never sent, or decided long ago and forgotten)`);
    if (options.json === true) return printJson(half);
    print(describeText(half));
  });

  withClusterOptions(
    txn
      .command('ids')
      .description('list the transactional ids (transactions across partitions): producer id and epoch, the current or last transaction, its partitions and groups')
      .option('--json', 'print JSON'),
  ).action(async (options: ClusterOptions & { json?: boolean }) => {
    const transactions = await withClient(options, (client) => client.listTransactions({ timeoutMs: options.timeoutMs }));
    if (options.json === true) return printJson(transactions);
    if (transactions.length === 0) return print('no transactional ids');
    print(idsText(transactions, Date.now()));
  });
}

/** Transactional ids as people read them: one row each. */
export function idsText(transactions: readonly TransactionDescription[], nowMs: number): string {
  const rows = transactions.map((t) => [
    t.transactionalId,
    `${t.producerId}/${t.producerEpoch}`,
    t.txn,
    t.status,
    t.status === 'Ongoing' ? `${((nowMs - t.startedMs) / 1000).toFixed(1)} s` : '-',
    t.partitions.map((p) => `${p.topic}/${p.partition}`).join(',') || '-',
    t.groups.join(',') || '-',
  ]);
  return formatTable(['TRANSACTIONAL ID', 'PRODUCER/EPOCH', 'TXN', 'STATUS', 'AGE', 'PARTITIONS', 'GROUPS'], rows);
}

const at = (ms: number) => (ms === 0 ? '-' : new Date(ms).toISOString());

/** Half messages as people read them: one row each. */
export function listText(halves: readonly HalfDescription[], nowMs: number): string {
  const rows = halves.map((h) => [h.id, h.state, h.producerGroup, h.recordCount, `${((nowMs - h.createdMs) / 1000).toFixed(1)} s`, h.checks, h.decidedBy || '-', h.baseOffset < 0 ? '-' : h.baseOffset]);
  return formatTable(['ID', 'STATE', 'PRODUCER GROUP', 'RECORDS', 'AGE', 'CHECKS', 'DECIDED BY', 'OFFSET'], rows);
}

/** One half message, field by field. */
export function describeText(h: HalfDescription): string {
  const lines = [
    `half message ${h.id}: ${h.state}`,
    `producer group ${h.producerGroup}, ${h.recordCount} record${h.recordCount === 1 ? '' : 's'}, stored ${at(h.createdMs)}`,
    `check-backs ${h.checks}${h.lastCheckMs === 0 ? '' : `, last ${at(h.lastCheckMs)}`}`,
  ];
  if (h.state !== 'pending') lines.push(`${h.state} by ${h.decidedBy} at ${at(h.decidedMs)}${h.baseOffset < 0 ? '' : `, first offset ${h.baseOffset}`}`);
  return lines.join('\n');
}
