import { InvalidArgumentError, Option, type Command } from 'commander';
import { print, printJson } from '../output.js';
import { integer, withClient, withClusterOptions, type ClusterOptions } from '../options.js';
import { currentReplicas, electPreferredLeaders, waitForReassignments } from '../reassign.js';
import { topicPartition } from './leader.js';

/** Parses a list of node ids, e.g. "2,3,4". */
export function nodeList(value: string): number[] {
  const ids = value.split(',').map((s) => s.trim());
  if (ids.length === 0 || ids.some((s) => !/^[1-9]\d{0,9}$/.test(s))) throw new InvalidArgumentError(`"${value}" is not a list of node ids, e.g. 2,3,4`);
  return ids.map(Number);
}

/** The options of the commands that move replicas and wait for them. */
export interface MoveOptions extends ClusterOptions {
  throttle?: number;
  waitMs: number;
  json?: boolean;
}

/** Adds --throttle and --wait-ms to a command that moves replicas. */
export function withMoveOptions(command: Command): Command {
  return withClusterOptions(
    command
      .option('--throttle <bytes/s>', "the cluster's replication throttle for the replicas catching up, bytes per second for each node's leaders in all (0: none; default: unchanged)", integer(0))
      .addOption(new Option('--wait-ms <ms>', 'wait this long for the moves to complete (exit code 1 if they did not)').default(600_000).argParser(integer(0)))
      .option('--json', 'print JSON'),
  );
}

/** `herald partition reassign TOPIC/PARTITION --replicas 2,3,4`. */
export function registerPartition(partition: Command): void {
  withMoveOptions(
    partition
      .command('reassign')
      .description("move a partition to new replicas (the first is the preferred leader): its leader adds the new ones as learners, promotes each once caught up, hands its leadership away if it leaves, removes the old ones one by one; waits until done")
      .argument('<topic/partition>', 'the partition, e.g. orders/0', topicPartition)
      .requiredOption('--replicas <ids>', 'the new replica set, e.g. 2,3,4', nodeList),
  ).action(async (target: { topic: string; partition: number }, options: MoveOptions & { replicas: number[] }) => {
    const plan = [{ ...target, replicas: options.replicas }];
    const { from, left, elapsedMs } = await withClient(options, async (client) => {
      const from = await currentReplicas(client, plan);
      const started = Date.now();
      await client.reassignPartitions(plan, options.throttle);
      const left = await waitForReassignments(client, plan, options.waitMs);
      if (left.length === 0) await electPreferredLeaders(client, plan);
      return { from, left, elapsedMs: Date.now() - started };
    });
    if (left.length > 0) process.exitCode = 1;
    if (options.json === true) return printJson({ ...target, from: from[0]!.from, replicas: options.replicas, done: left.length === 0, elapsedMs });
    print(
      left.length === 0
        ? `${target.topic}/${target.partition}: replicas ${from[0]!.from.join(',')} -> ${options.replicas.join(',')} in ${(elapsedMs / 1000).toFixed(1)} s`
        : `${target.topic}/${target.partition}: still moving to ${options.replicas.join(',')} after ${options.waitMs} ms; it goes on (herald topic describe ${target.topic} shows its target replicas)`,
    );
  });
}
