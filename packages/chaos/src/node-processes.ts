import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeSecurity } from './cluster-security.js';

/** What the harness asks of one node process; the launcher turns it into a command line. */
export interface NodeLaunchSpec {
  readonly id: number;
  readonly dataDir: string;
  readonly host: string;
  /** The node's own ports; clients and peers reach it through proxies instead. */
  readonly clientPort: number;
  readonly peerPort: number;
  readonly metricsPort: number;
  /** `--peers` for this node: `id=host:clientPort:peerPort,...` where every other node's ports
   *  are the proxies this node's links go through. */
  readonly peers: string;
  readonly logLevel: string;
  /** The node lost its data (wipe, or a corrupt store replaced): `herald node start --rejoin`. */
  readonly rejoin: boolean;
  /** The node is new to a running cluster, which admits it with `herald node add`: `herald node
   *  start --join` (a node ignores it once it has stored state, so every start may pass it). */
  readonly join?: boolean;
  /** Environment variables the node's process gets besides the harness's own (e.g. libfaketime's
   *  for a node whose clock a fault moves). */
  readonly env: Readonly<Record<string, string>>;
  /** The node's certificate files and the bootstrap users (cluster-security.ts). */
  readonly security: NodeSecurity;
  /** The Kafka listener's port (`--kafka-port`); absent: any free port (0), nobody dials it. */
  readonly kafkaPort?: number;
  /** The MQTT port (`--mqtt --mqtt-port`); absent: MQTT is not served. */
  readonly mqttPort?: number;
}

/** The command that runs one node: `herald node start ...` under whatever runs the CLI. */
export interface NodeCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** The whole environment of the process; the harness's own when absent. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Builds the command of one node. The CLI passes its own (it knows its entry point and how it
 * runs); @herald/chaos never imports the CLI, so that the arrows keep pointing down.
 */
export type NodeLauncher = (spec: NodeLaunchSpec) => NodeCommand;

/** How a node process ended. */
export interface NodeExit {
  readonly id: number;
  readonly pid: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Milliseconds since the run started. */
  readonly time: number;
  /** True when the harness did not ask for it: a crash, or a node refusing to start. */
  readonly unexpected: boolean;
}

interface Running {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<NodeExit>;
  /** Set before the harness signals the process, so its exit is not reported as unexpected. */
  expected: boolean;
  paused: boolean;
}

/** Options of NodeProcesses. */
export interface NodeProcessesOptions {
  readonly launcher: NodeLauncher;
  /** Each node's `--peers` and own ports. */
  readonly specs: ReadonlyMap<number, Omit<NodeLaunchSpec, 'rejoin'>>;
  /** Where node N's output goes: `<logDir>/node-N.log` (appended across restarts). */
  readonly logDir: string;
  /** The run's clock, for exit times. */
  readonly clock: () => number;
  /** Called when a node exits without the harness asking (it crashed or refused to start). */
  readonly onUnexpectedExit?: (exit: NodeExit) => void;
}

/**
 * The node processes of a chaos run, each started, signalled and stopped by the PID this class
 * got from spawn(), never by name. Processes run in their own process group, so a Ctrl-C at
 * the terminal reaches only the harness, which then stops them itself.
 */
export class NodeProcesses {
  private readonly running = new Map<number, Running>();
  private readonly logs = new Map<number, WriteStream>();
  /** Nodes that lost their data once: every later start passes --rejoin (a group it has not yet
   *  received again must not vote as if it were new). */
  private readonly rejoining = new Set<number>();
  private readonly starts = new Map<number, number>();
  /** Nodes between start() and their spawn: a second start() must not race the first. */
  private readonly starting = new Set<number>();

  constructor(private readonly options: NodeProcessesOptions) {}

  /** Every node id. */
  get ids(): number[] {
    return [...this.options.specs.keys()];
  }

  /** The node's own data directory. */
  dataDir(id: number): string {
    return this.spec(id).dataDir;
  }

  /** The PID of the node's current process, if it runs. */
  pid(id: number): number | undefined {
    return this.running.get(id)?.pid;
  }

  /** Whether the node's process runs (or is being started). */
  isRunning(id: number): boolean {
    return this.running.has(id) || this.starting.has(id);
  }

  isPaused(id: number): boolean {
    return this.running.get(id)?.paused === true;
  }

  /** How many times the node's process was started. */
  startCount(id: number): number {
    return this.starts.get(id) ?? 0;
  }

  /** Whether the node starts with --rejoin from now on. */
  isRejoining(id: number): boolean {
    return this.rejoining.has(id);
  }

  /** The node's log file. */
  logPath(id: number): string {
    return join(this.options.logDir, `node-${id}.log`);
  }

