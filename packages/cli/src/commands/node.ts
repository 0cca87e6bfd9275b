import { Option, type Command } from 'commander';
import { loadConfig, nodeLogger, parsePeers, startNode, type NodeConfig } from '@herald/broker';
import { pino, type Logger } from 'pino';
import PinoPretty from 'pino-pretty';
import { integer } from '../options.js';

/** The log levels a node accepts (pino's). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

interface NodeStartOptions {
  id?: number;
  config?: string;
  dataDir?: string;
  host?: string;
  clientPort?: number;
  peerPort?: number;
  metricsPort?: number;
  peers?: string;
  logLevel?: string;
  pretty?: boolean;
  rejoin?: boolean;
}

/** How long a stopping node may take before the process exits anyway. */
const STOP_TIMEOUT_MS = 15_000;

/** `herald node start`: runs one node in the foreground until SIGINT or SIGTERM. */
export function registerNode(program: Command): void {
  const node = program.command('node').description('run a Herald node');
  node
    .command('start')
    .description('run one node in the foreground until SIGINT or SIGTERM; settings come from --config, then HERALD_* variables, then these flags')
    .option('--id <n>', 'the node id (HERALD_NODE_ID)', integer(1))
    .option('--config <file>', 'a YAML file of node settings')
    .option('--data-dir <dir>', 'where the node keeps its data (default: data/node-<id>)')
    .option('--host <host>', 'the address to listen on (default: 127.0.0.1)')
    .option('--client-port <port>', 'the client gRPC port (default: 7400 + id)', integer(0, 65535))
    .option('--peer-port <port>', 'the peer (Raft) port (default: 7500 + id)', integer(0, 65535))
    .option('--metrics-port <port>', 'the metrics port (default: 9400 + id)', integer(0, 65535))
    .option('--peers <list>', 'every voter: 1=host:clientPort:peerPort,... (default: nodes 1-3 on local ports)')
    .addOption(new Option('--log-level <level>', 'the log level (default: info)').choices(LOG_LEVELS))
    .option('--pretty', 'human-readable logs instead of JSON lines')
    .option('--rejoin', 'this node lost its data and rejoins an existing cluster: it votes again only once repaired from its peers')
    .action(async (options: NodeStartOptions) => {
      // Flags override the file and the environment; unset ones are left to them.
      const config = loadConfig({
        file: options.config,
        env: process.env,
        overrides: {
          nodeId: options.id,
          dataDir: options.dataDir,
          host: options.host,
          clientPort: options.clientPort,
          peerPort: options.peerPort,
          metricsPort: options.metricsPort,
          logLevel: options.logLevel,
          rejoin: options.rejoin,
          peers: options.peers === undefined ? undefined : parsePeers(options.peers),
        },
      });
      await runNode(config, options.pretty === true ? prettyLogger(config) : nodeLogger(config));
    });
}

function prettyLogger(config: NodeConfig): Logger {
  return pino({ level: config.logLevel, base: { node: config.nodeId } }, PinoPretty({ ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l', sync: true }));
}

async function runNode(config: NodeConfig, logger: Logger): Promise<void> {
  const running = await startNode(config, { logger });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  logger.info({ signal }, 'stopping');
  // Further signals while stopping are ignored (a supervisor may repeat its SIGTERM); the
  // process exits anyway if stopping hangs.
  const ignore = () => logger.debug('already stopping');
  process.on('SIGINT', ignore);
  process.on('SIGTERM', ignore);
  const timer = setTimeout(() => {
    logger.error({ timeoutMs: STOP_TIMEOUT_MS }, 'node did not stop in time; exiting');
    process.exit(1);
  }, STOP_TIMEOUT_MS);
  timer.unref();
  await running.stop();
  clearTimeout(timer);
  process.off('SIGINT', ignore);
  process.off('SIGTERM', ignore);
}
