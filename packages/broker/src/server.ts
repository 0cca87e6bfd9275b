import { pino, type Logger } from 'pino';
import { ClientServer } from './api/server.js';
import type { NodeConfig } from './config/config.js';
import { MembershipDriver } from './membership-driver.js';
import { MetricsServer } from './metrics/http.js';
import { HeraldNode } from './node.js';

/** A protocol listener running over a node (the Kafka listener, the MQTT gateway). */
export interface Listener {
  /** Its bound ports by what they serve, e.g. { kafka: 19092 } or { mqtt: 1883, ws: 8081 }. */
  readonly ports: Readonly<Record<string, number>>;
  /** Stops accepting, closes its connections, and resolves once they are closed. */
  close(): Promise<void>;
}

/**
 * Starts a protocol adapter over a started node. Adapters import the broker, never the reverse
 * (DESIGN.md): the node's entry point (`herald node start`, a test cluster) passes them in.
 */
export type ListenerFactory = (node: HeraldNode, logger: Logger) => Promise<Listener>;

/** A running node with its client API, metrics exporter and protocol listeners. */
export interface RunningNode {
  readonly node: HeraldNode;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly metricsPort: number;
  /** The ports of the protocol listeners, by what they serve. */
  readonly listenerPorts: Readonly<Record<string, number>>;
  stop(): Promise<void>;
}

/** The logger a node uses: JSON lines with the node id (pipe through pino-pretty to read). */
export function nodeLogger(config: Pick<NodeConfig, 'nodeId' | 'logLevel'>): Logger {
  return pino({ level: config.logLevel, base: { node: config.nodeId } });
}

/**
 * Starts everything of one node: store and raft groups, peer transport, client gRPC API, metrics.
 * `onFatal` is called on a storage failure; a process exits there (STYLE: storage failure is
 * fatal), a test fails.
 */
export async function startNode(config: NodeConfig, options: { logger?: Logger; onFatal?: (err: Error) => void; listeners?: readonly ListenerFactory[] } = {}): Promise<RunningNode> {
  const logger = options.logger ?? nodeLogger(config);
  const onFatal =
    options.onFatal ??
    ((err: Error) => {
      logger.fatal({ err }, 'storage failed; stopping so that a supervisor restarts the node');
      process.exit(70);
    });
  const node = await HeraldNode.start(config, logger, onFatal);
  const membership = new MembershipDriver(node);
  const client = new ClientServer(node, logger.child({ component: 'api' }));
  const metrics = new MetricsServer(node.metrics.registry, () => node.meta.controllerId() !== 0, node.security.secure ? node.security.tls : undefined);
  const listeners: Listener[] = [];
  let clientPort: number;
  let metricsPort: number;
  const closeAll = async () => {
    for (const listener of listeners.splice(0).reverse()) await listener.close();
    await client.close();
    await metrics.close();
    membership.stop();
    await node.stop();
  };
  try {
    clientPort = await client.listen(config.host, config.clientPort);
    metricsPort = await metrics.listen(config.host, config.metricsPort);
    for (const start of options.listeners ?? []) listeners.push(await start(node, logger));
  } catch (err) {
    await closeAll();
    throw err;
  }
  const listenerPorts = Object.assign({}, ...listeners.map((l) => l.ports)) as Record<string, number>;
  logger.info({ clientPort, peerPort: node.transport.boundPort, metricsPort, ...listenerPorts, dataDir: config.dataDir }, 'node started');
  return {
    node,
    clientPort,
    peerPort: node.transport.boundPort,
    metricsPort,
    listenerPorts,
    async stop() {
      await closeAll();
      logger.info('node stopped');
    },
  };
}
