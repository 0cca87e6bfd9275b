import { Command } from 'commander';
import { registerBench } from './commands/bench.js';
import { registerCert } from './commands/cert.js';
import { registerChaos } from './commands/chaos.js';
import { registerCluster } from './commands/cluster.js';
import { registerConsume } from './commands/consume.js';
import { registerGroup } from './commands/group.js';
import { registerLeader } from './commands/leader.js';
import { registerNode } from './commands/node.js';
import { registerProduce } from './commands/produce.js';
import { registerQueue } from './commands/queue.js';
import { registerTopic } from './commands/topic.js';

/** The version `herald --version` prints. */
export const CLI_VERSION = '0.1.0';

/**
 * The `herald` command tree (rpk's noun-verb shape). `cliEntry` is the file that runs it, which
 * `cluster up` starts again for each node. Usage errors throw a CommanderError (exitOverride);
 * main.ts turns those into exit code 2.
 */
export function buildProgram(cliEntry: string): Command {
  const program = new Command('herald')
    .description('Herald: a Raft-replicated, partitioned message broker')
    .version(CLI_VERSION)
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError(true);
  registerNode(program);
  registerCluster(program, cliEntry);
  registerTopic(program);
  registerProduce(program);
  registerConsume(program);
  registerGroup(program);
  registerQueue(program);
  registerLeader(program);
  registerChaos(program, cliEntry);
  registerBench(program);
  registerCert(program);
  return program;
}
