import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { TopicDescription } from '@herald/client';
import { cliCommand, nodeEntry } from '../launch.js';
import { formatTable, print, printJson } from '../output.js';
import { integer, LOG_LEVELS, nodeIds, UsageError, withClient, withClusterOptions, type ClusterOptions } from '../options.js';
import { rebalance, reassignmentTable } from '../reassign.js';
import { withMoveOptions, type MoveOptions } from './partition.js';
import { partitionTable } from './topic.js';

/** How long `cluster up` waits for a controller to be elected. */
const ELECTION_TIMEOUT_MS = 30_000;
/** How long nodes get to stop after SIGTERM before they are killed. */
const STOP_TIMEOUT_MS = 10_000;

interface UpOptions {
  nodes: number;
  data: string;
  detach?: boolean;
  host: string;
  ports: [number, number, number];
  kafkaPort: number;
  /** MQTT and HTTP (WebSocket, SSE) base ports. */
  mqttPorts: [number, number];
  /** False with --no-mqtt. */
  mqtt: boolean;
  logLevel: string;
  insecure?: boolean;
}

/** What `cluster up` starts. Steps that prepare more for the nodes (certificates, a client
 *  configuration) add it here and to nodeArgs(). */
interface LocalCluster {
  readonly options: UpOptions;
  readonly nodes: readonly LocalNode[];
  /** The compiled CLI the nodes run (launch.ts). */
  readonly entry: string;
  /** The CLI as the user types it, for the hints printed (launch.ts). */
  readonly herald: string;
  /** Secure: the users file the controller bootstraps from (the admin). */
  readonly bootstrapFile?: string;
  /** The client config file written for the CLI and the SDK (brokers, CA, admin credentials). */
  readonly clientConfig: string;
}

/** One node of a local cluster: its id, ports and folder. */
interface LocalNode {
  readonly id: number;
  readonly clientAddress: string;
  readonly peerPort: number;
  readonly metricsPort: number;
  /** Its Kafka listener's port (on the cluster's host). */
  readonly kafkaPort: number;
  /** MQTT and HTTP ports (0: any free one); undefined without MQTT. */
  readonly mqtt?: { readonly port: number; readonly httpPort: number };
  readonly dir: string;
  /** `dir` as the user named it (relative to the working directory if they gave it so). */
  readonly shownDir: string;
}

function basePorts(value: string): [number, number, number] {
  const parts = value.split(',').map(Number);
  if (parts.length !== 3 || parts.some((p) => !Number.isInteger(p) || p < 1 || p > 65_000)) {
    throw new InvalidArgumentError('must be three base ports client,peer,metrics, e.g. 7400,7500,9400');
  }
  return parts as [number, number, number];
}

function mqttPorts(value: string): [number, number] {
  const parts = value.split(',').map(Number);
  if (parts.length !== 2 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 65_000)) {
    throw new InvalidArgumentError('must be two base ports mqtt,http, e.g. 1880,8080 (0,0: any free ports)');
  }
  return parts as [number, number];
}

