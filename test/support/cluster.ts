import * as grpc from '@grpc/grpc-js';
import { loadConfig, startNode, type ListenerFactory, type Peer, type RunningNode } from '@herald/broker';
import { kafkaListener } from '@herald/kafka';
import { mqttListener } from '@herald/mqtt';
import { loadApiDefinition, type ApiGrpcType } from '@herald/protocol';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pino } from 'pino';
import { testAdminTls, testTls } from './pki.js';
import { freePorts } from './ports.js';
import { waitFor } from './wait-for.js';

type V1 = ApiGrpcType['herald']['v1'];
type Clients = {
  produce: InstanceType<V1['ProduceService']>;
  consume: InstanceType<V1['ConsumeService']>;
  admin: InstanceType<V1['AdminService']>;
  groups: InstanceType<V1['GroupService']>;
  queues: InstanceType<V1['QueueService']>;
  transactions: InstanceType<V1['TransactionService']>;
};

/** Calls a unary method of a generated client as a promise. */
export function call<Res>(client: grpc.Client, method: string, request: object, deadlineMs = 10_000): Promise<Res> {
  return new Promise((resolve, reject) => {
    const fn = (client as unknown as Record<string, (req: object, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: Res) => void) => void>)[method]!;
    fn.call(client, request, { deadline: Date.now() + deadlineMs }, (err, res) => (err !== null ? reject(err) : resolve(res)));
  });
}

/** The herald-reason trailer of a failed call. */
export function reasonOf(err: unknown): string | undefined {
  return (err as grpc.ServiceError).metadata?.get('herald-reason')[0]?.toString();
}

/**
 * A cluster of real nodes in this process, over real gRPC on 127.0.0.1, each with its own data
 * directory. Nodes can be stopped and restarted (keeping their data) to exercise failover. With
 * `kafka: true` every node also serves Kafka clients (@herald/kafka) on a free port; with `mqtt:
 * true`, MQTT, WebSocket and SSE (@herald/mqtt). With `secure: true` the client and metrics ports
 * are TLS and every call authenticated: client() and clientTls speak as User:admin with a client
 * certificate of the test CA.
 */
export class TestCluster {
  private readonly running = new Map<number, RunningNode>();
  private readonly clients = new Map<number, Clients>();
  private readonly api = grpc.loadPackageDefinition(loadApiDefinition()) as unknown as ApiGrpcType;

  private constructor(
    readonly peers: Peer[],
    private readonly metricsPorts: Map<number, number>,
    readonly dataDir: string,
    private readonly overrides: Record<string, unknown>,
    private readonly listeners: readonly ListenerFactory[],
    /** TLS as User:admin when the cluster is secure. */
    readonly clientTls: { ca: string; cert: string; key: string } | undefined,
  ) {}

  /** `kafka`: every node serves Kafka clients on a free port; `mqtt`: every node serves MQTT
   *  (TCP, WebSocket and HTTP) on free ports, with the `mqtt` settings of `overrides`. */
  static async start(options: { nodes?: number; overrides?: Record<string, unknown>; kafka?: boolean; mqtt?: boolean; secure?: boolean } = {}): Promise<TestCluster> {
    const count = options.nodes ?? 3;
    const ports = await freePorts(count * 4);
    const peers = Array.from({ length: count }, (_, i) => ({ id: i + 1, host: '127.0.0.1', clientPort: ports[i * 4]!, peerPort: ports[i * 4 + 1]!, kafkaPort: ports[i * 4 + 3]! }));
    const metrics = new Map(peers.map((p, i) => [p.id, ports[i * 4 + 2]!]));
    const mqtt = options.mqtt === true;
    const secure = options.secure === true;
    const overrides = {
      ...(secure ? { security: { mode: 'secure' } } : {}),
      ...options.overrides,
      ...(mqtt ? { mqtt: { enabled: true, port: 0, httpPort: 0, ...(options.overrides?.mqtt as object | undefined) } } : {}),
    };
    const listeners = [...(options.kafka === true ? [kafkaListener()] : []), ...(mqtt ? [mqttListener()] : [])];
    const cluster = new TestCluster(peers, metrics, mkdtempSync(`${tmpdir()}/herald-test-`), overrides, listeners, secure ? await testAdminTls() : undefined);
    await Promise.all(peers.map((p) => cluster.startNode(p.id)));
    await cluster.controller();
    return cluster;
  }

  /** Ports for one more node (the next id), for a node to start with `join: true` and add at
   *  runtime; the nodes already running keep their configuration. */
  async addPeer(): Promise<Peer> {
    const [clientPort, peerPort, metricsPort, kafkaPort] = await freePorts(4);
    const peer = { id: Math.max(...this.peers.map((p) => p.id)) + 1, host: '127.0.0.1', clientPort: clientPort!, peerPort: peerPort!, kafkaPort: kafkaPort! };
    this.peers.push(peer);
    this.metricsPorts.set(peer.id, metricsPort!);
    return peer;
  }

