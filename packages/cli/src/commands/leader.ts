import { InvalidArgumentError, type Command } from 'commander';
import { print, printJson } from '../output.js';
import { integer, withClient, withClusterOptions, type ClusterOptions } from '../options.js';

/** Parses TOPIC/PARTITION, e.g. "orders/0". */
export function topicPartition(value: string): { topic: string; partition: number } {
  const at = value.lastIndexOf('/');
  const partition = Number(value.slice(at + 1));
  if (at <= 0 || !/^\d+$/.test(value.slice(at + 1)) || !Number.isSafeInteger(partition)) {
    throw new InvalidArgumentError(`"${value}" is not TOPIC/PARTITION, e.g. orders/0`);
  }
  return { topic: value.slice(0, at), partition };
}

/** `herald leader transfer TOPIC/PARTITION --to N`. */
export function registerLeader(leader: Command): void {
  withClusterOptions(
    leader
      .command('transfer')
      .description("hand a partition's leadership to another in-sync replica, e.g. before restarting its leader")
      .argument('<topic/partition>', 'the partition, e.g. orders/0', topicPartition)
      .requiredOption('--to <node>', 'the node to lead the partition (a member of its ISR)', integer(1))
      .option('--json', 'print JSON'),
  ).action(async (target: { topic: string; partition: number }, options: ClusterOptions & { to: number; json?: boolean }) => {
    const result = await withClient(options, (client) => client.transferLeadership(target.topic, target.partition, options.to));
    if (options.json === true) return printJson({ ...target, ...result });
    print(`${target.topic}/${target.partition}: leader is now node ${result.leaderId} (term ${result.leaderTerm})`);
  });
}
