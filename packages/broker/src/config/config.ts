import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { MqttConfigSchema } from './mqtt.js';

const port = z.number().int().min(0).max(65535);
const positiveMs = z.number().int().min(1);
const principal = z.string().regex(/^User:[a-zA-Z0-9._-]{1,249}$/, 'must be User:<name>');

const PeerSchema = z.object({
  id: z.number().int().min(1),
  host: z.string().min(1).default('127.0.0.1'),
  clientPort: port,
  peerPort: port,
  /** Where Kafka clients reach this peer (its Kafka listener's advertised address): the host
   *  defaults to `host`, the port to the local default 19090 + id. Metadata lists every peer. */
  kafkaHost: z.string().min(1).optional(),
  kafkaPort: port.optional(),
});
export type Peer = z.infer<typeof PeerSchema>;

/** Every setting of a node, with its default. File, environment and flags all go through here. */
export const NodeConfigSchema = z
  .object({
    nodeId: z.number().int().min(1),
    dataDir: z.string().min(1),
    /** The address this node listens on (client, peer and metrics ports). */
    host: z.string().min(1).default('127.0.0.1'),
    clientPort: port,
    peerPort: port,
    metricsPort: port,
    /** Every voter of the cluster, this node included. */
    peers: z.array(PeerSchema).min(1),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    /**
     * The node's certificate and the cluster CA (PEM files; `herald cluster up` and
     * `herald cert` make them). The peer port is mutual TLS with these in every mode: only a
     * node whose certificate names a member's id may send Raft messages (issue #12). Default:
     * `<data root>/certs/ca.crt` and `<data root>/certs/node-<id>.crt|key`, where the data root
     * is the folder holding dataDir (cluster up's layout).
     */
    tls: z.object({ ca: z.string().min(1), cert: z.string().min(1), key: z.string().min(1) }),
    security: z
      .object({
        /** secure (the default): TLS on the client, metrics and protocol ports, and every call
         *  authenticated (a SCRAM login or a client certificate) and authorized by ACLs.
         *  insecure: plaintext there and no authentication, on a loopback address only. */
        mode: z.enum(['secure', 'insecure']).default('secure'),
        /** Principals allowed everything. Nodes (User:herald-node-N) always are. */
        superUsers: z.array(principal).default(['User:admin']),
        /** A JSON file of users the controller creates when the cluster first forms
         *  ({"users": [{"name", "credentials": [ScramCredential, ...]}]}; `herald cluster up`
         *  writes one with the admin user). Passwords are never in it. */
        bootstrapFile: z.string().min(1).optional(),
        /** How long a session token lives. */
        tokenLifetimeMs: z.number().int().min(60_000).max(86_400_000).default(3_600_000),
      })
      .prefault({}),
    /** This node lost its data (a wiped or replaced disk) and rejoins an existing cluster: every
     *  group it finds nothing stored for neither votes nor campaigns until a leader has
     *  re-replicated a committed log to it. Never set it on a cluster's first start. */
    rejoin: z.boolean().default(false),
    /** This node is new and joins a running cluster (`herald node add` admits it): it starts in
     *  no group as a voter, only as a learner of the meta group, and contacts the nodes of
     *  `peers`, which must list it too (its own addresses). Ignored once it has stored state. */
    join: z.boolean().default(false),
    raft: z
      .object({
        tickMs: positiveMs.default(50),
        electionTimeoutMinMs: positiveMs.default(300),
        electionTimeoutMaxMs: positiveMs.default(600),
        heartbeatIntervalMs: positiveMs.default(100),
        maxInflightAppends: z.number().int().min(1).default(256),
        maxAppendBytes: z.number().int().min(1024).default(1 << 20),
        /** Bytes of entry data in flight to one follower of one group before the leader waits for
         *  its answers: bounds what a catch-up (a wiped or lagging replica) puts on the wire and
         *  on the follower's next write at once. */
        maxInflightBytes: z.number().int().min(1024).default(4 << 20),
        /** Bytes of entry data in one Append to a follower that is behind (a wiped or lagging
         *  replica, a reassignment's new one): catch-up travels in small messages, as etcd's
         *  MaxSizePerMsg and CockroachDB's 32 KiB messages do, so that it spreads over short
         *  turns (docs/design-notes.md, "Catch-up budget"). */
        maxCatchupAppendBytes: z.number().int().min(1024).default(256 << 10),
        /** Bytes of catch-up data (catch-up Appends and snapshots) one host turn sends as leader,
         *  for every follower and group of the node together, and steps (so writes) as follower;
         *  the rest waits for the next turns. A turn hears and answers nothing: this keeps it
         *  short, so heartbeats and votes are not starved while a node catches up. */
        catchupBytesPerTurn: z.number().int().min(1024).default(1 << 20),
        /** Kafka's replica.lag.time.max.ms: a follower stays in sync while it caught up this recently. */
        replicaLagTimeMaxMs: positiveMs.default(10_000),
        /** Applied entries of the meta group between two snapshots of the metadata (consumer
         *  group commits make its log grow steadily). */
        metaSnapshotEntries: z.number().int().min(10).default(5_000),
        /** Idle groups stop ticking and heartbeating until something happens (issue #17); a
         *  node-level failure detector (a ping per peer every heartbeat interval) stands in for
         *  their election timers. Off, every group ticks and heartbeats all the time. */
        quiesce: z.boolean().default(true),
      })
      .prefault({}),
    limits: z
      .object({
        /** Kafka's max.message.bytes: the largest record batch accepted. */
        maxMessageBytes: z.number().int().min(1024).default(1 << 20),
        /** The largest gRPC message accepted on the client port. */
        maxRequestBytes: z.number().int().min(1024).default(4 << 20),
        maxConcurrentStreams: z.number().int().min(1).default(256),
        /** Subscribe streams a node serves at once; more are refused with TooManyStreams. */
        maxSubscribeStreams: z.number().int().min(1).default(10_000),
        /** Bytes all of a node's server streams may hold written and not yet taken by their
         *  readers (api/stream-budget.ts). */
        streamBufferBytes: z.number().int().min(1 << 20).default(64 << 20),
        /** A stream whose reader takes nothing of what was written for this long is ended with
         *  RESOURCE_EXHAUSTED; the reader reconnects from its offset. */
        streamStallMs: positiveMs.default(30_000),
        produceTimeoutMs: positiveMs.default(30_000),
        /** The free-disk guard (disk-guard.ts): a produce is refused with DiskFull while the data
         *  directory's filesystem has less free space than this; 0 turns the guard off. */
        diskFreeMinBytes: z.number().int().min(0).default(64 << 20),
        fetchMaxWaitMs: positiveMs.default(30_000),
      })
      .prefault({}),
    groups: z
      .object({
        /** Bounds on a member's session timeout (Kafka's group.min/max.session.timeout.ms). */
        minSessionTimeoutMs: positiveMs.default(1_000),
        maxSessionTimeoutMs: positiveMs.default(300_000),
        /** How long the first rebalance of an empty group waits for more members to join
         *  (Kafka's group.initial.rebalance.delay.ms), so that members starting together get
         *  one rebalance rather than one each. */
        initialRebalanceDelayMs: z.number().int().min(0).default(300),
        /** How often the coordinator recomputes every group's lag for the lag gauges. */
        lagRefreshMs: positiveMs.default(5_000),
      })
      .prefault({}),
    retention: z
      .object({
        /** How often a partition's leader applies its topic's retention.ms and retention.bytes
         *  (Kafka's log.retention.check.interval.ms). */
        checkIntervalMs: positiveMs.default(30_000),
        /** How often every replica compacts the partitions of topics with cleanup.policy
         *  compact (Kafka's log.cleaner.backoff.ms, roughly). */
        compactionIntervalMs: positiveMs.default(30_000),
      })
      .prefault({}),
    /** Half messages (transactions.proto): when their leader checks back with the producer
     *  group (RocketMQ's transactionTimeOut, transactionCheckInterval, transactionCheckMax). A
     *  topic overrides them with transaction.check.after.ms, .interval.ms and .max. */
    transactions: z
      .object({
        /** An undecided half message is first checked back this long after it was stored. */
        checkAfterMs: positiveMs.default(6_000),
        /** Then again this often. */
        checkIntervalMs: positiveMs.default(60_000),
        /** After this many check-backs without a decision it is rolled back. */
        checkMax: z.number().int().min(1).max(1_000).default(15),
      })
      .prefault({}),
    /** The Kafka listener (@herald/kafka), started by `herald node start` when enabled. */
    kafka: z
      .object({
        enabled: z.boolean().default(true),
        /** The port it binds on `host` (local default: 19090 + id). */
        port: port.default(0),
        /** The address Kafka clients are told to reach this node at (Metadata,
         *  FindCoordinator); its peers entry's (kafkaHost, else host) and the bound port when
         *  unset. */
        advertisedHost: z.string().min(1).optional(),
        advertisedPort: port.optional(),
      })
      .prefault({}),
    metrics: z
      .object({
        /** Series per partition (`partition`, the default), or per topic (`topic`): with 10,000
         *  partitions the per-partition gauges are some 150,000 series per node; per topic they
         *  are the topic's sums over the partitions hosted here (docs/metrics.md). */
        partitionSeries: z.enum(['partition', 'topic']).default('partition'),
      })
      .prefault({}),
    topicDefaults: z
      .object({
        partitions: z.number().int().min(1).default(1),
        replicationFactor: z.number().int().min(1).default(3),
        minInsyncReplicas: z.number().int().min(1).default(1),
        /** Kafka's retention.ms and retention.bytes for topics that do not set them; -1 keeps
         *  everything (Herald's default: deleting data is asked for, never assumed). */
        retentionMs: z.number().int().min(-1).default(-1),
        retentionBytes: z.number().int().min(-1).default(-1),
      })
      .prefault({}),
    /** The MQTT gateway (config/mqtt.ts), started by `herald node start` when enabled. */
    mqtt: MqttConfigSchema,
  })
  .superRefine((c, ctx) => {
    if (!c.peers.some((p) => p.id === c.nodeId)) ctx.addIssue({ code: 'custom', path: ['peers'], message: `peers must include this node (id ${c.nodeId})` });
    if (new Set(c.peers.map((p) => p.id)).size !== c.peers.length) ctx.addIssue({ code: 'custom', path: ['peers'], message: 'peer ids must be unique' });
    if (c.raft.electionTimeoutMaxMs < c.raft.electionTimeoutMinMs) ctx.addIssue({ code: 'custom', path: ['raft', 'electionTimeoutMaxMs'], message: 'must be at least electionTimeoutMinMs' });
    if (c.raft.heartbeatIntervalMs * 2 > c.raft.electionTimeoutMinMs) ctx.addIssue({ code: 'custom', path: ['raft', 'heartbeatIntervalMs'], message: 'must be at most half of electionTimeoutMinMs' });
    if (c.raft.tickMs > c.raft.heartbeatIntervalMs) ctx.addIssue({ code: 'custom', path: ['raft', 'tickMs'], message: 'must be at most heartbeatIntervalMs' });
    if (c.groups.maxSessionTimeoutMs < c.groups.minSessionTimeoutMs) ctx.addIssue({ code: 'custom', path: ['groups', 'maxSessionTimeoutMs'], message: 'must be at least minSessionTimeoutMs' });
    if (c.security.mode === 'insecure' && !isLoopback(c.host)) {
      ctx.addIssue({ code: 'custom', path: ['security', 'mode'], message: `insecure serves plaintext without authentication: only on a loopback address (host is ${c.host}); use secure` });
    }
  });
