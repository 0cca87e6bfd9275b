import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { damageLogTail, flipBytes, type ByteFlip } from './corrupt.js';
import { SyscallFault, type FakeClock, type TmpfsDisk } from './host-faults.js';
import type { LinkTable } from './link-table.js';
import type { NodeExit, NodeProcesses } from './node-processes.js';
import { createPrng, describeTarget, FaultKind, type ScheduledFault } from './schedule.js';
import { sleep, type LeaderWatcher, type Recorder } from './workload.js';

/** Something the harness saw that a person should read: a crash, a refusal, a repair. */
export interface Finding {
  /** Milliseconds since the workload started. */
  readonly time: number;
  readonly node?: number;
  readonly kind: FindingKind;
  readonly message: string;
}

/**
 * Kinds of finding. `crash` and `crash-loop` (a node exited without being asked), `not-ready`,
 * `not-converged` (the cluster did not heal) and `final-read` point at the broker;
 * `corruption-*` and `storage-dropped` say what a node made of a corrupt or wal-tail fault;
 * `replaced-data` is the operator's remedy the harness applied; `fault-exit` is a node stopping
 * because of an injected disk fault, as it must (a storage failure is fatal).
 */
export const FindingKind = {
  Crash: 'crash',
  CrashLoop: 'crash-loop',
  /** A node exited while running on a store the harness corrupted (e.g. LevelDB aborting). */
  CorruptionCrash: 'corruption-crash',
  CorruptionDetected: 'corruption-detected',
  CorruptionUndetected: 'corruption-undetected',
  StorageDropped: 'storage-dropped',
  ReplacedData: 'replaced-data',
  NotReady: 'not-ready',
  NotConverged: 'not-converged',
  FinalRead: 'final-read',
  /** The consumer group or the queue subscription did not catch up after the producers stopped. */
  Drain: 'drain',
  /** A node exited on a storage failure the harness injected (disk-full, fsync-error). */
  FaultExit: 'fault-exit',
  /** An operation of an operations scenario (ops.ts: add, rebalance, decommission, roll) failed
   *  or did not finish in time. */
  Operation: 'operation',
} as const;
export type FindingKind = (typeof FindingKind)[keyof typeof FindingKind];

/** The finding kinds that say the broker misbehaved (the rest describe what happened). */
export const brokerFindingKinds: ReadonlySet<FindingKind> = new Set<FindingKind>([
  FindingKind.Crash,
  FindingKind.CrashLoop,
  FindingKind.NotReady,
  FindingKind.NotConverged,
  FindingKind.FinalRead,
  FindingKind.Operation,
  FindingKind.Drain,
]);

/** A fault as it was injected. */
export interface InjectedFault {
  readonly kind: FaultKind;
  /** As in the history's fault events, e.g. `2`, `1|2,3`, `1->3`, `2 +120ms`. */
  readonly target: string;
  readonly startMs: number;
  endMs: number;
  /** What happened along the way: nodes chosen at run time, bytes flipped, repairs. */
  readonly notes: string[];
}

/** What the host faults need of the run: a node's tmpfs and clock when it has them (the run
 *  sets them up for the nodes the schedule's host faults target), and where strace writes. */
export interface HostFaultSetup {
  disk(id: number): TmpfsDisk | undefined;
  clock(id: number): FakeClock | undefined;
  /** The strace output of fault number `index` on node `id`. */
  traceLog(id: number, index: number): string;
}

/** What the injector drives. */
export interface FaultContext {
  readonly nodes: NodeProcesses;
  readonly links: LinkTable;
  readonly leaders: LeaderWatcher;
  readonly record: Recorder;
  readonly clock: () => number;
  readonly seed: number;
  /** Resolves once the node answers ready (it knows a controller), false after `timeoutMs`. */
  readonly waitReady: (id: number, timeoutMs: number) => Promise<boolean>;
  /** Resolves once every partition's ISR holds all its replicas, false after `timeoutMs`. */
  readonly waitInSync: (timeoutMs: number) => Promise<boolean>;
  readonly addFinding: (finding: Omit<Finding, 'time'>) => void;
  readonly signal: AbortSignal;
  readonly host: HostFaultSetup;
}

