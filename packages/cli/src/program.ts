import { Command } from 'commander';

/** The version `herald --version` prints. */
export const CLI_VERSION = '0.1.0';

/** Adds a top-level command's subcommands and options to `command` (already named and described). */
type Register = (command: Command, cliEntry: string) => void;

/**
 * The top-level commands: what `herald --help` lists, and the module that defines each. Only the
 * module of the command being run is loaded: `herald topic list` then loads the client but not
 * the node, the chaos harness or the benchmarks, and `herald node start` not the client. That
 * keeps a command's start time to what it uses (docs/packaging.md has the figures).
 */
const COMMANDS: readonly { readonly name: string; readonly description: string; readonly load: () => Promise<Register> }[] = [
  { name: 'node', description: 'run a Herald node, or hand its leaderships away', load: async () => (await import('./commands/node.js')).registerNode },
  { name: 'cluster', description: 'run a local cluster, stop it, and show the state of any cluster', load: async () => (await import('./commands/cluster.js')).registerCluster },
  { name: 'topic', description: 'create, list, describe and delete topics', load: async () => (await import('./commands/topic.js')).registerTopic },
  { name: 'produce', description: 'send records to a topic: the --value, or else one record per line of standard input', load: async () => (await import('./commands/produce.js')).registerProduce },
  {
    name: 'consume',
    description: 'print records of a topic as they arrive, until --count records or Ctrl-C (from the end of each partition unless told otherwise)',
    load: async () => (await import('./commands/consume.js')).registerConsume,
  },
  { name: 'group', description: 'list, describe, reset the offsets of and delete consumer groups', load: async () => (await import('./commands/group.js')).registerGroup },
  {
    name: 'queue',
    description: 'receive from, describe and delete queue subscriptions: records shared by members, acked one by one, redelivered, dead-lettered',
    load: async () => (await import('./commands/queue.js')).registerQueue,
  },
  {
    name: 'txn',
    description: 'half messages (transactional messages): send, commit, roll back, list and describe them',
    load: async () => (await import('./commands/txn.js')).registerTxn,
  },
  { name: 'leader', description: "move partitions' leadership", load: async () => (await import('./commands/leader.js')).registerLeader },
  { name: 'partition', description: 'move partitions to other nodes (reassign their replicas)', load: async () => (await import('./commands/partition.js')).registerPartition },
  {
    name: 'chaos',
    description: 'break a local cluster on purpose, or operate it (grow, shrink, roll, upgrade), and check that nothing acknowledged was lost',
    load: async () => {
      const [{ registerChaos }, { registerChaosOps }] = await Promise.all([import('./commands/chaos.js'), import('./commands/chaos-ops.js')]);
      return (command, cliEntry) => {
        registerChaos(command, cliEntry);
        registerChaosOps(command, cliEntry);
      };
    },
  },
  {
    name: 'bench',
    description: 'measure a cluster: throughput, latency percentiles (HDR histogram), consume rate, failover unavailability',
    load: async () => (await import('./commands/bench.js')).registerBench,
  },
  { name: 'cert', description: 'create a cluster CA, node certificates and client certificates', load: async () => (await import('./commands/cert.js')).registerCert },
  { name: 'user', description: 'create, list and delete users, and change passwords (SCRAM)', load: async () => (await import('./commands/security.js')).registerUser },
  { name: 'acl', description: 'add, list and remove ACLs: who may read, write, create, delete, alter and describe what', load: async () => (await import('./commands/security.js')).registerAcl },
  { name: 'quota', description: 'set and list quotas: produce and fetch bytes and requests per second, per principal', load: async () => (await import('./commands/security.js')).registerQuota },
];

/** The top-level command `argv` (node, script, args...) runs: the first argument that is not an
 *  option, or the one after `help`. */
function invokedCommand(argv: readonly string[]): string | undefined {
  const args = argv.slice(2).filter((a) => !a.startsWith('-'));
  return args[0] === 'help' ? args[1] : args[0];
}

/**
 * The `herald` command tree (rpk's noun-verb shape) for running `argv`: every top-level command,
 * with the subcommands and options of the one `argv` invokes. `cliEntry` is the file that runs
 * the CLI, which `cluster up` and `chaos run` start again for each node. Usage errors throw a
 * CommanderError (exitOverride); main.ts turns those into exit code 2.
 */
export async function buildProgram(cliEntry: string, argv: readonly string[]): Promise<Command> {
  const program = new Command('herald')
    .description('Herald: a Raft-replicated, partitioned message broker')
    .version(CLI_VERSION)
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError(true);
  const invoked = invokedCommand(argv);
  for (const { name, description, load } of COMMANDS) {
    const command = program.command(name).description(description);
    if (name === invoked) (await load())(command, cliEntry);
  }
  return program;
}