export type NodeConfig = z.infer<typeof NodeConfigSchema>;

/** A bad configuration: the message names every field that is wrong and why. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The ports of node N in the local development cluster (DESIGN.md): 740N, 750N, 940N. */
export function localPeer(id: number): Peer {
  return { id, host: '127.0.0.1', clientPort: 7400 + id, peerPort: 7500 + id };
}

/** The local default port of node N's Kafka listener (issue #13): 1909N. */
export function localKafkaPort(id: number): number {
  return 19090 + id;
}

/** Parses `HERALD_PEERS`: `1=127.0.0.1:7401:7501,2=...` (id=host:clientPort:peerPort), each
 *  optionally followed by `:kafkaPort`. */
export function parsePeers(text: string): Peer[] {
  return text.split(',').map((item) => {
    const match = /^\s*(\d+)=([^:\s]+):(\d+):(\d+)(?::(\d+))?\s*$/.exec(item);
    if (match === null) throw new ConfigError(`peers: "${item}" is not id=host:clientPort:peerPort[:kafkaPort]`);
    const peer: Peer = { id: Number(match[1]), host: match[2]!, clientPort: Number(match[3]), peerPort: Number(match[4]) };
    return match[5] === undefined ? peer : { ...peer, kafkaPort: Number(match[5]) };
  });
}

