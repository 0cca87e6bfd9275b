import { InvalidArgumentError, Option, type Command } from 'commander';
import type { NodeConfig } from '@herald/broker';
import type { Logger } from 'pino';
import { drainNode, moveController } from '../drain.js';
import { addNodeAndWait, decommission, reassignmentTable, waitUntilRemoved } from '../reassign.js';
import { withMoveOptions, type MoveOptions } from './partition.js';
import { print, printJson } from '../output.js';
import { clientFor, integer, LOG_LEVELS, UsageError, withClient, withClusterOptions, type ClusterOptions } from '../options.js';

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
  join?: boolean;
  insecure?: boolean;
  bootstrapFile?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  mqtt?: boolean;
  mqttPort?: number;
  mqttHttpPort?: number;
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

/** The --mqtt* flags given, over what the file and environment say. */
function mqttOverrides(options: NodeStartOptions): Record<string, unknown> | undefined {
  const given = Object.entries({ enabled: options.mqtt, port: options.mqttPort, httpPort: options.mqttHttpPort }).filter(([, v]) => v !== undefined);
  return given.length === 0 ? undefined : Object.fromEntries(given);
}

/** How long a stopping node may take before the process exits anyway. */
const STOP_TIMEOUT_MS = 15_000;

interface NodeAddOptions extends ClusterOptions {
  waitMs: number;
  json?: boolean;
}

/** `herald node start|drain|add|remove`: run one node; hand a node's leaderships away; change
 *  the cluster's nodes. */
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
    .option('--join', 'this node is new and joins a running cluster once `herald node add` admits it; --peers lists the cluster\'s nodes and this one')
    .option('--insecure', 'plaintext and no authentication on the client, metrics and protocol ports (loopback only; the peer port stays mutual TLS)')
    .option('--bootstrap-file <file>', 'users (SCRAM credentials, never passwords) the controller creates when the cluster first forms; `herald cluster up` writes one with the admin user')
    .option('--tls-ca <file>', 'the cluster CA certificate (default: <data root>/certs/ca.crt)')
    .option('--tls-cert <file>', "this node's certificate (default: <data root>/certs/node-<id>.crt)")
    .option('--tls-key <file>', "this node's key (default: <data root>/certs/node-<id>.key)")
    .option('--mqtt', "serve MQTT, MQTT over WebSocket and SSE (HERALD_MQTT_ENABLED; the config file's mqtt.enabled)")
    .option('--mqtt-port <port>', 'the MQTT port (default: 1880 + id; HERALD_MQTT_PORT)', integer(0, 65535))
    .option('--mqtt-http-port <port>', 'the port of MQTT over WebSocket (/mqtt), POST /topics and GET /sse (default: 8080 + id; HERALD_MQTT_HTTP_PORT)', integer(0, 65535))
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
            join: options.join,
            peers: options.peers === undefined ? undefined : parsePeers(options.peers),
            security: securityOverrides(options),
            tls: tlsOverrides(options),
            kafka: options.kafkaPort === undefined ? undefined : { port: options.kafkaPort },
            mqtt: mqttOverrides(options),
          },
        });
      } catch (err) {
        throw err instanceof ConfigError ? new UsageError(err.message) : err;
      }
      await runNode(config, options.pretty === true ? await prettyLogger(config) : nodeLogger(config));
    });

  registerMembership(node);
  registerDecommission(node);

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

/** A node as `herald node add` takes it. */
interface NodeSpec {
  id: number;
  host: string;
  clientPort: number;
  peerPort: number;
  kafkaPort?: number;
}

/** Parses id=host:clientPort:peerPort[:kafkaPort] (one entry of `--peers`). */
export function nodeSpec(value: string): NodeSpec {
  const match = /^(\d+)=([A-Za-z0-9._-]+):(\d+):(\d+)(?::(\d+))?$/.exec(value.trim());
  const numbers = match === null ? [] : [match[1], match[3], match[4], match[5]].filter((n) => n !== undefined).map(Number);
  if (match === null || numbers[0]! < 1 || numbers.slice(1).some((port) => port < 1 || port > 65535)) {
    throw new InvalidArgumentError(`"${value}" is not id=host:clientPort:peerPort[:kafkaPort] with an id from 1 and ports from 1 to 65535, e.g. 4=10.0.0.4:7400:7500`);
  }
  const spec = { id: Number(match[1]), host: match[2]!, clientPort: Number(match[3]), peerPort: Number(match[4]) };
  return match[5] === undefined ? spec : { ...spec, kafkaPort: Number(match[5]) };
}

/** The longest a node add waits for the new node to become a voter (AddNode's wait_ms). */
const ADD_WAIT_MS_MAX = 120_000;

