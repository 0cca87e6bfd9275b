import { pino, type Logger } from 'pino';
import { ClientServer } from './api/server.js';
import type { NodeConfig } from './config/config.js';
import { MetricsServer } from './metrics/http.js';
import { HeraldNode } from './node.js';

/** A running node with its client API and metrics exporter. */
export interface RunningNode {
  readonly node: HeraldNode;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly metricsPort: number;
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
export async function startNode(config: NodeConfig, options: { logger?: Logger; onFatal?: (err: Error) => void } = {}): Promise<RunningNode> {
  const logger = options.logger ?? nodeLogger(config);
  const onFatal =
    options.onFatal ??
    ((err: Error) => {
      logger.fatal({ err }, 'storage failed; stopping so that a supervisor restarts the node');
      process.exit(70);
    });
  const node = await HeraldNode.start(config, logger, onFatal);
  const client = new ClientServer(node, logger.child({ component: 'api' }));
  const metrics = new MetricsServer(node.metrics.registry, () => node.meta.controllerId() !== 0);
  let clientPort: number;
  let metricsPort: number;
  try {
    clientPort = await client.listen(config.host, config.clientPort);
    metricsPort = await metrics.listen(config.host, config.metricsPort);
  } catch (err) {
    await client.close();
    await node.stop();
    throw err;
  }
  logger.info({ clientPort, peerPort: node.transport.boundPort, metricsPort, dataDir: config.dataDir }, 'node started');
  return {
    node,
    clientPort,
    peerPort: node.transport.boundPort,
    metricsPort,
    async stop() {
      await client.close();
      await metrics.close();
      await node.stop();
      logger.info('node stopped');
    },
  };
}