/** Whether `host` is a loopback address, where an insecure node may listen. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

const envKeys = {
  HERALD_NODE_ID: 'nodeId',
  HERALD_DATA_DIR: 'dataDir',
  HERALD_HOST: 'host',
  HERALD_CLIENT_PORT: 'clientPort',
  HERALD_PEER_PORT: 'peerPort',
  HERALD_METRICS_PORT: 'metricsPort',
  HERALD_LOG_LEVEL: 'logLevel',
} as const;
/** Environment variables of the Kafka listener's settings. */
const kafkaEnvKeys = { HERALD_KAFKA_PORT: 'port', HERALD_KAFKA_ADVERTISED_HOST: 'advertisedHost', HERALD_KAFKA_ADVERTISED_PORT: 'advertisedPort' } as const;
/** Environment variables of the MQTT gateway's settings. */
const mqttEnvKeys = { HERALD_MQTT_ENABLED: 'enabled', HERALD_MQTT_PORT: 'port', HERALD_MQTT_HTTP_PORT: 'httpPort' } as const;
const numericKeys = new Set(['nodeId', 'clientPort', 'peerPort', 'metricsPort']);

/**
 * Builds a node's configuration from, in increasing precedence: a YAML file, HERALD_* environment
 * variables, and explicit overrides (command-line flags). Throws ConfigError listing every problem.
 */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv; overrides?: Record<string, unknown> } = {}): NodeConfig {
  let raw: Record<string, unknown> = {};
  if (options.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config file ${options.file}: ${(err as Error).message}`);
    }
    const parsed: unknown = parseYaml(text);
    if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) throw new ConfigError(`config file ${options.file} must hold a mapping`);
    raw = { ...(parsed as Record<string, unknown> | null) };
  }
  const env = options.env ?? {};
  for (const [name, key] of Object.entries(envKeys)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    raw[key] = numericKeys.has(key) ? toNumber(value, name) : value;
  }
  if (env.HERALD_PEERS) raw.peers = parsePeers(env.HERALD_PEERS);
  for (const [name, key] of Object.entries(kafkaEnvKeys)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    raw.kafka = { ...(raw.kafka as object | undefined), [key]: key === 'advertisedHost' ? value : toNumber(value, name) };
  }
  for (const [name, key] of Object.entries(mqttEnvKeys)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    raw.mqtt = { ...(raw.mqtt as object | undefined), [key]: key === 'enabled' ? toBoolean(value, name) : toNumber(value, name) };
  }
  const tls = { ...(raw.tls as Record<string, unknown> | undefined) };
  for (const [name, key] of [['HERALD_TLS_CA', 'ca'], ['HERALD_TLS_CERT', 'cert'], ['HERALD_TLS_KEY', 'key']] as const) {
    if (env[name] !== undefined && env[name] !== '') tls[key] = env[name];
  }
  if (Object.keys(tls).length > 0) raw.tls = tls;
  if (env.HERALD_SECURITY_MODE !== undefined && env.HERALD_SECURITY_MODE !== '') raw.security = { ...(raw.security as Record<string, unknown> | undefined), mode: env.HERALD_SECURITY_MODE };
  // An override of a section (tls, security, …) changes the fields it names and keeps the rest.
  const isSection = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    raw[key] = isSection(value) && isSection(raw[key]) ? { ...raw[key], ...value } : value;
  }
  return withLocalDefaults(raw);
}

function toNumber(value: string, name: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new ConfigError(`${name} must be a whole number, in decimal digits (got "${value}")`);
  return Number(value);
}

function toBoolean(value: string, name: string): boolean {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigError(`${name} must be true or false (got "${value}")`);
}

/** Fills what a local 3-node cluster can derive from the node id, then validates. */
function withLocalDefaults(raw: Record<string, unknown>): NodeConfig {
  const id = typeof raw.nodeId === 'number' ? raw.nodeId : undefined;
  if (id !== undefined) {
    raw.peers ??= [1, 2, 3].map(localPeer);
    const self = (raw.peers as Peer[]).find?.((p) => p.id === id);
    raw.clientPort ??= self?.clientPort ?? 7400 + id;
    raw.peerPort ??= self?.peerPort ?? 7500 + id;
    raw.metricsPort ??= 9400 + id;
    raw.dataDir ??= `data/node-${id}`;
    const kafka = (raw.kafka ?? {}) as Record<string, unknown>;
    raw.kafka = { ...kafka, port: kafka.port ?? self?.kafkaPort ?? localKafkaPort(id) };
    const certs = join(dirname(String(raw.dataDir)), 'certs');
    raw.tls = { ca: join(certs, 'ca.crt'), cert: join(certs, `node-${id}.crt`), key: join(certs, `node-${id}.key`), ...(raw.tls as Record<string, unknown> | undefined) };
    // The MQTT gateway's local ports (DESIGN.md): 188N for MQTT, 808N for WebSocket and HTTP.
    const mqtt = { ...(raw.mqtt as Record<string, unknown> | undefined) };
    mqtt.port ??= 1880 + id;
    mqtt.httpPort ??= 8080 + id;
    raw.mqtt = mqtt;
  }
  const result = NodeConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(`invalid configuration:\n${z.prettifyError(result.error)}`);
  return result.data;
}
