import { Option, type Command } from 'commander';
import type { NodeConfig } from '@herald/broker';
import type { Logger } from 'pino';
import { drainNode, moveController } from '../drain.js';
import { print, printJson } from '../output.js';
import { integer, LOG_LEVELS, UsageError, withClient, withClusterOptions, type ClusterOptions } from '../options.js';

interface NodeStartOptions {
  id?: number;
  config?: string;
  dataDir?: string;
  host?: string;
  clientPort?: number;
  peerPort?: number;
  metricsPort?: number;
  kafkaPort?: number;
  peers?: string;
  logLevel?: string;
  pretty?: boolean;
  rejoin?: boolean;
  insecure?: boolean;
  bootstrapFile?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
}

interface NodeDrainOptions extends ClusterOptions {
  node: number;
  deadlineMs: number;
  json?: boolean;
}

/** The --insecure and --bootstrap-file flags given, over what the file and environment say. */
function securityOverrides(options: NodeStartOptions): Record<string, string> | undefined {
  const given = Object.entries({ mode: options.insecure === true ? 'insecure' : undefined, bootstrapFile: options.bootstrapFile }).filter(([, v]) => v !== undefined);
  return given.length === 0 ? undefined : (Object.fromEntries(given) as Record<string, string>);
}

/** The --tls-* flags given, over what the file and environment say. */
function tlsOverrides(options: NodeStartOptions): Record<string, string> | undefined {
  const given = Object.entries({ ca: options.tlsCa, cert: options.tlsCert, key: options.tlsKey }).filter(([, v]) => v !== undefined);
  return given.length === 0 ? undefined : (Object.fromEntries(given) as Record<string, string>);
}

/** How long a stopping node may take before the process exits anyway. */
const STOP_TIMEOUT_MS = 15_000;

/** `herald node start|drain`: run one node; hand a node's leaderships away. */
export function registerNode(node: Command): void {
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
    .option('--kafka-port <port>', 'the Kafka listener port (default: 19090 + id; HERALD_KAFKA_PORT); `kafka.enabled: false` in --config turns it off', integer(0, 65535))
    .option('--peers <list>', 'every voter: 1=host:clientPort:peerPort[:kafkaPort],... (default: nodes 1-3 on local ports)')
    .addOption(new Option('--log-level <level>', 'the log level (default: info)').choices(LOG_LEVELS))
    .option('--pretty', 'human-readable logs instead of JSON lines')
    .option('--rejoin', 'this node lost its data and rejoins an existing cluster: it votes again only once repaired from its peers')
    .option('--insecure', 'plaintext and no authentication on the client, metrics and protocol ports (loopback only; the peer port stays mutual TLS)')
    .option('--bootstrap-file <file>', 'users (SCRAM credentials, never passwords) the controller creates when the cluster first forms; `herald cluster up` writes one with the admin user')
    .option('--tls-ca <file>', 'the cluster CA certificate (default: <data root>/certs/ca.crt)')
    .option('--tls-cert <file>', "this node's certificate (default: <data root>/certs/node-<id>.crt)")
    .option('--tls-key <file>', "this node's key (default: <data root>/certs/node-<id>.key)")
    .action(async (options: NodeStartOptions) => {
      // The node's code is loaded here, not with the CLI: other commands start without it.
      const { ConfigError, loadConfig, nodeLogger, parsePeers } = await import('@herald/broker');
      let config: NodeConfig;
      try {
        // Flags override the file and the environment; unset ones are left to them.
        config = loadConfig({
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
            security: securityOverrides(options),
            tls: tlsOverrides(options),
            kafka: options.kafkaPort === undefined ? undefined : { port: options.kafkaPort },
          },
        });
      } catch (err) {
        throw err instanceof ConfigError ? new UsageError(err.message) : err;
      }
      await runNode(config, options.pretty === true ? await prettyLogger(config) : nodeLogger(config));
    });

  withClusterOptions(
    node
      .command('drain')
      .description(
        'hand every partition leadership of a node to another in-sync replica and wait until it leads none, then the controller role if it holds it (before stopping it: a Kubernetes preStop hook, a rolling restart); prints what moved',
      )
      .requiredOption('--node <id>', 'the node to drain', integer(1))
      .addOption(new Option('--deadline-ms <ms>', 'give up on partitions that have not moved after this long (exit code 1)').default(30_000).argParser(integer(1)))
      .option('--json', 'print JSON'),
  ).action(async (options: NodeDrainOptions) => {
    const { controllerId, controllerMoved, result } = await withClient(options, async (client) => {
      const cluster = await client.describeCluster();
      if (!cluster.nodes.some((n) => n.id === options.node)) {
        throw new UsageError(`node ${options.node} is not a member of the cluster (nodes ${cluster.nodes.map((n) => n.id).join(', ')})`);
      }
      const result = await drainNode(client, options.node, {
        deadlineMs: options.deadlineMs,
        onMove: (m) => options.json !== true && print(`${m.topic}/${m.partition}: leader node ${m.from} -> node ${m.to}`),
      });
      const controllerMoved = await moveController(client, options.node, options.deadlineMs);
      return { controllerId: controllerMoved ? (await client.describeCluster()).controllerId : cluster.controllerId, controllerMoved, result };
    });
    if (result.kept.length > 0) process.exitCode = 1;
    if (options.json === true) return printJson({ node: options.node, controller: controllerId === options.node, controllerMovedTo: controllerMoved ? controllerId : 0, ...result });
    for (const k of result.kept) print(`${k.topic}/${k.partition}: still led by node ${options.node}: ${k.reason}`);
    if (controllerMoved) print(`controller: node ${options.node} -> node ${controllerId}`);
    else if (controllerId === options.node) print(`node ${options.node} is still the controller (no other node of the meta group's ISR took it); that role moves when the node stops`);
    const moved = `${result.moved.length} leadership${result.moved.length === 1 ? '' : 's'} moved`;
    print(result.kept.length === 0 ? `node ${options.node} leads no partition (${moved})` : `node ${options.node} still leads ${result.kept.length} partition${result.kept.length === 1 ? '' : 's'} (${moved})`);
  });
}

async function prettyLogger(config: NodeConfig): Promise<Logger> {
  const [{ pino }, { default: PinoPretty }] = await Promise.all([import('pino'), import('pino-pretty')]);
  return pino({ level: config.logLevel, base: { node: config.nodeId } }, PinoPretty({ ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l', sync: true }));
}

async function runNode(config: NodeConfig, logger: Logger): Promise<void> {
  const { startNode } = await import('@herald/broker');
  // The Kafka listener's code is loaded only for a node that serves it.
  const listeners = config.kafka.enabled ? [(await import('@herald/kafka')).kafkaListener()] : [];
  const running = await startNode(config, { logger, listeners });
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