/** A fault in progress; end() heals it and records its end. */
export interface ActiveFault {
  readonly injected: InjectedFault;
  end(): Promise<void>;
}

/** How many bytes a corrupt fault flips. */
const CORRUPT_BYTES = 4;
/** How long a node gets to start and answer ready. */
const READY_TIMEOUT_MS = 30_000;
/** How long after a disk fault heals an exit still counts as its consequence. */
const FAULT_EXIT_GRACE_MS = 5_000;
/** What a node says when it stops on a storage failure: Herald's fatal exit code (server.ts),
 *  or an error naming the failed disk operation (a store that cannot open at start). */
const STORAGE_EXIT_CODE = 70;
const storageFailure = /ENOSPC|no space left|EIO|input\/output error|storage failed|storage write/i;

/**
 * Injects the faults of a schedule into a cluster of node processes behind a link table, and
 * supervises the nodes meanwhile: a node that exits without being asked is a finding, and is
 * restarted (as a supervisor would; DESIGN.md makes storage failures fatal so that one does)
 * unless it keeps exiting at once.
 */
export class FaultInjector {
  private readonly quickExits = new Map<number, number>();
  private readonly startedAt = new Map<number, number>();
  /** Nodes running on a store the harness corrupted, until their data is replaced. */
  private readonly corrupted = new Set<number>();
  private readonly replacing = new Set<number>();
  /** Where each node's log ended when its current process started. */
  private readonly logOffsets = new Map<number, number>();
  /** Starts under way, by node (startNode). */
  private readonly starts = new Map<number, Promise<void>>();
  /** Nodes under a disk fault that may make them exit: the fault's kind, and until when (run
   *  time) an exit counts as its consequence (Infinity while the fault lasts). */
  private readonly diskFaults = new Map<number, { kind: FaultKind; untilMs: number; exits: number }>();
  private stopped = false;

  constructor(private readonly ctx: FaultContext) {}

  /**
   * Called for every unexpected exit of a node. A node running on a store the harness corrupted
   * gets its data replaced (the operator's remedy for a bad disk); any other node is restarted
   * after a second, as a supervisor would, unless it exited quickly three times in a row.
   */
  onUnexpectedExit(exit: NodeExit): void {
    const { ctx } = this;
    const ranMs = exit.time - (this.startedAt.get(exit.id) ?? 0);
    const quick = ranMs < 10_000 ? (this.quickExits.get(exit.id) ?? 0) + 1 : 0;
    this.quickExits.set(exit.id, quick);
    const corrupted = this.corrupted.has(exit.id);
    const diskFault = this.diskFaults.get(exit.id);
    const underDiskFault = diskFault !== undefined && exit.time <= diskFault.untilMs;
    void lastLogErrors(ctx.nodes.logPath(exit.id), this.logOffsets.get(exit.id) ?? 0).then(async (errors) => {
      const how = exit.signal !== null ? `signal ${exit.signal}` : `code ${exit.code}`;
      const why = errors.length > 0 ? `; last error: ${errors[errors.length - 1]}` : '; nothing logged';
      // A node that stops on the storage failure the harness injected does what it must; any
      // other exit, even during that fault, is a crash.
      // An exit the disk fault explains is its consequence even on a store the harness damaged
      // before: the node gets restarted, not its data replaced.
      const faultExit = underDiskFault && isStorageExit(exit, errors);
      if (faultExit) diskFault.exits += 1;
      const during = faultExit ? ` under the injected ${diskFault.kind} fault` : corrupted ? ', running on the store the harness corrupted' : '';
      const message = `node ${exit.id} (pid ${exit.pid}) exited by itself (${how}) after ${(ranMs / 1000).toFixed(1)} s${during}${why}`;
      ctx.addFinding({ node: exit.id, kind: faultExit ? FindingKind.FaultExit : corrupted ? FindingKind.CorruptionCrash : FindingKind.Crash, message });
      if (this.stopped) return;
      await sleep(1_000, ctx.signal);
      if (this.stopped || ctx.nodes.isRunning(exit.id) || this.replacing.has(exit.id)) return;
      if (corrupted && !faultExit) {
        await this.replaceData(exit.id, 'it exited while running on its corrupted store').catch(() => undefined);
        return;
      }
      if (quick >= 3) {
        // Under a disk fault that lasts, the node fails again at every start: the fault's end
        // starts it.
        const kind = faultExit ? FindingKind.FaultExit : FindingKind.CrashLoop;
        ctx.addFinding({ node: exit.id, kind, message: `node ${exit.id} exited ${quick} times within 10 s of starting; left down until ${faultExit ? 'the fault heals' : 'the heal'}` });
        return;
      }
      await this.startNode(exit.id).catch(() => undefined);
    });
  }