/** `herald node add|remove`. */
function registerMembership(node: Command): void {
  withClusterOptions(
    node
      .command('add')
      .description('add a node to the cluster (start it first with `herald node start --join`): every node then accepts its certificate, and the controller makes it a learner of the meta group, then a voter once it caught up')
      .argument('<node>', 'the new node: id=host:clientPort:peerPort[:kafkaPort], as in --peers', nodeSpec)
      .addOption(new Option('--wait-ms <ms>', 'wait this long for it to become a voter').default(30_000).argParser(integer(1, ADD_WAIT_MS_MAX)))
      .option('--json', 'print JSON'),
  ).action(async (spec: NodeSpec, options: NodeAddOptions) => {
    const added = await withClient({ ...options, timeoutMs: Math.max(options.timeoutMs, options.waitMs + 15_000) }, async (client) => (await addNodeAndWait(client, spec, options.waitMs)).node);
    if (options.json === true) return printJson(added);
    print(
      added.role === 'voter'
        ? `node ${added.id} (${added.address}) joined the cluster and votes in the meta group`
        : `node ${added.id} (${added.address}) is a member of the cluster, ${added.role === 'learner' ? 'still catching up as a learner of the meta group' : 'not yet in the meta group (is it running, with --join?)'}; it becomes a voter by itself once caught up`,
    );
    if (added.role !== 'voter') process.exitCode = 1;
  });

  withClusterOptions(
    node
      .command('remove')
      .description('remove a node that holds no partition replica (decommission moves them first); the controller then takes it out of the meta group, after which the node may be stopped')
      .requiredOption('--node <id>', 'the node to remove', integer(1))
      .addOption(new Option('--wait-ms <ms>', 'wait this long for it to leave the meta group').default(30_000).argParser(integer(1, 120_000))),
  ).action(async (options: ClusterOptions & { node: number; waitMs: number }) => {
    const left = await withClient(options, async (client) => {
      await client.removeNode(options.node);
      return waitUntilRemoved(client, (brokers) => clientFor({ ...options, brokers }), options.node, options.waitMs);
    });
    if (left) return print(`node ${options.node} left the cluster; it can be stopped`);
    print(`node ${options.node} was removed from the node list but is still a member of the meta group after ${options.waitMs} ms; the controller keeps trying`);
    process.exitCode = 1;
  });
}

/** `herald node decommission` and `herald node replace`. */
function registerDecommission(node: Command): void {
  withMoveOptions(
    node
      .command('decommission')
      .description('move every replica off a node (each to the least-loaded node without one), wait, then remove the node from the cluster; stop it afterwards')
      .requiredOption('--node <id>', 'the node to empty and remove', integer(1))
      .option('--dry-run', 'print the plan only'),
  ).action((options: MoveOptions & { node: number; dryRun?: boolean }) => emptyAndRemove(options));

  withMoveOptions(
    node
      .command('replace')
      .description(
        'replace a node (a dead one, or one to retire) by a new one: add the new node (start it first with `herald node start --join`), move every replica of the old node to it, then remove the old node; each partition keeps a majority of its replicas throughout',
      )
      .requiredOption('--node <id>', 'the node to replace', integer(1))
      .argument('<new>', 'the new node: id=host:clientPort:peerPort[:kafkaPort], as in --peers', nodeSpec)
      .option('--dry-run', 'print the plan only (the new node must already be a member)'),
  ).action(async (spec: NodeSpec, options: MoveOptions & { node: number; dryRun?: boolean }) => {
    if (spec.id === options.node) throw new UsageError(`the new node needs another id than node ${options.node}`);
    if (options.dryRun !== true) {
      const waitMs = Math.min(options.waitMs, ADD_WAIT_MS_MAX);
      const added = await withClient({ ...options, timeoutMs: Math.max(options.timeoutMs, waitMs + 15_000) }, async (client) => {
        const known = (await client.describeCluster()).nodes.find((n) => n.id === spec.id);
        return known ?? (await addNodeAndWait(client, spec, waitMs)).node;
      });
      if (options.json !== true) print(`node ${added.id} (${added.address}) ${added.role === 'voter' ? 'is a member of the cluster' : `is a member of the cluster (${added.role} in the meta group)`}`);
    }
    await emptyAndRemove(options, spec.id);
  });
}

/** Moves every replica off `options.node` (to `replacement` where given), waits, hands the
 *  moved partitions to their preferred leaders, and removes the node; prints what it did. */
async function emptyAndRemove(options: MoveOptions & { node: number; dryRun?: boolean }, replacement?: number): Promise<void> {
  const result = await withClient({ ...options, timeoutMs: Math.max(options.timeoutMs, 30_000) }, (client) =>
    decommission(client, (brokers) => clientFor({ ...options, brokers }), { node: options.node, dryRun: options.dryRun === true, throttle: options.throttle, waitMs: options.waitMs, replacement }),
  );
  if (!result.removed && options.dryRun !== true) process.exitCode = 1;
  if (options.json === true) return printJson({ node: options.node, ...(replacement === undefined ? {} : { replacement }), moves: result.plan, removed: result.removed, elapsedMs: result.elapsedMs });
  if (result.plan.length > 0) print(reassignmentTable(result.plan));
  if (options.dryRun === true) return;
  print(
    result.removed
      ? `node ${options.node}: ${result.plan.length} replica${result.plan.length === 1 ? '' : 's'} moved and the node removed in ${(result.elapsedMs / 1000).toFixed(1)} s; it can be stopped`
      : result.left.length > 0
        ? `node ${options.node}: ${result.left.length} of ${result.plan.length} replicas still moving after ${options.waitMs} ms; run the command again to finish`
        : `node ${options.node}: its replicas moved, and it is out of the node list but still in the meta group after ${options.waitMs} ms; the controller keeps trying`,
  );
}

async function prettyLogger(config: NodeConfig): Promise<Logger> {
  const [{ pino }, { default: PinoPretty }] = await Promise.all([import('pino'), import('pino-pretty')]);
  return pino({ level: config.logLevel, base: { node: config.nodeId } }, PinoPretty({ ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l', sync: true }));
}

async function runNode(config: NodeConfig, logger: Logger): Promise<void> {
  const { startNode } = await import('@herald/broker');
  // A protocol adapter's code is loaded only for a node that serves it.
  const listeners = [
    ...(config.kafka.enabled ? [(await import('@herald/kafka')).kafkaListener()] : []),
    ...(config.mqtt.enabled ? [(await import('@herald/mqtt')).mqttListener()] : []),
  ];
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
