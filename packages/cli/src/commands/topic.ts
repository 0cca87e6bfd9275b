import type { Command } from 'commander';
import type { TopicDescription } from '@herald/client';
import { formatTable, ids, nodeId, print, printJson } from '../output.js';
import { integer, keyValue, withClient, withClusterOptions, type ClusterOptions } from '../options.js';

/** The partitions of a topic as a table. */
export function partitionTable(topics: readonly TopicDescription[]): string {
  const rows = topics.flatMap((t) =>
    t.partitions.map((p) => [t.name, p.id, nodeId(p.leaderId), ids(p.replicas), ids(p.isr), p.highWatermark, p.repairing.length === 0 ? '-' : ids(p.repairing)]),
  );
  return formatTable(['TOPIC', 'PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'HIGH WATERMARK', 'REPAIRING'], rows);
}

/** `herald topic create|list|describe|delete`. */
export function registerTopic(topic: Command): void {
  withClusterOptions(
    topic
      .command('create')
      .description('create a topic')
      .argument('<name>', 'the topic name: 1 to 249 characters of [a-zA-Z0-9._-]')
      .requiredOption('--partitions <n>', 'number of partitions', integer(1, 1024))
      .option('--replication-factor <n>', "replicas per partition (default: the brokers' default, 3 or the node count)", integer(1, 64))
      .option('--config <key=value>', 'a topic setting, e.g. min.insync.replicas=2 (repeatable)', keyValue)
      .option('--json', 'print the created topic as JSON'),
  ).action(async (name: string, options: ClusterOptions & { partitions: number; replicationFactor?: number; config?: Record<string, string>; json?: boolean }) => {
    const created = await withClient(options, (client) =>
      client.createTopic(name, { partitions: options.partitions, replicationFactor: options.replicationFactor, configs: options.config ?? {} }),
    );
    if (options.json === true) return printJson(created);
    print(`created topic ${created.name}: ${created.partitions.length} partitions, replication factor ${created.replicationFactor}`);
  });

  withClusterOptions(topic.command('list').description('list every topic').option('--json', 'print JSON')).action(async (options: ClusterOptions & { json?: boolean }) => {
    const topics = await withClient(options, (client) => client.listTopics());
    if (options.json === true) return printJson(topics);
    if (topics.length === 0) return print('no topics');
    print(formatTable(['NAME', 'PARTITIONS', 'REPLICATION FACTOR'], topics.map((t) => [t.name, t.partitions, t.replicationFactor])));
  });

  withClusterOptions(
    topic.command('describe').description("show a topic's settings and each partition's leader, replicas, ISR, high watermark and the replicas repairing a lost log").argument('<name>', 'the topic').option('--json', 'print JSON'),
  ).action(async (name: string, options: ClusterOptions & { json?: boolean }) => {
    const described = await withClient(options, (client) => client.describeTopic(name));
    if (options.json === true) return printJson(described);
    const configs = Object.entries(described.configs).map(([k, v]) => `${k}=${v}`);
    print(`topic ${described.name}: ${described.partitions.length} partitions, replication factor ${described.replicationFactor}${configs.length > 0 ? `, ${configs.join(', ')}` : ''}`);
    print(partitionTable([described]));
  });

  withClusterOptions(topic.command('delete').description('delete a topic and all its data').argument('<name>', 'the topic')).action(async (name: string, options: ClusterOptions) => {
    await withClient(options, (client) => client.deleteTopic(name));
    print(`deleted topic ${name}`);
  });
}