  /** Counts exits of `id` as consequences of a `kind` fault until it ends (see endDiskFault). */
  private beginDiskFault(id: number, kind: FaultKind): void {
    this.diskFaults.set(id, { kind, untilMs: Infinity, exits: 0 });
  }

  /** The disk fault on `id` healed: exits in the next few seconds still count as its
   *  consequence. Returns how many exits it caused so far; starts the node if it is down. */
  private async endDiskFault(id: number): Promise<number> {
    const fault = this.diskFaults.get(id);
    if (fault !== undefined) fault.untilMs = this.ctx.clock() + FAULT_EXIT_GRACE_MS;
    if (!this.ctx.nodes.isRunning(id) && !this.replacing.has(id) && !this.ctx.signal.aborted) {
      this.quickExits.delete(id);
      await this.startNode(id);
    }
    return fault?.exits ?? 0;
  }

  /**
   * The operator's remedy for a node whose store cannot be trusted (DESIGN.md, storage): delete
   * its data and start it empty with --rejoin, so that it re-replicates before it votes.
   */
  async replaceData(id: number, why: string): Promise<void> {
    const { ctx } = this;
    if (this.replacing.has(id)) return;
    this.replacing.add(id);
    try {
      if (ctx.nodes.isRunning(id)) await ctx.nodes.kill(id);
      await ctx.nodes.wipe(id);
      this.corrupted.delete(id);
      this.quickExits.delete(id);
      await this.startNode(id, { rejoin: true });
    } finally {
      this.replacing.delete(id);
    }
    ctx.addFinding({ node: id, kind: FindingKind.ReplacedData, message: `node ${id}: ${why}; the harness deleted its data and restarted it with --rejoin` });
  }

  /** Stops supervising (teardown). */
  stop(): void {
    this.stopped = true;
  }

  /** Starts a node and remembers when (crash loops) and where its log then ended. */
  async startNode(id: number, options: { rejoin?: boolean } = {}): Promise<void> {
    // The supervisor's restart and a fault's heal may both find the node down at once: the
    // second waits for the first start instead of failing on it.
    const underWay = this.starts.get(id);
    if (underWay !== undefined) return underWay;
    const start = (async () => {
      this.startedAt.set(id, this.ctx.clock());
      this.logOffsets.set(id, await fileSize(this.ctx.nodes.logPath(id)));
      await this.ctx.nodes.start(id, options);
    })().finally(() => this.starts.delete(id));
    this.starts.set(id, start);
    return start;
  }

