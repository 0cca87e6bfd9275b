import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultInjector, isStorageExit, lastLogErrors, levelDbCorruption, type FaultContext } from '../src/faults.js';
import { waitFor } from './support/wait-for.js';

// Shows how the harness reads what a node said about a fault: pino error and fatal lines after
// a given byte of its log (with the problem or error they carry), native aborts on stderr,
// LevelDB's own reports of damage, and which exits are the storage failure a disk fault calls for;
// and that the supervisor's restart and a heal never start one node twice.

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'herald-faults-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('lastLogErrors', () => {
  it('keeps error and fatal lines after the offset, with their detail, and native aborts', async () => {
    const early = `${JSON.stringify({ level: 50, msg: 'old failure' })}\n`;
    const lines = [
      JSON.stringify({ harness: 'started', pid: 7 }),
      JSON.stringify({ level: 30, msg: 'node started' }),
      JSON.stringify({ level: 50, msg: 'stored raft state failed its checks; repairing from peers', problem: 'entry 6 of group p.1.0 failed its checksum' }),
      "node: ../deps/leveldb/table_builder.cc:97: Assertion `r->options.comparator->Compare(key, Slice(r->last_key)) > 0' failed.",
      'some harmless stderr line',
      JSON.stringify({ level: 60, msg: 'storage failed', err: { message: 'Corruption: bad block' } }),
      'not json {',
    ];
    const path = join(dir, 'node-1.log');
    await writeFile(path, early + lines.join('\n'));
    expect(await lastLogErrors(path, early.length)).toEqual([
      'stored raft state failed its checks; repairing from peers: entry 6 of group p.1.0 failed its checksum',
      "node: ../deps/leveldb/table_builder.cc:97: Assertion `r->options.comparator->Compare(key, Slice(r->last_key)) > 0' failed.",
      'storage failed: Corruption: bad block',
    ]);
    expect(await lastLogErrors(path, 0, 1)).toEqual(['storage failed: Corruption: bad block']);
    expect(await lastLogErrors(join(dir, 'missing.log'))).toEqual([]);
  });
});

describe('levelDbCorruption', () => {
  it("picks LevelDB's reports of dropped or corrupt data from its info log", async () => {
    await writeFile(join(dir, 'LOG'), [
      '2026/11/25-07:52:57.123456 7f Recovering log #12',
      '2026/11/25-07:52:57.123457 7f (ignoring error) /d/000012.log: dropping 7844 bytes; Corruption: checksum mismatch',
      '2026/11/25-07:52:57.123458 7f Delete type=0 #12',
    ].join('\n'));
    expect(await levelDbCorruption(dir)).toEqual(['(ignoring error) /d/000012.log: dropping 7844 bytes; Corruption: checksum mismatch']);
    expect(await levelDbCorruption(join(dir, 'none'))).toEqual([]);
  });
});

describe('isStorageExit', () => {
  it.each([
    { what: "Herald's exit code for a failed storage write", exit: { code: 70, signal: null }, errors: [], expected: true },
    {
      what: 'a store that could not open on a full disk',
      exit: { code: 1, signal: null },
      errors: ['error: Database failed to open: IO error: /d/store/MANIFEST-000005: No space left on device'],
      expected: true,
    },
    { what: 'an EIO named in the last error', exit: { code: 1, signal: null }, errors: ['failed to write a batch: IO error: /d/000003.log: Input/output error'], expected: true },
    { what: 'another failure', exit: { code: 1, signal: null }, errors: ['TypeError: x is not a function'], expected: false },
    { what: 'a signal', exit: { code: null, signal: 'SIGSEGV' as const }, errors: ['failed to write a batch: EIO'], expected: false },
  ])('$what: $expected', ({ exit, errors, expected }) => {
    expect(isStorageExit(exit, errors)).toBe(expected);
  });
});

describe('FaultInjector.startNode', () => {
  // The supervisor's restart after an exit and a fault's heal can both find a node down at
  // once; a second start of a starting node used to fail the whole run.
  it('starts a node once when asked twice at once, and again once that start is done', async () => {
    const started: number[] = [];
    let release = (): void => {};
    const nodes = {
      logPath: () => join(dir, 'missing.log'),
      start: async (id: number) => {
        started.push(id);
        await new Promise<void>((resolve) => (release = resolve));
        return 1;
      },
    };
    const injector = new FaultInjector({ nodes, clock: () => 0 } as unknown as FaultContext);
    const first = injector.startNode(2);
    const second = injector.startNode(2);
    await waitFor(() => started.length > 0, { what: 'the first start' });
    expect(started).toEqual([2]);
    release();
    await Promise.all([first, second]);
    const third = injector.startNode(2);
    await waitFor(() => started.length > 1, { what: 'the next start' });
    release();
    await third;
    expect(started).toEqual([2, 2]);
  });
});
