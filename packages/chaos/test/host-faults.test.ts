import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, LIBFAKETIME, SyscallFault, TmpfsDisk, unavailableHostFaults } from '../src/host-faults.js';
import { waitFor } from './support/wait-for.js';

// Shows that the host faults do to a real process what the harness says: a tmpfs that a ballast
// fills to the last byte and keeps full, strace making fdatasync fail with EIO or stall and
// leaving the process unharmed once detached, libfaketime moving Date.now() but not
// performance.now(). Method: a stand-in process (a Node one-liner) that reports, one JSON line at
// a time, what its fdatasync calls returned and took, or what its clocks read. Needs root (the
// tmpfs), strace and Debian's libfaketime: skipped here without them, required under CI
// (scripts/lib/ensure-host-faults.sh installs the packages).

const root = process.getuid?.() === 0;
const strace = spawnSync('strace', ['-V']).status === 0;
const faketime = existsSync(LIBFAKETIME);
for (const [missing, what] of [[!strace, 'strace'], [!faketime, `libfaketime (${LIBFAKETIME})`]] as const) {
  if (!missing) continue;
  if (process.env.CI !== undefined) throw new Error(`${what} is missing; CI must install it (scripts/lib/ensure-host-faults.sh)`);
  console.warn(`skipping the host-fault checks that need ${what}; install it with scripts/lib/ensure-host-faults.sh`);
}
if (!root) console.warn('skipping the tmpfs checks: mounting a tmpfs needs root');

let dir: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'herald-host-faults-'));
});

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** Starts a Node one-liner and collects the JSON lines it prints. */
function stand(script: string, env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; lines: Record<string, number | string>[] } {
  const child = spawn(process.execPath, ['-e', script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines: Record<string, number | string>[] = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
      lines.push(JSON.parse(buffer.slice(0, at)) as Record<string, number | string>);
      buffer = buffer.slice(at + 1);
    }
  });
  return { child, lines };
}

describe.skipIf(!root)('TmpfsDisk', () => {
  it('fills to the last byte, keeps full what is freed, and has room again once emptied', async () => {
    const mountPoint = join(dir, 'disk');
    const disk = await TmpfsDisk.mount(mountPoint, 8 << 20);
    try {
      await writeFile(join(mountPoint, 'data'), Buffer.alloc(1 << 20));
      const bytes = await disk.keepFull(20);
      expect(bytes).toBeGreaterThan(6 << 20);
      expect(await disk.freeBytes()).toBe(0);
      await expect(writeFile(join(mountPoint, 'more'), Buffer.alloc(4096))).rejects.toMatchObject({ code: 'ENOSPC' });
      // A node that frees space (LevelDB deleting a log after a compaction) finds it taken again.
      await rm(join(mountPoint, 'data'));
      await waitFor(async () => (await disk.freeBytes()) === 0, { what: 'the ballast to take the freed megabyte', timeoutMs: 15_000 });
      await disk.empty();
      expect(await disk.freeBytes()).toBeGreaterThan(7 << 20);
      await writeFile(join(mountPoint, 'more'), Buffer.alloc(4096));
    } finally {
      await disk.unmount();
      await rmdir(mountPoint);
    }
  });
});

/** Every 20 ms: write a byte, fdatasync, and print what it returned and how long it took. */
const syncer = `
const fs = require('node:fs');
const fd = fs.openSync(process.argv[1] ?? '/dev/null', 'w');
setInterval(() => {
  const t = performance.now();
  let result = 'ok';
  try { fs.writeSync(fd, 'x'); fs.fdatasyncSync(fd); } catch (err) { result = err.code; }
  console.log(JSON.stringify({ result, ms: performance.now() - t }));
}, 20);
`;