  /** Begins a scheduled fault and records its start. */
  async begin(fault: ScheduledFault, index: number): Promise<ActiveFault> {
    const { ctx } = this;
    const { nodes, links } = ctx;
    const notes: string[] = [];
    let target = describeTarget(fault.target);
    const t = fault.target;
    const started = (): InjectedFault => ({ kind: fault.kind, target, startMs: ctx.clock(), endMs: Number.NaN, notes });
    const recordStart = async (injected: InjectedFault): Promise<void> => {
      await ctx.record({ time: injected.startMs, type: 'fault', name: fault.kind, phase: 'start', target });
    };
    const finish = (injected: InjectedFault, heal: () => Promise<void>): ActiveFault => ({
      injected,
      end: async () => {
        await heal();
        injected.endMs = ctx.clock();
        await ctx.record({ time: injected.endMs, type: 'fault', name: fault.kind, phase: 'end', target });
      },
    });

    switch (fault.kind) {
      case FaultKind.Kill: {
        const ids = 'nodes' in t ? t.nodes : [];
        const injected = started();
        await recordStart(injected);
        await Promise.all(ids.map((id) => nodes.kill(id)));
        return finish(injected, async () => {
          for (const id of ids) if (!nodes.isRunning(id)) await this.startNode(id);
        });
      }
      case FaultKind.Pause: {
        const ids = 'nodes' in t ? t.nodes : [];
        const injected = started();
        await recordStart(injected);
        for (const id of ids) nodes.pause(id);
        return finish(injected, async () => {
          for (const id of ids) nodes.resume(id);
        });
      }
      case FaultKind.Partition: {
        const injected = started();
        await recordStart(injected);
        if ('sides' in t) links.partition(t.sides[0], t.sides[1]);
        return finish(injected, async () => links.heal());
      }
      case FaultKind.PartitionOneWay: {
        const injected = started();
        await recordStart(injected);
        if ('from' in t) links.oneWay(t.from, t.to);
        return finish(injected, async () => links.heal());
      }
      case FaultKind.IsolateLeader: {
        await ctx.leaders.refresh();
        let leader = ctx.leaders.busiestLeader();
        if (leader === null) {
          leader = nodes.ids[createPrng(ctx.seed + index).int(0, nodes.ids.length - 1)]!;
          notes.push(`no leader known; isolated node ${leader} instead`);
        } else {
          notes.push(`node ${leader} led the most partitions`);
        }
        target = String(leader);
        const injected = started();
        await recordStart(injected);
        links.isolate(leader);
        return finish(injected, async () => links.heal());
      }
      case FaultKind.Slow: {
        const ids = 'nodes' in t ? t.nodes : [];
        const delayMs = fault.delayMs ?? 100;
        target = `${ids.join(',')} +${delayMs}ms`;
        const injected = started();
        await recordStart(injected);
        for (const id of ids) links.slow(id, delayMs);
        return finish(injected, async () => links.heal());
      }
      case FaultKind.RollingRestart: {
        const order = 'order' in t ? t.order : nodes.ids;
        const injected = started();
        await recordStart(injected);
        const slotMs = fault.durationMs / order.length;
        const sequence = (async () => {
          for (const id of order) {
            if (ctx.signal.aborted) return;
            const slotEnd = ctx.clock() + slotMs;
            await nodes.stop(id);
            await this.startNode(id);
            if (!(await ctx.waitReady(id, READY_TIMEOUT_MS)) && !ctx.signal.aborted) {
              ctx.addFinding({ node: id, kind: FindingKind.NotReady, message: `node ${id} was not ready ${READY_TIMEOUT_MS / 1000} s after its restart in a rolling restart` });
            }
            // An operator restarts the next node only once the cluster is whole again.
            if (!(await ctx.waitInSync(READY_TIMEOUT_MS))) notes.push(`ISR not full ${READY_TIMEOUT_MS / 1000} s after restarting node ${id}`);
            await sleep(Math.max(0, slotEnd - ctx.clock()), ctx.signal);
          }
        })();
        return finish(injected, () => sequence);
      }
      case FaultKind.Wipe: {
        const id = 'nodes' in t ? t.nodes[0]! : nodes.ids[0]!;
        const injected = started();
        await recordStart(injected);
        await nodes.kill(id);
        await nodes.wipe(id);
        notes.push(`node ${id} killed, data directory deleted, restarted with --rejoin`);
        await this.startNode(id, { rejoin: true });
        return finish(injected, async () => {
          if (!nodes.isRunning(id)) await this.startNode(id);
        });
      }
      case FaultKind.Corrupt: {
        const id = 'nodes' in t ? t.nodes[0]! : nodes.ids[0]!;
        return this.damageStore(id, { damagedAfterStart: true }, started, recordStart, finish, notes, async (storeDir) => {
          const flips = await flipBytes(storeDir, createPrng(ctx.seed * 7919 + index), CORRUPT_BYTES);
          return `flipped ${describeFlips(flips)}`;
        });
      }
      case FaultKind.WalTail: {
        const id = 'nodes' in t ? t.nodes[0]! : nodes.ids[0]!;
        // Once LevelDB dropped the tail, the store is whole again (the node repairs what it
        // lost from its peers): a later exit is not one on a corrupted store.
        return this.damageStore(id, { damagedAfterStart: false }, started, recordStart, finish, notes, async (storeDir) => {
          const damage = await damageLogTail(storeDir, createPrng(ctx.seed * 7919 + index), fault.damage ?? 'truncate');
          if (damage === null) return 'no write-ahead log to damage';
          const what = damage.damage === 'truncate' ? 'cut off' : 'overwrote with random bytes';
          return `${what} the last ${damage.bytes} bytes of ${damage.file} (${damage.size} bytes)`;
        });
      }
      case FaultKind.DiskFull: {
        const id = 'nodes' in t ? t.nodes[0]! : nodes.ids[0]!;
        const disk = ctx.host.disk(id);
        const injected = started();
        await recordStart(injected);
        if (disk === undefined) {
          notes.push(`node ${id} has no tmpfs of its own; nothing injected`);
          return finish(injected, async () => undefined);
        }
        this.beginDiskFault(id, fault.kind);
        const bytes = await disk.keepFull();
        notes.push(`node ${id}: a ballast of ${mib(bytes)} filled its ${mib(disk.sizeBytes)} tmpfs, topped up while the fault lasts`);
        return finish(injected, async () => {
          await disk.empty();
          const exits = await this.endDiskFault(id);
          notes.push(exits === 0 ? `node ${id} did not exit` : `node ${id} exited ${exits} time(s) on the full disk`);
        });
      }
      case FaultKind.FsyncError:
      case FaultKind.SlowDisk: {
        const id = 'nodes' in t ? t.nodes[0]! : nodes.ids[0]!;
        const stallMs = fault.stallMs ?? 1_000;
        if (fault.kind === FaultKind.SlowDisk) target = `${id} +${stallMs}ms`;
        const injected = started();
        await recordStart(injected);
        const pid = nodes.pid(id);
        const inject = fault.kind === FaultKind.FsyncError ? 'error=EIO' : `delay_enter=${stallMs * 1_000}`;
        let tracer: SyscallFault | null = null;
        try {
          if (pid === undefined) throw new Error('it is not running');
          if (fault.kind === FaultKind.FsyncError) this.beginDiskFault(id, fault.kind);
          tracer = await SyscallFault.attach(pid, inject, ctx.host.traceLog(id, index));
          notes.push(`strace attached to node ${id} (pid ${pid}): fsync and fdatasync ${fault.kind === FaultKind.FsyncError ? 'fail with EIO' : `stall ${stallMs} ms each`}`);
        } catch (err) {
          notes.push(`could not trace node ${id}: ${(err as Error).message}; nothing injected`);
        }
        return finish(injected, async () => {
          const calls = tracer === null ? 0 : (await tracer.detach()).injected;
          notes.push(`${calls} fsync/fdatasync call(s) ${fault.kind === FaultKind.FsyncError ? 'failed' : 'stalled'}`);
          if (fault.kind === FaultKind.FsyncError) {
            const exits = await this.endDiskFault(id);
            notes.push(exits === 0 ? `node ${id} did not exit` : `node ${id} exited ${exits} time(s)`);
          }
        });
      }
      case FaultKind.ClockJump: {
        const id = 'nodes' in t ? t.nodes[0]! : nodes.ids[0]!;
        const jumpMs = fault.jumpMs ?? 60_000;
        target = `${id} ${jumpMs < 0 ? '-' : '+'}${Math.round(Math.abs(jumpMs) / 1000)}s`;
        const clock = ctx.host.clock(id);
        const injected = started();
        await recordStart(injected);
        if (clock === undefined) {
          notes.push(`node ${id} does not run on a fake clock; nothing injected`);
          return finish(injected, async () => undefined);
        }
        await clock.set(jumpMs);
        notes.push(`node ${id}'s wall clock jumped ${jumpMs < 0 ? 'back' : 'forward'} ${Math.round(Math.abs(jumpMs) / 1000)} s (its monotonic clock did not); back to real time at the heal`);
        return finish(injected, () => clock.set(0));
      }
    }
  }

