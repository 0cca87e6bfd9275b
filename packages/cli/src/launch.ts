// How the CLI starts itself again (the nodes of `cluster up` and `chaos run`), and how it names
// itself in the commands it tells the user to type.

import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join, relative, resolve } from 'node:path';

/** The packages whose code a node runs; their builds must be current for a node started from a
 *  clone's sources. */
const NODE_PACKAGES = ['cli', 'broker', 'storage', 'raft', 'protocol'] as const;

function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The compiled entry point that runs `herald node start`: `cliEntry` itself when the CLI runs
 * compiled (dist/main.js), else, when it runs from a clone's sources under tsx (src/main.ts),
 * the build next to them. Nodes never run under tsx: it compiles the CLI at every start (3-5 s
 * instead of well under one), which every restart, failover and chaos fault would pay. Throws,
 * saying to build, when that build is missing or older than the sources of a package a node runs.
 */
export function nodeEntry(cliEntry: string): string {
  if (!cliEntry.endsWith('.ts')) return cliEntry;
  const packagesDir = resolve(dirname(cliEntry), '..', '..');
  const compiled = join(packagesDir, 'cli', 'dist', 'main.js');
  if (!existsSync(compiled)) throw new Error(`nodes run the compiled CLI, and ${compiled} is missing; build it first: pnpm build`);
  for (const name of NODE_PACKAGES) {
    const buildInfo = join(packagesDir, name, 'tsconfig.tsbuildinfo');
    const builtMs = existsSync(buildInfo) ? statSync(buildInfo).mtimeMs : 0;
    if (newestSourceMs(join(packagesDir, name, 'src')) > builtMs) {
      throw new Error(`nodes run the compiled CLI, and the build of packages/${name} is older than its sources; build first: pnpm build`);
    }
  }
  return compiled;
}

/** Whether a `herald` on the PATH is this very CLI (a link to it, as npm install -g, npm link and
 *  scripts/start.sh make). */
function onPath(cliEntry: string): boolean {
  const self = realpathSync(cliEntry);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      if (realpathSync(join(dir, 'herald')) === self) return true;
    } catch {
      // no herald here
    }
  }
  return false;
}

/**
 * The command that runs this CLI as the user can type it in this shell, for the hints it prints
 * (`Stop it with: herald cluster down`): `herald` when that is this CLI on the PATH, `pnpm herald`
 * when run through the clone's script or from its sources, else node with the entry's path.
 */
export function cliCommand(cliEntry: string): string {
  if (process.env.npm_package_name === 'herald' || cliEntry.endsWith('.ts')) return 'pnpm herald';
  if (onPath(cliEntry)) return 'herald';
  const path = relative(process.cwd(), cliEntry);
  return `node ${path.startsWith('..') ? cliEntry : path}`;
}
