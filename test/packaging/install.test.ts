// Shows that what users install works outside the repository: the packed CLI installs globally
// with npm and runs a cluster (its native modules load), and the packed client installs into an
// empty project where the README's client example runs against that cluster and type-checks.
// Method: scripts/pack.mjs into a temporary folder (the build must exist: scripts/test.sh builds
// first), `npm install -g --prefix` of the CLI tarball and `npm install` of the client tarball
// (third-party packages from the npm registry, or npm's cache: --prefer-offline), three nodes run
// by the installed `herald`, the README's first TypeScript block with the test's brokers.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/herald-cli.js';
import { ProcessCluster } from '../support/process-cluster.js';

const run = promisify(execFile);
/** npm, bounded: no audit or funding calls, the cache first, two retries of a minute at most. */
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--fetch-retries=2', '--fetch-timeout=60000'];
const version = (JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string }).version;

let work: string;
let herald: string;
let app: string;
let cluster: ProcessCluster | undefined;

/** The README's client example: the first TypeScript block of "The TypeScript client". */
function readmeExample(brokers: readonly string[]): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The TypeScript client'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  const seeds = "['127.0.0.1:7401', '127.0.0.1:7402']";
  expect(code, 'the README has a TypeScript block under "The TypeScript client"').toBeDefined();
  expect(code, 'the example names the local cluster as its brokers').toContain(seeds);
  return code!.replace(seeds, JSON.stringify(brokers));
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'herald-install-'));
  const packed = await run(process.execPath, [join(ROOT, 'scripts/pack.mjs'), '--out', join(work, 'tarballs')], { cwd: ROOT });
  const [clientTarball, cliTarball] = packed.stdout.trim().split('\n');
  expect(clientTarball).toMatch(/herald-client-[\d.]+\.tgz$/);
  expect(cliTarball).toMatch(/herald-cli-[\d.]+\.tgz$/);

  await run('npm', ['install', '--global', '--prefix', join(work, 'global'), ...NPM_FLAGS, cliTarball!], { cwd: work });
  herald = join(work, 'global', 'bin', 'herald');

  app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  await run('npm', ['install', ...NPM_FLAGS, clientTarball!], { cwd: app });

  cluster = await ProcessCluster.start(3, { file: herald, args: [] });
  await cluster.ready(30_000);
}, 300_000);

afterAll(async () => {
  await cluster?.destroy();
  rmSync(work, { recursive: true, force: true });
});

describe('the installed herald command', () => {
  it('prints its version', async () => {
    const { stdout } = await run(herald, ['--version'], { cwd: work });
    expect(stdout).toBe(`${version}\n`);
  });

  it('runs nodes (native modules load) and shows their cluster', async () => {
    const { stdout } = await run(herald, ['cluster', 'status', '--brokers', cluster!.brokers.join(',')], { cwd: work });
    expect(stdout).toMatch(/^cluster herald: 3 nodes, controller node [123]\n/);
    for (const broker of cluster!.brokers) expect(stdout).toMatch(new RegExp(`^\\d\\s+${broker}\\s+yes`, 'm'));
  });
});

describe('the installed client package', () => {
  it("runs the README's example in an empty project", async () => {
    writeFileSync(join(app, 'example.mjs'), readmeExample(cluster!.brokers));
    const { stdout, stderr } = await run(process.execPath, ['example.mjs'], { cwd: app, timeout: 60_000 });
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^stored in orders\/([0-5]) at offset 0\n\1 0 paid\n$/);
  }, 90_000);

  it("type-checks the README's example against the installed types", async () => {
    writeFileSync(join(app, 'example.ts'), readmeExample(cluster!.brokers));
    // And a wrong call, in the same run, to show that the check can fail.
    writeFileSync(join(app, 'wrong.ts'), "import { HeraldClient } from '@herald/client';\nnew HeraldClient({ brokers: 7401 });\n");
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const options = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2023', '--typeRoots', join(ROOT, 'node_modules/@types'), '--types', 'node'];
    const checked = await run(process.execPath, [tsc, ...options, 'example.ts', 'wrong.ts'], { cwd: app }).then(
      () => ({ stdout: 'no error' }),
      (err: { stdout: string }) => err,
    );
    expect(checked.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^wrong\.ts\(2,.*Type 'number' is not assignable to type 'readonly string\[\]'/)]);
  }, 120_000);
});