  /** Starts (or restarts) node `id`: insecure on the client port unless the cluster's or the
   *  call's overrides say otherwise; the peer port is mutual TLS with the test PKI. */
  async startNode(id: number, overrides: Record<string, unknown> = {}): Promise<RunningNode> {
    const config = loadConfig({
      overrides: {
        nodeId: id,
        peers: this.peers,
        dataDir: `${this.dataDir}/node-${id}`,
        metricsPort: this.metricsPorts.get(id),
        logLevel: process.env.HERALD_TEST_LOG ?? 'silent',
        tls: await testTls(id),
        security: { mode: 'insecure' },
        ...this.overrides,
        ...overrides,
      },
    });
    const node = await startNode(config, {
      listeners: this.listeners,
      logger: pino({ level: config.logLevel, base: { node: id } }),
      onFatal: (err) => {
        throw err;
      },
    });
    this.running.set(id, node);
    return node;
  }

  async stopNode(id: number): Promise<void> {
    const node = this.running.get(id);
    this.running.delete(id);
    this.clients.get(id)?.produce.close();
    this.clients.get(id)?.consume.close();
    this.clients.get(id)?.admin.close();
    this.clients.get(id)?.groups.close();
    this.clients.get(id)?.queues.close();
    this.clients.get(id)?.transactions.close();
    this.clients.delete(id);
    await node?.stop();
  }

  /** Deletes a stopped node's data directory: a lost disk. */
  wipe(id: number): void {
    if (this.running.has(id)) throw new Error(`stop node ${id} before wiping it`);
    rmSync(`${this.dataDir}/node-${id}`, { recursive: true, force: true });
  }

  node(id: number): RunningNode {
    const node = this.running.get(id);
    if (node === undefined) throw new Error(`node ${id} is not running`);
    return node;
  }

  isRunning(id: number): boolean {
    return this.running.has(id);
  }

  /** Every node's Kafka listener, as Kafka clients' bootstrap servers (with `kafka: true`). */
  get kafkaBrokers(): string[] {
    return this.peers.map((p) => `127.0.0.1:${p.kafkaPort}`);
  }

  /** Raw generated gRPC clients for node `id`. */
  client(id: number): Clients {
    let clients = this.clients.get(id);
    if (clients === undefined) {
      const address = `127.0.0.1:${this.peers.find((p) => p.id === id)!.clientPort}`;
      const tls = this.clientTls;
      const creds = tls === undefined ? grpc.credentials.createInsecure() : grpc.credentials.createSsl(Buffer.from(tls.ca), Buffer.from(tls.key), Buffer.from(tls.cert));
      const v1 = this.api.herald.v1;
      clients = {
        produce: new v1.ProduceService(address, creds),
        consume: new v1.ConsumeService(address, creds),
        admin: new v1.AdminService(address, creds),
        groups: new v1.GroupService(address, creds),
        queues: new v1.QueueService(address, creds),
        transactions: new v1.TransactionService(address, creds),
      };
      this.clients.set(id, clients);
    }
    return clients;
  }

  /** The controller's id, once one is elected. */
  controller(timeoutMs = 10_000): Promise<number> {
    return waitFor(
      () => {
        const ids = [...this.running.values()].map((n) => n.node.meta.controllerId()).filter((id) => id !== 0 && this.running.has(id));
        return ids.length > 0 && this.running.get(ids[0]!)!.node.meta.isController() ? ids[0] : undefined;
      },
      { timeoutMs, what: 'a controller' },
    );
  }

  /** Creates a topic at the controller and waits until every partition has a leader. */
  async createTopic(name: string, partitions: number, replicationFactor = this.peers.length, configs: Record<string, string> = {}): Promise<void> {
    const controller = await this.controller();
    await call(this.client(controller).admin, 'createTopic', { name, partitions, replicationFactor, configs });
    for (let p = 0; p < partitions; p++) await this.leaderOf(name, p);
  }

  /** The id of the running node that leads topic/partition, once there is one. */
  leaderOf(topic: string, partition: number, timeoutMs = 10_000): Promise<number> {
    return waitFor(
      () => {
        for (const [id, running] of this.running) {
          try {
            const view = running.node.partitionView(topic, partition);
            if (view.leaderId === id) return id;
          } catch {
            // topic not known on this node yet
          }
        }
        return undefined;
      },
      { timeoutMs, what: `a leader of ${topic}/${partition}` },
    );
  }

  async stop(): Promise<void> {
    for (const id of [...this.running.keys()]) await this.stopNode(id);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