/** `herald cluster up|down|status`. */
export function registerCluster(cluster: Command, cliEntry: string): void {
  cluster
    .command('up')
    .description('run a local cluster of N nodes: in the foreground (Ctrl-C stops it) or, with --detach, in the background (stop it with `herald cluster down`)')
    .addOption(new Option('--nodes <n>', 'number of nodes').default(3).argParser(integer(1, 9)))
    .option('--data <dir>', 'data folder; node N keeps its data in <dir>/node-N', './data')
    .option('--detach', 'run the nodes in the background, logging to <dir>/node-N/herald.log, and return once a controller is elected')
    .option('--host <host>', 'the address the nodes listen on', '127.0.0.1')
    .addOption(new Option('--ports <client,peer,metrics>', 'base ports: node N listens on base + N').default([7400, 7500, 9400], '7400,7500,9400').argParser(basePorts))
    .addOption(new Option('--kafka-port <port>', "base port of the nodes' Kafka listeners: node N listens on base + N").default(19090).argParser(integer(1, 65_000)))
    .addOption(new Option('--mqtt-ports <mqtt,http>', 'MQTT base ports: node N serves MQTT on base + N, and MQTT over WebSocket (/mqtt) and SSE on http base + N; 0,0 picks free ports').default([1880, 8080], '1880,8080').argParser(mqttPorts))
    .option('--no-mqtt', 'do not serve MQTT, WebSocket and SSE')
    .addOption(new Option('--log-level <level>', "the nodes' log level").choices(LOG_LEVELS).default('info'))
    .option('--insecure', 'plaintext and no authentication on the client and metrics ports (loopback only; the peer port stays mutual TLS)')
    .action((options: UpOptions) => clusterUp(options, cliEntry));

  cluster
    .command('down')
    .description('stop a cluster started with `herald cluster up --detach` (the processes named in <dir>/node-N/herald.pid)')
    .option('--data <dir>', 'the data folder given to cluster up', './data')
    .action((options: { data: string }) => clusterDown(options.data));

  registerRoll(cluster, cliEntry);

  withMoveOptions(
    cluster
      .command('rebalance')
      .description('even out replica counts and preferred leaders across the nodes (after adding nodes): plans the fewest moves, reassigns those partitions, waits, then hands each its preferred leader')
      .option('--dry-run', 'print the plan only'),
  ).action(async (options: MoveOptions & { dryRun?: boolean }) => {
    const { plan, left, leaders, elapsedMs } = await withClient(options, (client) => rebalance(client, { dryRun: options.dryRun === true, throttle: options.throttle, waitMs: options.waitMs }));
    if (left.length > 0) process.exitCode = 1;
    if (options.json === true) return printJson({ moves: plan, done: left.length === 0, leadersMoved: leaders, elapsedMs });
    if (plan.length === 0) return print('the cluster is balanced: nothing to move');
    print(reassignmentTable(plan));
    if (options.dryRun === true) return;
    print(
      left.length === 0
        ? `${plan.length} partition${plan.length === 1 ? '' : 's'} moved in ${(elapsedMs / 1000).toFixed(1)} s; ${leaders} leadership${leaders === 1 ? '' : 's'} handed to preferred leaders`
        : `${left.length} of ${plan.length} partitions still moving after ${options.waitMs} ms; they go on`,
    );
  });

  withClusterOptions(cluster.command('status').description("show the nodes, the controller, and every partition's leader, replicas, ISR and high watermark").option('--json', 'print JSON')).action(
    async (options: ClusterOptions & { json?: boolean }) => {
      const { description, topics } = await withClient(options, async (client) => {
        const description = await client.describeCluster();
        const list = await client.listTopics();
        const topics: TopicDescription[] = [];
        for (const t of list) topics.push(await client.describeTopic(t.name));
        return { description, topics };
      });
      if (options.json === true) return printJson({ ...description, topics });
      const controller = description.controllerId === 0 ? 'none elected' : `node ${description.controllerId}`;
      print(`cluster ${description.clusterId}: ${description.nodes.length} nodes, controller ${controller}`);
      print();
      print(formatTable(['NODE', 'ADDRESS', 'ALIVE', 'ROLE'], description.nodes.map((n) => [n.id, n.address, n.alive ? 'yes' : 'no', n.id === description.controllerId ? 'controller' : n.role])));
      print();
      print(topics.length === 0 ? 'no topics' : partitionTable(topics));
    },
  );
}

interface RollCommandOptions extends ClusterOptions {
  data: string;
  nodes?: number[];
  manual?: boolean;
  dryRun?: boolean;
  waitMs: number;
  drainMs: number;
  json?: boolean;
}

function registerRoll(cluster: Command, cliEntry: string): void {
  withClusterOptions(
    cluster
      .command('roll')
      .description(
        "restart every node, one at a time, each only when every Raft group it votes in keeps an in-sync majority without it, after handing its leaderships away, and once the one before is back in every ISR. A cluster started by `cluster up --detach` is restarted here (on this CLI's build: a roll upgrades it); any other is restarted by you with --manual",
      )
      .option('--data <dir>', 'the data folder given to cluster up --detach (its node-N/herald.pid name the processes)', './data')
      .addOption(new Option('--nodes <ids>', 'roll only these nodes, e.g. 1,3 (default: all; the controller last)').argParser(nodeIds))
      .option('--manual', 'do not restart nodes here: say when each one may be restarted, and wait for Enter once you restarted it')
      .option('--dry-run', 'print the order and what would hold each node back now; restart nothing')
      .addOption(new Option('--wait-ms <ms>', 'stop the roll when a node stays unsafe to restart, or behind after its restart, this long').default(120_000).argParser(integer(1)))
      .addOption(new Option('--drain-ms <ms>', "how long moving one node's leaderships may take").default(30_000).argParser(integer(1)))
      .option('--json', 'print JSON (the result per node)'),
  ).action((options: RollCommandOptions) => clusterRoll(options, cliEntry));
}

