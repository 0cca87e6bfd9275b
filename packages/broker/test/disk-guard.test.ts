// The free-disk guard: a produce is refused with DiskFull (RESOURCE_EXHAUSTED, nothing written,
// retryable, a message naming the free space and the guard) while the data disk has less free
// space than limits.diskFreeMinBytes, and accepted again as soon as there is room. Method: a
// scripted free-space reader, and one real statfs of the test's own temporary folder.
import { tmpdir } from 'node:os';
import { HeraldError, MetadataKey } from '@herald/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DiskGuard, freeBytes } from '../src/disk-guard.js';

const MIB = 1 << 20;

function guardWith(free: number[]): { guard: DiskGuard; warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => ((JSON.parse(line) as { level: number }).level >= 40 ? warnings : infos).push(line) });
  let next = 0;
  const guard = new DiskGuard('/var/lib/herald', 64 * MIB, log, async () => {
    const value = free[Math.min(next, free.length - 1)]!;
    next += 1;
    if (value < 0) throw new Error('EIO');
    return value;
  });
  return { guard, warnings, infos };
}

describe('DiskGuard', () => {
  it('lets produce through while there is room', async () => {
    const { guard, warnings } = guardWith([10_000 * MIB]);
    await guard.refresh();
    expect(() => guard.check()).not.toThrow();
    expect(guard.freeBytes).toBe(10_000 * MIB);
    expect(warnings).toEqual([]);
  });

  it('refuses with DiskFull below the guard, and lets writes in again once there is room', async () => {
    const { guard, warnings, infos } = guardWith([100 * MIB, 3 * MIB, 0, 65 * MIB]);
    await guard.refresh();
    expect(() => guard.check()).not.toThrow();

    await guard.refresh();
    const err = (() => {
      try {
        guard.check();
      } catch (e) {
        return e;
      }
      return undefined;
    })() as HeraldError;
    expect(err).toBeInstanceOf(HeraldError);
    expect(err.reason).toBe('DiskFull');
    expect(err.code).toBe('RESOURCE_EXHAUSTED');
    expect(err.outcome).toBe('not-written');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/^disk full: 3145728 bytes free on \/var\/lib\/herald, below the 67108864 byte guard/);
    expect(err.details[MetadataKey.Limit]).toBe(String(64 * MIB));
    expect(warnings).toHaveLength(1);

    await guard.refresh();
    expect(() => guard.check()).toThrow(/^disk full: 0 bytes free/);
    expect(warnings).toHaveLength(1); // one warning when it trips, not one per check

    await guard.refresh();
    expect(() => guard.check()).not.toThrow();
    expect(infos.some((line) => line.includes('disk has room again'))).toBe(true);
  });

  it('keeps its last state when the free space cannot be read', async () => {
    const { guard, warnings } = guardWith([0, -1]);
    await guard.refresh();
    await guard.refresh();
    expect(() => guard.check()).toThrow(HeraldError);
    expect(warnings.some((line) => line.includes('could not read the free disk space'))).toBe(true);
  });

  it('is off with a guard of 0 bytes', async () => {
    const guard = new DiskGuard('/d', 0, pino({ level: 'silent' }), async () => 0);
    await guard.refresh();
    expect(() => guard.check()).not.toThrow();
  });

  it('reads the free space of a real filesystem', async () => {
    expect(await freeBytes(tmpdir())).toBeGreaterThan(0);
  });
});