  /**
   * Kills a node, damages its store with `damage` (which returns a note), restarts it on the
   * damaged store, and at the fault's end says what the node made of it (reportCorruption); a
   * node that crashed on it, or is not ready, gets its data replaced. With `damagedAfterStart`
   * (flipped bytes may lie in tables the node reads later) it counts as running on a corrupted
   * store until its data is replaced; without, only until it is ready.
   */
  private async damageStore(
    id: number,
    how: { readonly damagedAfterStart: boolean },
    started: () => InjectedFault,
    recordStart: (injected: InjectedFault) => Promise<void>,
    finish: (injected: InjectedFault, heal: () => Promise<void>) => ActiveFault,
    notes: string[],
    damage: (storeDir: string) => Promise<string>,
  ): Promise<ActiveFault> {
    const { ctx } = this;
    const { nodes } = ctx;
    const injected = started();
    await recordStart(injected);
    await nodes.kill(id);
    const storeDir = join(nodes.dataDir(id), 'store');
    notes.push(`node ${id} killed; ${await damage(storeDir)}`);
    this.corrupted.add(id);
    await this.startNode(id);
    const logFrom = this.logOffsets.get(id) ?? 0;
    return finish(injected, async () => {
      // What the node made of it, once it had its chance to start (or crashed: then the
      // supervisor has already replaced its data, see onUnexpectedExit).
      const replaced = !this.corrupted.has(id);
      const ready = !replaced && nodes.isRunning(id) && (await ctx.waitReady(id, READY_TIMEOUT_MS));
      await this.reportCorruption(id, storeDir, logFrom, replaced ? 'crashed' : ready ? 'ready' : 'not-ready', notes);
      if (ready && !how.damagedAfterStart) this.corrupted.delete(id);
      if (ready || !this.corrupted.has(id)) return;
      if (ctx.signal.aborted) return;
      notes.push(`node ${id} was not running and ready at the end of the fault; its data was replaced`);
      await this.replaceData(id, 'it was not running and ready on its damaged store at the end of the fault');
    });
  }