describe.skipIf(!strace)('SyscallFault', () => {
  it('fails fdatasync with EIO while attached, and the process runs on unharmed once detached', async () => {
    const { child, lines } = stand(syncer.replace("process.argv[1] ?? '/dev/null'", JSON.stringify(join(dir, 'synced'))));
    await waitFor(() => lines.length > 0, { what: 'the first fdatasync', timeoutMs: 10_000 });
    const fault = await SyscallFault.attach(child.pid!, 'error=EIO', join(dir, 'strace.log'));
    const from = lines.length;
    await waitFor(() => lines.slice(from).some((l) => l.result === 'EIO'), { what: 'an fdatasync to fail with EIO', timeoutMs: 10_000 });
    const { injected } = await fault.detach();
    expect(injected).toBeGreaterThan(0);
    const after = lines.length;
    await waitFor(() => lines.length >= after + 3, { what: 'three fdatasyncs after the detach', timeoutMs: 10_000 });
    expect(lines.slice(after + 1).map((l) => l.result)).not.toContain('EIO');
    expect(child.exitCode).toBeNull();
  });

  it('stalls every fdatasync while attached', async () => {
    const { child, lines } = stand(syncer.replace("process.argv[1] ?? '/dev/null'", JSON.stringify(join(dir, 'synced'))));
    await waitFor(() => lines.length > 0, { what: 'the first fdatasync', timeoutMs: 10_000 });
    const fault = await SyscallFault.attach(child.pid!, 'delay_enter=300000', join(dir, 'strace.log'));
    const from = lines.length;
    await waitFor(() => lines.length >= from + 3, { what: 'three stalled fdatasyncs', timeoutMs: 10_000 });
    const { injected } = await fault.detach();
    expect(injected).toBeGreaterThanOrEqual(2);
    // The first may have been under way when strace attached.
    for (const line of lines.slice(from + 1, from + 3)) expect(line.ms).toBeGreaterThanOrEqual(290);
  });
});

describe.skipIf(!faketime)('FakeClock', () => {
  it("moves a process's wall clock both ways, not its monotonic clock, and heals", async () => {
    const clock = await FakeClock.create(join(dir, 'faketime'));
    const { lines } = stand('setInterval(() => console.log(JSON.stringify({ wall: Date.now(), mono: performance.now()})), 50);', {
      ...process.env,
      ...clock.env(),
    });
    await waitFor(() => lines.length > 0, { what: 'the first clock reading', timeoutMs: 10_000 });
    const first = lines[0]!;
    const skew = (line: Record<string, number | string>): number => (line.wall as number) - (first.wall as number) - ((line.mono as number) - (first.mono as number));
    await clock.set(3_600_000);
    // libfaketime reads the file again within a second (FAKETIME_CACHE_DURATION=1).
    await waitFor(() => skew(lines[lines.length - 1]!) > 3_590_000, { what: 'the wall clock to jump an hour ahead', timeoutMs: 5_000 });
    await clock.set(-120_000);
    await waitFor(() => Math.abs(skew(lines[lines.length - 1]!) + 120_000) < 2_000, { what: 'the wall clock to jump two minutes back', timeoutMs: 5_000 });
    await clock.set(0);
    await waitFor(() => Math.abs(skew(lines[lines.length - 1]!)) < 2_000, { what: 'the wall clock to heal', timeoutMs: 5_000 });
    // performance.now() kept counting real time throughout: it never went back.
    const mono = lines.map((l) => l.mono as number);
    for (let i = 1; i < mono.length; i++) expect(mono[i]).toBeGreaterThan(mono[i - 1]!);
    expect(await readFile(clock.path, 'utf8')).toBe('+0\n');
  });
});

describe('unavailableHostFaults', () => {
  it('probes only the host fault kinds asked for, and finds those this machine has', async () => {
    expect(await unavailableHostFaults(['kill', 'wipe'])).toEqual(new Map());
    const unavailable = await unavailableHostFaults(['disk-full', 'fsync-error', 'slow-disk', 'clock-jump']);
    expect(unavailable.has('disk-full')).toBe(!root);
    expect(unavailable.has('fsync-error')).toBe(!strace);
    expect(unavailable.has('slow-disk')).toBe(!strace);
    expect(unavailable.has('clock-jump')).toBe(!faketime);
    if (!root) expect(unavailable.get('disk-full')).toMatch(/needs root/);
  });
});