async function clusterRoll(options: RollCommandOptions, cliEntry: string): Promise<void> {
  const { rollBlockers, rollCluster, rollOrder, RollStopped, viewCluster } = await import('../roll.js');
  await withClient(options, async (client) => {
    const view = await viewCluster(client, options.timeoutMs);
    const known = view.cluster.nodes.map((n) => n.id);
    const unknown = (options.nodes ?? []).filter((id) => !known.includes(id));
    if (unknown.length > 0) throw new UsageError(`node ${unknown.join(', ')} is not a member of the cluster (nodes ${known.join(', ')})`);
    const order = rollOrder(view.cluster, options.nodes);
    if (options.dryRun === true) {
      const plan = order.map((node) => ({ node, controller: node === view.cluster.controllerId, blockers: rollBlockers(view, node) }));
      if (options.json === true) return printJson({ order, plan });
      print(`roll order: ${order.map((id) => `node ${id}${id === view.cluster.controllerId ? ' (controller)' : ''}`).join(', ')}`);
      for (const p of plan) print(p.blockers.length === 0 ? `node ${p.node}: safe to restart now` : `node ${p.node}: waits for ${p.blockers.join('; ')}`);
      return;
    }
    const operator = options.manual === true ? operatorRestarts() : undefined;
    const restart = operator?.restart ?? localRestarter(options.data, nodeEntry(cliEntry), order);
    const json = options.json === true;
    try {
      const results = await rollCluster(client, {
        restart,
        nodes: order,
        waitMs: options.waitMs,
        drainMs: options.drainMs,
        onEvent: (e) => {
          if (json) return;
          if (e.type === 'waiting') print(`node ${e.node}: waiting until it is safe to restart: ${e.blockers.join('; ')}`);
          else if (e.type === 'drained') print(`node ${e.node}: ${e.moved} leadership${e.moved === 1 ? '' : 's'} moved away${e.kept > 0 ? `, ${e.kept} kept` : ''}${e.controllerMoved ? ', controller role moved away' : ''}`);
          else if (e.type === 'restarted') print(`node ${e.node}: restarted in ${e.restartMs} ms`);
          else if (e.type === 'behind') print(`node ${e.node}: waiting until it is back in sync: ${e.lag.join(', ')}`);
          else if (e.type === 'healed') print(`node ${e.node}: back in every ISR ${e.result.healMs} ms later`);
        },
      });
      if (json) printJson({ nodes: results });
      else print(`rolled ${results.length} node${results.length === 1 ? '' : 's'}`);
    } catch (err) {
      if (!(err instanceof RollStopped)) throw err;
      if (json) printJson({ nodes: err.done, stopped: { node: err.node, reasons: err.reasons } });
      else print(`roll stopped at node ${err.node}: ${err.message}: ${err.reasons.join('; ')}`);
      process.exitCode = 1;
    } finally {
      operator?.close();
    }
  });
}

/** --manual: the operator restarts each node (a Kubernetes pod delete, a systemd restart) and
 *  presses Enter; the roll then waits for the node to be back in sync. One reader of standard
 *  input serves every node (lines typed ahead count, in order); close() lets the process end. */
function operatorRestarts(): { restart: (id: number) => Promise<void>; close: () => void } {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const typed: string[] = [];
  let waiting: { resolve: () => void; reject: (err: Error) => void } | undefined;
  let ended = false;
  lines.on('line', (line) => {
    if (waiting === undefined) typed.push(line);
    else waiting.resolve();
    waiting = undefined;
  });
  lines.once('close', () => {
    ended = true;
    waiting?.reject(new Error('standard input closed before the restart was confirmed'));
  });
  return {
    restart: async (id) => {
      process.stderr.write(`node ${id} is drained and safe to restart: restart it now, then press Enter\n`);
      if (typed.shift() !== undefined) return;
      if (ended) throw new Error('standard input closed before the restart was confirmed');
      await new Promise<void>((resolve, reject) => (waiting = { resolve, reject }));
    },
    close: () => lines.close(),
  };
}