  /** Says what a node made of its corrupted store, from its log and LevelDB's. */
  private async reportCorruption(id: number, storeDir: string, logFrom: number, outcome: 'ready' | 'not-ready' | 'crashed', notes: string[]): Promise<void> {
    const { ctx } = this;
    const ready = outcome === 'ready';
    const errors = await lastLogErrors(ctx.nodes.logPath(id), logFrom, 20);
    const detected = errors.filter((line) => /check|corrupt|checksum|repair|trusted|lost writes/i.test(line));
    // LevelDB rewrites its info log at every open: read it only while the damaged store is there.
    const leveldb = outcome === 'crashed' ? [] : await levelDbCorruption(storeDir);
    if (leveldb.length > 0) {
      notes.push(`LevelDB: ${leveldb.slice(0, 3).join('; ')}`);
      ctx.addFinding({ node: id, kind: FindingKind.StorageDropped, message: `node ${id}: LevelDB reported on opening its store: ${leveldb.slice(0, 3).join('; ')}` });
    }
    if (detected.length > 0) {
      const how = ready ? 'and runs (repairing from peers)' : outcome === 'crashed' ? 'and exited' : 'and did not become ready';
      notes.push(`node ${id} reported: ${detected.slice(0, 3).join('; ')}`);
      ctx.addFinding({ node: id, kind: FindingKind.CorruptionDetected, message: `node ${id} detected the damage ${how}: ${detected.slice(0, 2).join('; ')}` });
    } else if (!ready) {
      const why = errors.length > 0 ? errors[errors.length - 1] : 'nothing logged';
      notes.push(`node ${id} ${outcome === 'crashed' ? 'exited' : 'did not become ready'}: ${why}`);
      if (outcome === 'not-ready') ctx.addFinding({ node: id, kind: FindingKind.CorruptionDetected, message: `node ${id} did not become ready on its corrupted store: ${why}` });
    } else {
      notes.push(`node ${id} started and reported no damage`);
      ctx.addFinding({ node: id, kind: FindingKind.CorruptionUndetected, message: `node ${id} started on its corrupted store and reported no damage (the flipped bytes may be in data it no longer reads, or in bytes LevelDB does not check)` });
    }
  }
}