  /** Starts the node's process; it must not be running. */
  async start(id: number, options: { rejoin?: boolean } = {}): Promise<number> {
    if (this.running.has(id)) throw new Error(`node ${id} is already running (pid ${this.running.get(id)!.pid})`);
    if (this.starting.has(id)) throw new Error(`node ${id} is already starting`);
    if (options.rejoin === true) this.rejoining.add(id);
    const spec: NodeLaunchSpec = { ...this.spec(id), rejoin: this.rejoining.has(id) };
    this.starting.add(id);
    try {
      await mkdir(spec.dataDir, { recursive: true });
      await mkdir(this.options.logDir, { recursive: true });
    } finally {
      this.starting.delete(id);
    }
    const log = this.log(id);
    const { command, args, cwd, env } = this.options.launcher(spec);
    const child = spawn(command, [...args], { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const pid = child.pid;
    if (pid === undefined) {
      const err = await new Promise<Error>((resolve) => child.once('error', resolve));
      throw new Error(`node ${id} did not start: ${err.message}`);
    }
    log.write(`${JSON.stringify({ harness: 'started', pid, rejoin: spec.rejoin, time: Math.round(this.options.clock()) })}\n`);
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    const entry: Running = {
      child,
      pid,
      expected: false,
      paused: false,
      exited: new Promise<NodeExit>((resolve) => {
        child.once('exit', (code, signal) => {
          const exit: NodeExit = { id, pid, code, signal, time: this.options.clock(), unexpected: !entry.expected };
          if (this.running.get(id) === entry) this.running.delete(id);
          log.write(`${JSON.stringify({ harness: 'exited', pid, code, signal, unexpected: exit.unexpected, time: Math.round(exit.time) })}\n`);
          if (exit.unexpected) this.options.onUnexpectedExit?.(exit);
          resolve(exit);
        });
      }),
    };
    this.running.set(id, entry);
    this.starts.set(id, this.startCount(id) + 1);
    return pid;
  }

  /** SIGKILL: the process dies at once, its sockets reset, nothing unsynced survives. */
  async kill(id: number): Promise<NodeExit | undefined> {
    return this.signalAndWait(id, 'SIGKILL');
  }

  /** SIGTERM: a clean stop. A paused process is continued first so that it can stop. */
  async stop(id: number, timeoutMs = 15_000): Promise<NodeExit | undefined> {
    const entry = this.running.get(id);
    if (entry === undefined) return undefined;
    entry.expected = true;
    if (entry.paused) this.resume(id);
    process.kill(entry.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (this.running.get(id) === entry) process.kill(entry.pid, 'SIGKILL');
    }, timeoutMs);
    try {
      return await entry.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGSTOP: the process stops running but keeps its sockets open, like a long GC pause. */
  pause(id: number): void {
    const entry = this.running.get(id);
    if (entry === undefined || entry.paused) return;
    process.kill(entry.pid, 'SIGSTOP');
    entry.paused = true;
  }

  /** SIGCONT after pause(). */
  resume(id: number): void {
    const entry = this.running.get(id);
    if (entry === undefined || !entry.paused) return;
    process.kill(entry.pid, 'SIGCONT');
    entry.paused = false;
  }

  /** Resolves when the node's current process exits (at once if none runs). */
  async exited(id: number): Promise<NodeExit | undefined> {
    return this.running.get(id)?.exited;
  }

  /** Deletes the node's data directory; the node must not be running. */
  async wipe(id: number): Promise<void> {
    if (this.running.has(id)) throw new Error(`node ${id} is running; stop it before wiping its data`);
    await rm(this.dataDir(id), { recursive: true, force: true });
  }

  /** Kills every running node (continuing paused ones first is not needed for SIGKILL). */
  async killAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.kill(id)));
  }

  /**
   * Synchronous last resort for process exit: SIGKILL every PID still running. Used from an
   * 'exit' handler, where nothing asynchronous runs any more.
   */
  killAllNow(): void {
    for (const entry of this.running.values()) {
      entry.expected = true;
      try {
        process.kill(entry.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /** Closes the log files; call after every process exited. */
  async close(): Promise<void> {
    await Promise.all([...this.logs.values()].map((log) => new Promise<void>((resolve) => log.end(() => resolve()))));
    this.logs.clear();
  }

  private async signalAndWait(id: number, signal: NodeJS.Signals): Promise<NodeExit | undefined> {
    const entry = this.running.get(id);
    if (entry === undefined) return undefined;
    entry.expected = true;
    process.kill(entry.pid, signal);
    return entry.exited;
  }

  private spec(id: number): Omit<NodeLaunchSpec, 'rejoin'> {
    const spec = this.options.specs.get(id);
    if (spec === undefined) throw new RangeError(`unknown node ${id}; nodes are ${this.ids.join(', ')}`);
    return spec;
  }

  private log(id: number): WriteStream {
    let log = this.logs.get(id);
    if (log === undefined) {
      log = createWriteStream(this.logPath(id), { flags: 'a' });
      log.on('error', () => {
        // A log that cannot be written must not crash the harness; the run goes on without it.
      });
      this.logs.set(id, log);
    }
    return log;
  }
}