/**
 * Restarts the nodes of a cluster started by `cluster up --detach` from `data`: SIGTERM to the
 * process its PID file names, then the same command line again, detached, except that the
 * entry point is `entry` (this CLI's build), so rolling a local cluster upgrades it to the CLI
 * that runs the roll. Checks first that every node of `order` runs, so nothing restarts when one
 * cannot be.
 */
function localRestarter(data: string, entry: string, order: readonly number[]): (id: number) => Promise<void> {
  const running = new Map(pidFiles(data).filter((f) => runsNodeOn(f.pid, f.dir)).map((f) => [Number(/node-(\d+)$/.exec(f.dir)![1]), f]));
  const missing = order.filter((id) => !running.has(id));
  if (missing.length > 0) {
    throw new UsageError(`node ${missing.join(', ')} does not run from ${data} (no live ${join(data, 'node-N', 'herald.pid')}): pass the --data of \`cluster up --detach\`, or restart the nodes yourself with --manual`);
  }
  return async (id) => {
    const { pid, dir, file } = running.get(id)!;
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(1, -1);
    args[0] = entry;
    process.kill(pid, 'SIGTERM');
    await waitForExit([pid], STOP_TIMEOUT_MS);
    const fd = openSync(join(dir, 'herald.log'), 'a');
    const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child.unref();
    writeFileSync(file, `${child.pid}\n`);
    running.set(id, { pid: child.pid!, dir, file });
  };
}

function localNodes(options: UpOptions): LocalNode[] {
  const data = resolve(options.data);
  const [client, peer, metrics] = options.ports;
  return Array.from({ length: options.nodes }, (_, i) => ({
    id: i + 1,
    clientAddress: `${options.host}:${client + i + 1}`,
    peerPort: peer + i + 1,
    metricsPort: metrics + i + 1,
    kafkaPort: options.kafkaPort + i + 1,
    mqtt: options.mqtt ? { port: options.mqttPorts[0] === 0 ? 0 : options.mqttPorts[0] + i + 1, httpPort: options.mqttPorts[1] === 0 ? 0 : options.mqttPorts[1] + i + 1 } : undefined,
    dir: join(data, `node-${i + 1}`),
    shownDir: join(options.data, `node-${i + 1}`),
  }));
}

/** The arguments of node (the executable) that run node `n` of `cluster`. */
function nodeArgs(cluster: LocalCluster, n: LocalNode): string[] {
  const { options } = cluster;
  const peers = cluster.nodes.map((p) => `${p.id}=${options.host}:${p.clientAddress.split(':').pop()}:${p.peerPort}:${p.kafkaPort}`).join(',');
  const clientPort = n.clientAddress.split(':').pop()!;
  return [
    cluster.entry,
    'node', 'start',
    '--id', String(n.id),
    '--data-dir', n.dir,
    '--host', options.host,
    '--client-port', clientPort,
    '--peer-port', String(n.peerPort),
    '--metrics-port', String(n.metricsPort),
    '--kafka-port', String(n.kafkaPort),
    '--peers', peers,
    '--log-level', options.logLevel,
    ...(options.insecure === true ? ['--insecure'] : []),
    ...(cluster.bootstrapFile === undefined ? [] : ['--bootstrap-file', cluster.bootstrapFile]),
    ...(n.mqtt === undefined ? [] : ['--mqtt', '--mqtt-port', String(n.mqtt.port), '--mqtt-http-port', String(n.mqtt.httpPort)]),
  ];
}

/**
 * What a local cluster's security needs, in its data folder: the CA and node certificates
 * (always: the peer port is mutual TLS), and, secure, an admin user with a random password
 * (bootstrap.json holds its SCRAM credentials, never the password) and client.json (brokers, CA,
 * the admin's credentials; mode 0600), which the CLI and the SDK read by themselves. A data
 * folder used before keeps its CA and its admin.
 */