const mib = (bytes: number): string => `${(bytes / (1 << 20)).toFixed(1)} MiB`;

function describeFlips(flips: readonly ByteFlip[]): string {
  if (flips.length === 0) return 'nothing (no stored log files)';
  return flips.map((f) => `${f.file}@${f.offset} ${hex(f.before)}→${hex(f.after)}`).join(', ');
}

const hex = (byte: number): string => `0x${byte.toString(16).padStart(2, '0')}`;

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/**
 * Whether a node's exit is the one a storage failure calls for (STYLE.md §3: log, exit non-zero,
 * let the supervisor restart): Herald's exit code for it, or an error that names a failed disk
 * operation (a store that could not open at start exits with code 1 and says why).
 */
export function isStorageExit(exit: Pick<NodeExit, 'code' | 'signal'>, errors: readonly string[]): boolean {
  if (exit.code === STORAGE_EXIT_CODE) return true;
  return exit.signal === null && errors.some((line) => storageFailure.test(line));
}

/**
 * The messages of a node's error and fatal log lines (pino JSON, level 50 and up) written after
 * byte `from` of its log, the last `max` of them.
 */
export async function lastLogErrors(path: string, from = 0, max = 5): Promise<string[]> {
  let text: string;
  try {
    const handle = await open(path, 'r');
    try {
      const size = (await handle.stat()).size;
      // The tail is enough, and a long run's log may be large.
      const start = Math.max(from, size - 1_000_000);
      const buffer = Buffer.alloc(Math.max(0, size - start));
      await handle.read(buffer, 0, buffer.length, start);
      text = buffer.toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return [];
  }
  const messages: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) {
      // stderr of the process: native aborts, uncaught exceptions
      if (/error|assert|abort|fatal|corrupt/i.test(line)) messages.push(line.trim().slice(0, 300));
      continue;
    }
    let entry: { level?: number; msg?: string; err?: { message?: string }; problem?: string; problems?: string[] };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if ((entry.level ?? 0) < 50) continue;
    const detail = entry.problem ?? entry.problems?.join('; ') ?? entry.err?.message;
    messages.push(`${entry.msg ?? ''}${detail === undefined ? '' : `: ${detail}`}`.slice(0, 400));
  }
  return messages.slice(-max);
}

/** LevelDB's own reports of damage from its info log (`LOG`, rewritten at every open). */
export async function levelDbCorruption(storeDir: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(join(storeDir, 'LOG'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => /corrupt|checksum|dropping|missing/i.test(line))
    .map((line) => line.replace(/^\S+\s+\S+\s+/, '').trim().slice(0, 300));
}
