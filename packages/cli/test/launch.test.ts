// Shows that nodes are started from the compiled CLI, never from sources (a missing or stale build
// is refused with what to do), and that the CLI names itself as the user can type it. Method: a
// fake clone in a temporary folder, file times set by hand; a PATH holding a link to the CLI.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cliCommand, nodeEntry } from '../src/launch.js';

const PACKAGES = ['cli', 'broker', 'storage', 'raft', 'protocol'];

let clone: string;

beforeEach(() => {
  clone = mkdtempSync(join(tmpdir(), 'herald-launch-'));
});

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(clone, { recursive: true, force: true });
});

/** A clone whose sources were last changed at `sourceS` and built at `builtS` (epoch seconds). */
function fakeClone(sourceS: number, builtS: number | undefined): string {
  for (const name of PACKAGES) {
    const src = join(clone, 'packages', name, 'src', 'sub');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'x.ts'), '');
    utimesSync(join(src, 'x.ts'), sourceS, sourceS);
    if (builtS === undefined) continue;
    mkdirSync(join(clone, 'packages', name, 'dist'), { recursive: true });
    writeFileSync(join(clone, 'packages', name, 'tsconfig.tsbuildinfo'), '');
    utimesSync(join(clone, 'packages', name, 'tsconfig.tsbuildinfo'), builtS, builtS);
  }
  if (builtS !== undefined) writeFileSync(join(clone, 'packages', 'cli', 'dist', 'main.js'), '');
  return join(clone, 'packages', 'cli', 'src', 'main.ts');
}

describe('nodeEntry', () => {
  it('is the compiled CLI itself when the CLI runs compiled', () => {
    expect(nodeEntry('/opt/herald/node_modules/@herald/cli/dist/main.js')).toBe('/opt/herald/node_modules/@herald/cli/dist/main.js');
  });

  it('is the build next to the sources when it is current', () => {
    expect(nodeEntry(fakeClone(1_000, 2_000))).toBe(join(clone, 'packages', 'cli', 'dist', 'main.js'));
  });

  it('refuses a missing build', () => {
    expect(() => nodeEntry(fakeClone(1_000, undefined))).toThrow(/main\.js is missing; build it first: pnpm build/);
  });

  it('refuses a build older than the sources of a package a node runs', () => {
    const entry = fakeClone(1_000, 2_000);
    utimesSync(join(clone, 'packages', 'storage', 'src', 'sub', 'x.ts'), 3_000, 3_000);
    expect(() => nodeEntry(entry)).toThrow('the build of packages/storage is older than its sources; build first: pnpm build');
  });
});

describe('cliCommand', () => {
  it('is herald when a herald on the PATH leads to this CLI', () => {
    const main = join(clone, 'main.js');
    writeFileSync(main, '');
    mkdirSync(join(clone, 'bin'));
    symlinkSync(main, join(clone, 'bin', 'herald'));
    vi.stubEnv('npm_package_name', '');
    vi.stubEnv('PATH', `/nonexistent:${join(clone, 'bin')}`);
    expect(cliCommand(main)).toBe('herald');
  });

  it('is node with the path otherwise, and pnpm herald from the clone', () => {
    const main = join(clone, 'main.js');
    writeFileSync(main, '');
    vi.stubEnv('npm_package_name', '');
    vi.stubEnv('PATH', '/nonexistent');
    expect(cliCommand(main)).toBe(`node ${main}`);
    vi.stubEnv('npm_package_name', 'herald');
    expect(cliCommand(main)).toBe('pnpm herald');
    vi.stubEnv('npm_package_name', '');
    expect(cliCommand(join(clone, 'src', 'main.ts'))).toBe('pnpm herald');
  });
});