async function prepareSecurity(options: UpOptions, nodes: readonly LocalNode[]): Promise<{ bootstrapFile?: string; clientConfig: string }> {
  const { bootstrapUser, ensureClusterCertificates, writeBootstrapFile } = await import('@herald/security');
  const data = resolve(options.data);
  await ensureClusterCertificates(join(data, 'certs'), nodes.map((n) => n.id), [options.host]);
  const clientConfig = join(data, 'client.json');
  const brokers = nodes.map((n) => n.clientAddress);
  if (options.insecure === true) {
    writeFileSync(clientConfig, `${JSON.stringify({ brokers }, null, 2)}\n`, { mode: 0o600 });
    writeKafkaProperties(data, nodes, options, undefined);
    return { clientConfig };
  }
  const previous = existsSync(clientConfig) ? (JSON.parse(readFileSync(clientConfig, 'utf8')) as { credentials?: { username: string; password: string } }) : {};
  const bootstrapFile = join(data, 'bootstrap.json');
  let credentials = previous.credentials;
  if (!existsSync(bootstrapFile)) {
    credentials = { username: 'admin', password: randomBytes(18).toString('base64url') };
    writeBootstrapFile(bootstrapFile, [await bootstrapUser(credentials.username, credentials.password)]);
  } else if (credentials === undefined) {
    process.stderr.write(`warning: ${clientConfig} holds no credentials and ${bootstrapFile} exists: the admin password of this data folder is lost; log in as another user\n`);
  }
  writeFileSync(clientConfig, `${JSON.stringify({ brokers, tls: { ca: 'certs/ca.crt' }, ...(credentials === undefined ? {} : { credentials }) }, null, 2)}\n`, { mode: 0o600 });
  writeKafkaProperties(data, nodes, options, credentials);
  return { bootstrapFile, clientConfig };
}

/** Writes `<data>/kafka.properties`: librdkafka's settings to reach the nodes' Kafka listeners
 *  (`kcat -F data/kafka.properties`): the bootstrap servers and, secure, SASL_SSL with the CA and
 *  the admin's SCRAM login (mode 0600: it holds the password). */
function writeKafkaProperties(data: string, nodes: readonly LocalNode[], options: UpOptions, credentials: { username: string; password: string } | undefined): void {
  const lines = ['# librdkafka (kcat -F) settings for this cluster\'s Kafka listeners, written by herald cluster up', `bootstrap.servers=${nodes.map((n) => `${options.host}:${n.kafkaPort}`).join(',')}`];
  if (options.insecure !== true) {
    lines.push('security.protocol=SASL_SSL', `ssl.ca.location=${join(data, 'certs', 'ca.crt')}`, 'sasl.mechanisms=SCRAM-SHA-512');
    if (credentials !== undefined) lines.push(`sasl.username=${credentials.username}`, `sasl.password=${credentials.password}`);
  }
  writeFileSync(join(data, 'kafka.properties'), `${lines.join('\n')}\n`, { mode: 0o600 });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The PID files of a data folder, with their PIDs. */
function pidFiles(data: string): { file: string; dir: string; pid: number }[] {
  const root = resolve(data);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^node-\d+$/.test(d.name) && existsSync(join(root, d.name, 'herald.pid')))
    .map((d) => {
      const file = join(root, d.name, 'herald.pid');
      return { file, dir: join(root, d.name), pid: Number(readFileSync(file, 'utf8').trim()) };
    });
}

/** Whether `pid` runs a herald node on `dir` (checked where /proc tells; PIDs get reused). */
function runsNodeOn(pid: number, dir: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return false;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const at = cmdline.indexOf('--data-dir');
    return cmdline.includes('start') && at >= 0 && resolve(cmdline[at + 1] ?? '') === resolve(dir);
  } catch {
    return true; // no /proc here: trust the file
  }
}

/** Waits until none of `pids` is alive; SIGKILLs what is left after `timeoutMs`. */
async function waitForExit(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const killed = pids.filter(isAlive);
  for (const pid of killed) process.kill(pid, 'SIGKILL');
  while (pids.some(isAlive)) await new Promise((r) => setTimeout(r, 20));
  return killed;
}

