import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rename, rm, rmdir, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { FaultKind } from './schedule.js';

/** Debian's libfaketime (package `faketime`), preloaded into nodes whose clock a fault moves. */
export const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/** How long the harness waits for strace to say it attached. */
const ATTACH_TIMEOUT_MS = 10_000;

/** The fault kinds that need the machine's help: root for a tmpfs, strace, libfaketime. */
export const hostFaultKinds: ReadonlySet<FaultKind> = new Set<FaultKind>([FaultKind.DiskFull, FaultKind.FsyncError, FaultKind.SlowDisk, FaultKind.ClockJump]);

/**
 * Why each host fault kind among `kinds` cannot run on this machine; kinds not in the answer can.
 * Each is tried for real, once, on a throwaway target: a tmpfs mounted and unmounted, strace
 * attached to a sleeping child and detached, a node process whose clock libfaketime moves a day.
 */
export async function unavailableHostFaults(kinds: readonly FaultKind[]): Promise<Map<FaultKind, string>> {
  const unavailable = new Map<FaultKind, string>();
  if (kinds.includes(FaultKind.DiskFull)) {
    const why = await probeTmpfs();
    if (why !== null) unavailable.set(FaultKind.DiskFull, why);
  }
  if (kinds.includes(FaultKind.FsyncError) || kinds.includes(FaultKind.SlowDisk)) {
    const why = await probeStrace();
    if (why !== null) {
      if (kinds.includes(FaultKind.FsyncError)) unavailable.set(FaultKind.FsyncError, why);
      if (kinds.includes(FaultKind.SlowDisk)) unavailable.set(FaultKind.SlowDisk, why);
    }
  }
  if (kinds.includes(FaultKind.ClockJump)) {
    const why = await probeFaketime();
    if (why !== null) unavailable.set(FaultKind.ClockJump, why);
  }
  return unavailable;
}

async function probeTmpfs(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'needs root, to mount a small tmpfs for the node\'s data (run the harness as root, or leave disk-full out)';
  const dir = await mkdtemp(join(tmpdir(), 'herald-chaos-probe-'));
  try {
    const disk = await TmpfsDisk.mount(dir, 1 << 20);
    await disk.unmount();
    return null;
  } catch (err) {
    return `mounting a tmpfs failed (${(err as Error).message})`;
  } finally {
    await rmdir(dir).catch(() => undefined);
  }
}

async function probeStrace(): Promise<string | null> {
  const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    const fault = await SyscallFault.attach(sleeper.pid!, 'error=EIO', '/dev/null');
    await fault.detach();
    return null;
  } catch (err) {
    return `strace could not attach to a process (${(err as Error).message}); install Debian's strace (scripts/lib/ensure-host-faults.sh) and allow ptrace (CAP_SYS_PTRACE, kernel.yama.ptrace_scope)`;
  } finally {
    sleeper.kill('SIGKILL');
  }
}

async function probeFaketime(): Promise<string | null> {
  if (!existsSync(LIBFAKETIME)) return `${LIBFAKETIME} is missing; install Debian's faketime package (scripts/lib/ensure-host-faults.sh)`;
  const dir = await mkdtemp(join(tmpdir(), 'herald-chaos-probe-'));
  try {
    const clock = await FakeClock.create(join(dir, 'faketime'));
    await clock.set(86_400_000);
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', 'process.stdout.write(String(Date.now()))'], { env: { ...process.env, ...clock.env() }, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.once('error', reject);
      child.once('exit', () => resolve(text));
    });
    const skewMs = Number(output) - Date.now();
    return skewMs > 80_000_000 ? null : `libfaketime did not move a node process's clock (it read ${output || 'nothing'})`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A small tmpfs holding one node's data directory, so that a disk-full fault can fill it without
 * touching the machine's disk: a ballast file takes every free byte, and deleting it heals.
 * Mounted and unmounted with mount(8), as root.
 */
export class TmpfsDisk {
  private keeping = false;
  private topUps: Promise<void> | null = null;

  private constructor(
    readonly mountPoint: string,
    readonly sizeBytes: number,
  ) {}

