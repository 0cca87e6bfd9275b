import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ensureClusterCertificates } from '@herald/security';
import { nodeEntry } from '../../packages/cli/src/launch.js';
import { freePorts } from './ports.js';
import { waitFor } from './wait-for.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cliEntry = `${repoRoot}packages/cli/src/main.ts`;

/** How a ProcessCluster runs `herald`: an executable and the arguments that come before the
 *  command (`node start ...`). */
export interface HeraldCommand {
  readonly file: string;
  readonly args: readonly string[];
}

/** The clone's compiled CLI (what the cluster tests run by default; nodes never run under tsx,
 *  see packages/cli/src/launch.ts): refuses to run a build older than the sources. */
export function heraldCompiled(): HeraldCommand {
  return { file: process.execPath, args: [nodeEntry(cliEntry)] };
}

export interface ProcessPeer {
  readonly id: number;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly metricsPort: number;
  readonly kafkaPort: number;
  /** The MQTT gateway's ports, when the cluster serves MQTT. */
  readonly mqttPort?: number;
  readonly mqttHttpPort?: number;
}

/**
 * A cluster of real `herald node start` processes on 127.0.0.1, each with its own data directory
 * and log file, and its Kafka listener (and MQTT gateway, when asked) on free ports. Nodes are killed (SIGKILL, SIGSTOP) and restarted by the PIDs this class started,
 * and no others.
 */
export class ProcessCluster {
  private readonly children = new Map<number, ChildProcess>();
  /** Nodes that run another `herald` than the cluster's (an upgraded node). */
  private readonly commands = new Map<number, HeraldCommand>();
  /** Nodes added at runtime (addNode): they start with `--join`. */
  private readonly joining = new Set<number>();
  /** Nodes whose data was wiped (wipe): every later start has `--rejoin`. */
  private readonly rejoining = new Set<number>();

  private constructor(
    private readonly nodes: ProcessPeer[],
    readonly dataDir: string,
    private readonly herald: HeraldCommand,
    private readonly config: string | undefined,
  ) {}

  /** Starts `nodes` nodes, run by `herald` (an installed CLI, say): insecure client ports, and
   *  the peer ports mutual TLS with certificates made in `<dataDir>/certs`. `config` names a
   *  node settings file every node reads (`node start --config`); with `mqtt`, each also serves
   *  the MQTT gateway (`--mqtt`) on ports of its own. */
  static async start(nodes = 3, herald: HeraldCommand = heraldCompiled(), options: { readonly config?: string; readonly mqtt?: boolean } = {}): Promise<ProcessCluster> {
    const each = options.mqtt === true ? 6 : 4;
    const ports = await freePorts(nodes * each);
    const peers = Array.from({ length: nodes }, (_, i) => ({
      id: i + 1,
      clientPort: ports[i * each]!,
      peerPort: ports[i * each + 1]!,
      metricsPort: ports[i * each + 2]!,
      kafkaPort: ports[i * each + 3]!,
      ...(options.mqtt === true ? { mqttPort: ports[i * each + 4]!, mqttHttpPort: ports[i * each + 5]! } : {}),
    }));
    const cluster = new ProcessCluster(peers, mkdtempSync(`${tmpdir()}/herald-proc-`), herald, options.config);
    await ensureClusterCertificates(`${cluster.dataDir}/certs`, peers.map((p) => p.id));
    for (const p of peers) cluster.startNode(p.id);
    return cluster;
  }

  /** Every node of the cluster, those added at runtime included. */
  get peers(): readonly ProcessPeer[] {
    return this.nodes;
  }

  /** Makes one more node (the next id) with ports and a certificate of the cluster CA, and
   *  starts it with `--join`: it is a member once `herald node add` (addNode) admits it. */
  async addNode(): Promise<ProcessPeer> {
    const [clientPort, peerPort, metricsPort, kafkaPort] = await freePorts(4);
    const peer = { id: Math.max(...this.nodes.map((p) => p.id)) + 1, clientPort: clientPort!, peerPort: peerPort!, metricsPort: metricsPort!, kafkaPort: kafkaPort! };
    this.nodes.push(peer);
    await ensureClusterCertificates(`${this.dataDir}/certs`, this.nodes.map((p) => p.id));
    this.joining.add(peer.id);
    this.startNode(peer.id);
    return peer;
  }

  get brokers(): string[] {
    return this.peers.map((p) => `127.0.0.1:${p.clientPort}`);
  }

  /** Every node's Kafka listener, as Kafka clients' bootstrap servers. */
  get kafkaBrokers(): string[] {
    return this.peers.map((p) => `127.0.0.1:${p.kafkaPort}`);
  }