async function waitForController(cluster: LocalCluster, failed: () => string | undefined): Promise<number> {
  const { HeraldClient } = await import('@herald/client');
  const client = HeraldClient.fromConfigFile(cluster.clientConfig, { callTimeoutMs: 1_000, retry: { backoffInitialMs: 100, backoffMaxMs: 300 } });
  const deadline = Date.now() + ELECTION_TIMEOUT_MS;
  try {
    for (;;) {
      const why = failed();
      if (why !== undefined) throw new Error(why);
      try {
        const cluster = await client.describeCluster();
        if (cluster.controllerId !== 0) return cluster.controllerId;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`no controller was elected within ${ELECTION_TIMEOUT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await client.close();
  }
}

function summary({ options, nodes, herald, clientConfig }: LocalCluster, controllerId: number): void {
  const secure = options.insecure !== true;
  print(`Herald cluster is up: ${nodes.length} node${nodes.length === 1 ? '' : 's'}, controller node ${controllerId}, ${secure ? 'secure (TLS, logins, ACLs)' : 'INSECURE (plaintext, no authentication)'}`);
  print(
    formatTable(
      ['NODE', 'CLIENT', 'PEER PORT', 'KAFKA', 'METRICS', 'DATA'],
      nodes.map((n) => [n.id, n.clientAddress, n.peerPort, `${options.host}:${n.kafkaPort}`, `${secure ? 'https' : 'http'}://${options.host}:${n.metricsPort}/metrics`, n.shownDir]),
    ),
  );
  const shownConfig = relative(process.cwd(), clientConfig);
  print(secure ? `client config: ${shownConfig} (brokers, CA, the admin's password): the CLI and the SDK read it by themselves` : `client config: ${shownConfig} (brokers)`);
  print(`Kafka clients: bootstrap servers ${nodes.map((n) => `${options.host}:${n.kafkaPort}`).join(',')} (librdkafka settings: ${relative(process.cwd(), join(resolve(options.data), 'kafka.properties'))}, e.g. kcat -F)`);
  const mqtt = nodes.filter((n) => n.mqtt !== undefined && n.mqtt.port !== 0);
  if (mqtt.length > 0) {
    const [tcp, ws, http] = secure ? ['mqtts', 'wss', 'https'] : ['mqtt', 'ws', 'http'];
    print(
      formatTable(
        ['NODE', 'MQTT', 'MQTT OVER WEBSOCKET', 'SSE'],
        mqtt.map((n) => [n.id, `${tcp}://${options.host}:${n.mqtt!.port}`, `${ws}://${options.host}:${n.mqtt!.httpPort}/mqtt`, `${http}://${options.host}:${n.mqtt!.httpPort}/sse?filter=%23`]),
      ),
    );
    if (secure) print(`MQTT clients: TLS with the CA ${relative(process.cwd(), join(resolve(options.data), 'certs', 'ca.crt'))}, and a user's name and password (the admin's are in ${shownConfig}) or a client certificate`);
  }
  // The CLI finds ./data/client.json by itself; a config elsewhere must be named.
  if (resolve(options.data) !== resolve('data')) print(`Elsewhere than here, name it: export HERALD_CLIENT_CONFIG=${resolve(clientConfig)}`);
  print(`Try: ${herald} cluster status`);
  if (options.detach !== true) print('Ctrl-C stops the cluster.');
  else print(`Stop it with: ${herald} cluster down${resolve(options.data) === resolve('data') ? '' : ` --data ${options.data}`}`);
}

async function clusterUp(options: UpOptions, cliEntry: string): Promise<void> {
  const herald = cliCommand(cliEntry);
  const running = pidFiles(options.data).filter((f) => runsNodeOn(f.pid, f.dir));
  if (running.length > 0) {
    throw new Error(`a cluster already runs from ${options.data} (pids ${running.map((r) => r.pid).join(', ')}); stop it with: ${herald} cluster down --data ${options.data}`);
  }
  const nodes = localNodes(options);
  for (const n of nodes) mkdirSync(n.dir, { recursive: true });
  const cluster: LocalCluster = { options, nodes, entry: nodeEntry(cliEntry), herald, ...(await prepareSecurity(options, nodes)) };
  return options.detach === true ? upDetached(cluster) : upForeground(cluster);
}

async function upDetached(cluster: LocalCluster): Promise<void> {
  const { nodes } = cluster;
  const children: { node: LocalNode; child: ChildProcess; log: string }[] = [];
  for (const n of nodes) {
    const log = join(n.dir, 'herald.log');
    const fd = openSync(log, 'a');
    const child = spawn(process.execPath, nodeArgs(cluster, n), { detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child.unref();
    writeFileSync(join(n.dir, 'herald.pid'), `${child.pid}\n`);
    children.push({ node: n, child, log });
  }
  const exited = new Map<number, number | null>();
  for (const { node, child } of children) child.once('exit', (code) => exited.set(node.id, code));
  try {
    const controllerId = await waitForController(cluster, () => {
      const [id, code] = [...exited][0] ?? [];
      return id === undefined ? undefined : `node ${id} exited with code ${code}; see ${join(nodes[id - 1]!.shownDir, 'herald.log')}`;
    });
    summary(cluster, controllerId);
  } catch (err) {
    const pids = children.map((c) => c.child.pid!).filter(isAlive);
    for (const pid of pids) process.kill(pid, 'SIGTERM');
    await waitForExit(pids, STOP_TIMEOUT_MS);
    for (const n of nodes) rmSync(join(n.dir, 'herald.pid'), { force: true });
    throw new Error(`${(err as Error).message}; logs in ${children.map((c) => join(c.node.shownDir, 'herald.log')).join(', ')}`);
  }
}

async function upForeground(cluster: LocalCluster): Promise<void> {
  const { nodes } = cluster;
  const { default: PinoPretty } = await import('pino-pretty');
  const format = PinoPretty.prettyFactory({
    colorize: process.stdout.isTTY === true,
    singleLine: true,
    ignore: 'pid,hostname,node',
    translateTime: 'SYS:HH:MM:ss.l',
  });
  const children = new Map<number, ChildProcess>();
  const exited = new Map<number, number | null>();
  let stopping = false;
  let allExited!: () => void;
  const done = new Promise<void>((resolve) => (allExited = resolve));

  for (const n of nodes) {
    const child = spawn(process.execPath, nodeArgs(cluster, n), { stdio: ['ignore', 'pipe', 'pipe'] });
    children.set(n.id, child);
    const prefix = `node-${n.id} | `;
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        let text = line;
        if (line.startsWith('{')) {
          try {
            text = format(JSON.parse(line)).trimEnd();
          } catch {
            // not a log line: print it as it is
          }
        }
        for (const part of text.split('\n')) process.stdout.write(`${prefix}${part}\n`);
      });
    }
    child.once('exit', (code, signal) => {
      exited.set(n.id, code);
      if (!stopping) process.stdout.write(`${prefix}exited (${signal ?? `code ${code}`})\n`);
      if (exited.size === nodes.length) allExited();
    });
  }

  const stopAll = async () => {
    if (stopping) return;
    stopping = true;
    const pids = [...children.entries()].filter(([id]) => !exited.has(id)).map(([, c]) => c.pid!);
    for (const pid of pids) {
      if (isAlive(pid)) process.kill(pid, 'SIGTERM');
    }
    const killed = await waitForExit(pids, STOP_TIMEOUT_MS);
    if (killed.length > 0) process.stdout.write(`killed pids ${killed.join(', ')} after ${STOP_TIMEOUT_MS / 1000} s\n`);
  };
  process.on('SIGINT', () => void stopAll());
  process.on('SIGTERM', () => void stopAll());

  try {
    const controllerId = await waitForController(cluster, () => {
      const [id, code] = [...exited][0] ?? [];
      return id === undefined || stopping ? undefined : `node ${id} exited with code ${code} before the cluster was up`;
    });
    if (!stopping) summary(cluster, controllerId);
  } catch (err) {
    if (!stopping) {
      await stopAll();
      throw err;
    }
  }
  await done;
  if (!stopping) {
    process.exitCode = 1;
    process.stderr.write('every node exited\n');
  } else {
    print('cluster stopped');
  }
}

async function clusterDown(data: string): Promise<void> {
  const files = pidFiles(data);
  if (files.length === 0) {
    print(`no cluster runs from ${data} (no ${join(data, 'node-N', 'herald.pid')} files)`);
    return;
  }
  const ours = files.filter((f) => runsNodeOn(f.pid, f.dir));
  for (const f of files) {
    if (!ours.includes(f)) process.stderr.write(`${relative(process.cwd(), f.file)}: pid ${f.pid} is not a running herald node; removing the stale file\n`);
  }
  for (const f of ours) process.kill(f.pid, 'SIGTERM');
  const killed = await waitForExit(ours.map((f) => f.pid), STOP_TIMEOUT_MS);
  for (const f of files) rmSync(f.file, { force: true });
  for (const f of ours) print(`stopped ${f.dir.split('/').pop()} (pid ${f.pid}${killed.includes(f.pid) ? ', killed after the timeout' : ''})`);
}
