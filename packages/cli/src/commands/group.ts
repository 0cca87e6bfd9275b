import { InvalidArgumentError, type Command } from 'commander';
import type { GroupDescription, ResetTarget } from '@herald/client';
import { formatTable, print, printJson } from '../output.js';
import { integer, withClient, withClusterOptions, type ClusterOptions } from '../options.js';

interface ResetOptions extends ClusterOptions {
  topic: string;
  partition?: number[];
  toEarliest?: boolean;
  toLatest?: boolean;
  toOffset?: number;
  toDatetime?: number;
  shiftBy?: number;
  dryRun?: boolean;
  json?: boolean;
}

/** A time for --to-datetime: epoch milliseconds, or an ISO 8601 date-time. */
function time(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Date.parse(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('must be epoch milliseconds or an ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z');
  return n;
}

function repeated(parse: (value: string) => number) {
  return (value: string, previous: number[] = []) => [...previous, parse(value)];
}

const signedInteger = (value: string) => {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('must be an integer, negative to move back');
  return n;
};

/** A number for a table cell: "-" for -1 (unknown). */
const orDash = (n: number) => (n < 0 ? '-' : String(n));

/** The lag in seconds for a table cell. */
const seconds = (s: number) => (s < 0 ? '-' : s < 10 ? s.toFixed(1) : String(Math.round(s)));

/** A group as people read it: its state, members and their partitions, offsets and lag. */
export function describeText(d: GroupDescription): string {
  const lines = [`group ${d.group}: ${d.state}, generation ${d.generation}${d.strategy === '' ? '' : `, strategy ${d.strategy}`}, coordinator node ${d.coordinatorId}, ${d.members.length} member${d.members.length === 1 ? '' : 's'}`];
  if (d.members.length > 0) {
    lines.push('');
    lines.push(
      formatTable(
        ['MEMBER', 'CLIENT', 'HOST', 'PARTITIONS'],
        d.members.map((m) => [m.memberId, m.clientId, m.clientHost, m.assignment.map((tp) => `${tp.topic}/${tp.partitions.join(',')}`).join(' ') || '-']),
      ),
    );
  }
  if (d.partitions.length > 0) {
    lines.push('');
    lines.push(
      formatTable(
        ['TOPIC', 'PARTITION', 'MEMBER', 'COMMITTED', 'HIGH WATERMARK', 'LAG', 'LAG SECONDS'],
        d.partitions.map((p) => [p.topic, p.partition, p.memberId || '-', orDash(p.committedOffset), orDash(p.highWatermark), orDash(p.lagRecords), seconds(p.lagSeconds)]),
      ),
    );
    const known = d.partitions.filter((p) => p.lagRecords >= 0);
    lines.push('');
    lines.push(`total lag: ${known.reduce((n, p) => n + p.lagRecords, 0)} records, oldest unconsumed ${seconds(Math.max(0, ...known.map((p) => p.lagSeconds)))} s`);
  }
  return lines.join('\n');
}

/** `herald group list|describe|reset-offsets|delete`. */
export function registerGroup(group: Command): void {
  withClusterOptions(group.command('list').description('list every consumer group').option('--json', 'print JSON')).action(async (options: ClusterOptions & { json?: boolean }) => {
    const groups = await withClient(options, (client) => client.groups.list());
    if (options.json === true) return printJson(groups);
    if (groups.length === 0) return print('no groups');
    print(formatTable(['GROUP', 'STATE', 'MEMBERS', 'GENERATION', 'STRATEGY'], groups.map((g) => [g.group, g.state, g.memberCount, g.generation, g.strategy || '-'])));
  });

  withClusterOptions(
    group.command('describe').description("show a group's members and their partitions, committed offsets and lag (records, and seconds: the age of the oldest unconsumed record)").argument('<group>', 'the group').option('--json', 'print JSON'),
  ).action(async (name: string, options: ClusterOptions & { json?: boolean }) => {
    const described = await withClient(options, (client) => client.groups.describe(name));
    if (options.json === true) return printJson(described);
    print(describeText(described));
  });

  withClusterOptions(
    group
      .command('reset-offsets')
      .description("move a group's committed offsets for a topic; only while the group has no members (stop its consumers first)")
      .argument('<group>', 'the group')
      .requiredOption('--topic <topic>', 'the topic whose offsets move')
      .option('--partition <n>', 'only this partition (repeatable; default: all)', repeated(integer(0, 1023)))
      .option('--to-earliest', "to each partition's first stored record")
      .option('--to-latest', 'to the end: only new records are consumed')
      .option('--to-offset <n>', 'to this offset (clamped to what the partition holds)', integer(0))
      .option('--to-datetime <time>', 'to the first record at or after this time (epoch ms or ISO 8601)', time)
      .option('--shift-by <n>', 'move the committed offset by n records (negative: back)', signedInteger)
      .option('--dry-run', 'print the new offsets without committing them')
      .option('--json', 'print JSON'),
  ).action(async (name: string, options: ResetOptions) => {
    const targets: ResetTarget[] = [];
    if (options.toEarliest === true) targets.push('earliest');
    if (options.toLatest === true) targets.push('latest');
    if (options.toOffset !== undefined) targets.push({ offset: options.toOffset });
    if (options.toDatetime !== undefined) targets.push({ timestampMs: options.toDatetime });
    if (options.shiftBy !== undefined) targets.push({ shift: options.shiftBy });
    if (targets.length !== 1) group.error('error: give exactly one of --to-earliest, --to-latest, --to-offset, --to-datetime, --shift-by', { exitCode: 2 });
    const offsets = await withClient(options, (client) =>
      client.groups.resetOffsets(name, options.topic, targets[0]!, { partitions: options.partition ?? [], dryRun: options.dryRun === true }),
    );
    if (options.json === true) return printJson(offsets);
    print(formatTable(['TOPIC', 'PARTITION', 'NEW OFFSET'], offsets.map((o) => [o.topic, o.partition, o.offset])));
    print(options.dryRun === true ? 'dry run: nothing committed' : `committed ${offsets.length} offset${offsets.length === 1 ? '' : 's'} for group ${name}`);
  });

  withClusterOptions(group.command('delete').description('delete a group and its committed offsets; only while it has no members').argument('<group>', 'the group')).action(
    async (name: string, options: ClusterOptions) => {
      await withClient(options, (client) => client.groups.delete(name));
      print(`deleted group ${name}`);
    },
  );
}