  /** Mounts a tmpfs of `sizeBytes` at `dir` (created if needed). */
  static async mount(dir: string, sizeBytes: number): Promise<TmpfsDisk> {
    await mkdir(dir, { recursive: true });
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0700`, 'herald-chaos', dir]);
    return new TmpfsDisk(dir, sizeBytes);
  }

  private get ballastPath(): string {
    return join(this.mountPoint, 'ballast');
  }

  /** Bytes free on the filesystem. */
  async freeBytes(): Promise<number> {
    const stats = await statfs(this.mountPoint);
    return stats.bavail * stats.bsize;
  }

  /** Fills every free byte with the ballast file; returns how many bytes it took. */
  async fill(): Promise<number> {
    const handle = await open(this.ballastPath, 'a');
    let written = 0;
    try {
      const chunk = Buffer.alloc(1 << 20);
      for (let size = chunk.length; size >= 512; ) {
        try {
          written += (await handle.write(chunk, 0, size)).bytesWritten;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          size >>= 1; // a smaller write may still fit the last pages
        }
      }
    } finally {
      await handle.close();
    }
    return written;
  }

  /**
   * Fills the disk, and keeps it full until empty(): whatever the node frees (LevelDB deletes
   * a log or table after a compaction) the ballast takes within `everyMs`, as when another
   * process fills the disk. Resolves with the bytes of the first fill.
   */
  async keepFull(everyMs = 100): Promise<number> {
    const bytes = await this.fill();
    this.keeping = true;
    this.topUps = (async () => {
      while (this.keeping) {
        await delay(everyMs);
        if (this.keeping && (await this.freeBytes().catch(() => 0)) > 0) await this.fill().catch(() => 0);
      }
    })();
    return bytes;
  }

  /** Stops topping the ballast up (waiting for a top-up under way, whose open file would keep
   *  the space taken) and deletes the ballast: the disk has room again. */
  async empty(): Promise<void> {
    this.keeping = false;
    await this.topUps;
    this.topUps = null;
    await rm(this.ballastPath, { force: true });
  }

  /** Unmounts (lazily when something still holds a file there: the mount goes once it is let go). */
  async unmount(): Promise<void> {
    try {
      await run('umount', [this.mountPoint]);
    } catch {
      await run('umount', ['-l', this.mountPoint]);
    }
  }
}

/**
 * strace attached to every thread of one process, injecting a fault into its fsync and
 * fdatasync calls (strace(1) `-e inject`): `error=EIO` fails each call without running it,
 * `delay_enter=<µs>` stalls each one before it runs. Detaching (SIGINT to strace) heals. Attached
 * with -p, strace cannot filter with seccomp, so every system call of the process stops for the
 * tracer meanwhile (about 50 µs each here instead of 3): the node is slower overall while traced.
 */
export class SyscallFault {
  private constructor(
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
    private readonly outputPath: string,
  ) {}

  /** Attaches to `pid`; resolves once strace said it attached, rejects if it could not. */
  static async attach(pid: number, inject: string, outputPath: string): Promise<SyscallFault> {
    const child = spawn('strace', ['-f', '-p', String(pid), '-e', 'trace=fsync,fdatasync', '-e', `inject=fsync,fdatasync:${inject}`, '-o', outputPath], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`strace did not attach to pid ${pid} within ${ATTACH_TIMEOUT_MS / 1000} s`));
      }, ATTACH_TIMEOUT_MS);
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/attached/.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`strace exited (${code}) before attaching: ${stderr.trim().slice(0, 300)}`));
      });
    });
    return new SyscallFault(child, exited, outputPath);
  }

  /** Detaches (the process runs on unharmed) and says how many calls were failed or stalled. */
  async detach(): Promise<{ injected: number }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
    if (this.outputPath === '/dev/null') return { injected: 0 };
    const text = await readFile(this.outputPath, 'utf8').catch(() => '');
    // strace marks a failed call `(INJECTED)`, a stalled one `(DELAYED)`.
    return { injected: text.split('\n').filter((line) => /\((INJECTED|DELAYED)\)$/.test(line)).length };
  }
}

/**
 * One node's wall clock, moved by libfaketime: preloaded into the node's process, it reads an
 * offset from a file (`+120` seconds ahead, `-30` behind) and adds it to CLOCK_REALTIME only;
 * CLOCK_MONOTONIC stays real (DONT_FAKE_MONOTONIC), as in a real clock step, so Node's timers and
 * performance.now() keep running while Date.now() jumps. The file is read again at most once a
 * second (FAKETIME_CACHE_DURATION=1): FAKETIME_NO_CACHE reads it at every clock read, which
 * measured 7.4 µs per Date.now() here instead of 0.17 µs, on every call of the node.
 */
export class FakeClock {
  private constructor(readonly path: string) {}

  /** A clock file at `path` with no offset. */
  static async create(path: string): Promise<FakeClock> {
    const clock = new FakeClock(path);
    await clock.set(0);
    return clock;
  }

  /** The environment of a node process that reads this clock. */
  env(): Record<string, string> {
    return {
      LD_PRELOAD: LIBFAKETIME,
      FAKETIME_TIMESTAMP_FILE: this.path,
      FAKETIME_CACHE_DURATION: '1',
      DONT_FAKE_MONOTONIC: '1',
      NO_FAKE_STAT: '1',
    };
  }

  /** Sets the offset from the real time (rounded to seconds); 0 heals. Written whole, by rename. */
  async set(offsetMs: number): Promise<void> {
    const seconds = Math.round(offsetMs / 1000);
    const temporary = `${this.path}.tmp`;
    await writeFile(temporary, `${seconds < 0 ? '-' : '+'}${Math.abs(seconds)}\n`);
    await rename(temporary, this.path);
  }
}

function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.trim()}`))));
  });
}