  address(id: number): string {
    return `127.0.0.1:${this.peers.find((p) => p.id === id)!.clientPort}`;
  }

  pid(id: number): number | undefined {
    return this.children.get(id)?.pid;
  }

  /** Starts node `id`, run by `herald` from now on when given (a rolling upgrade), else by what
   *  ran it before. */
  startNode(id: number, herald?: HeraldCommand): void {
    if (this.children.has(id)) throw new Error(`node ${id} is already running`);
    if (herald !== undefined) this.commands.set(id, herald);
    const command = this.commands.get(id) ?? this.herald;
    const self = this.peers.find((p) => p.id === id)!;
    const peers = this.peers.map((p) => `${p.id}=127.0.0.1:${p.clientPort}:${p.peerPort}:${p.kafkaPort}`).join(',');
    const log = createWriteStream(`${this.dataDir}/node-${id}.log`, { flags: 'a' });
    const child = spawn(
      command.file,
      [
        ...command.args,
        'node', 'start',
        '--id', String(id),
        '--data-dir', `${this.dataDir}/node-${id}`,
        '--peers', peers,
        '--metrics-port', String(self.metricsPort),
        '--insecure',
        ...(this.joining.has(id) ? ['--join'] : []),
        ...(this.rejoining.has(id) ? ['--rejoin'] : []),
        '--log-level', process.env.HERALD_TEST_LOG ?? 'info',
        ...(self.mqttPort === undefined ? [] : ['--mqtt', '--mqtt-port', String(self.mqttPort), '--mqtt-http-port', String(self.mqttHttpPort)]),
        ...(this.config === undefined ? [] : ['--config', this.config]),
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    child.once('exit', () => {
      if (this.children.get(id) === child) this.children.delete(id);
    });
    this.children.set(id, child);
  }

  /** SIGKILL: the process dies at once, its sockets reset, nothing unsynced survives. */
  async kill(id: number): Promise<void> {
    await this.signalAndWait(id, 'SIGKILL');
  }

  /** SIGTERM: a clean stop. */
  async stopNode(id: number): Promise<void> {
    await this.signalAndWait(id, 'SIGTERM');
  }

  private async signalAndWait(id: number, signal: NodeJS.Signals): Promise<void> {
    const child = this.children.get(id);
    if (child === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }

  /** Deletes a stopped node's data folder, as a lost disk would: it starts with `--rejoin` from
   *  now on (it neither votes nor campaigns until its peers have given its logs back). */
  wipe(id: number): void {
    if (this.isRunning(id)) throw new Error(`node ${id} is running; kill it before wiping its data`);
    rmSync(`${this.dataDir}/node-${id}`, { recursive: true, force: true });
    this.rejoining.add(id);
  }

  isRunning(id: number): boolean {
    return this.children.has(id);
  }

  /** Waits until every running node answers on its metrics port's /readyz. */
  async ready(timeoutMs = 60_000): Promise<void> {
    for (const p of this.peers) {
      if (!this.isRunning(p.id)) continue;
      try {
        await waitFor(
          async () => {
            const res = await fetch(`http://127.0.0.1:${p.metricsPort}/readyz`).catch(() => undefined);
            return res?.status === 200;
          },
          { timeoutMs, what: `node ${p.id} ready` },
        );
      } catch (err) {
        throw new Error(`${(err as Error).message}; the end of its log:\n${this.logTail(p.id)}`);
      }
    }
  }

  /** The last lines of a node's log, for failure messages. */
  logTail(id: number, lines = 40): string {
    try {
      return readFileSync(`${this.dataDir}/node-${id}.log`, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  async stop(): Promise<void> {
    for (const id of [...this.children.keys()]) await this.stopNode(id);
  }

  /** Copies the nodes' logs, and `extra` files, to a new folder (a failed run keeps them
   *  there, since destroy() removes the data folder); returns the folder. */
  keepLogs(name: string, extra: Record<string, string> = {}): string {
    const kept = mkdtempSync(`${tmpdir()}/herald-${name}-logs-`);
    for (const p of this.peers) if (existsSync(`${this.dataDir}/node-${p.id}.log`)) copyFileSync(`${this.dataDir}/node-${p.id}.log`, `${kept}/node-${p.id}.log`);
    for (const [file, text] of Object.entries(extra)) writeFileSync(`${kept}/${file}`, text);
    return kept;
  }

  async destroy(): Promise<void> {
    for (const id of [...this.children.keys()]) await this.kill(id);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
