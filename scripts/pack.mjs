#!/usr/bin/env node
// Packs what users install from a build (`pnpm build` first): one tarball per installable package,
// `npm install`-able on its own from a file, with no registry holding Herald's packages.
//
//   node scripts/pack.mjs [--out DIR]     (default DIR: dist-packages/)
//
// writes DIR/herald-client-<version>.tgz (the SDK) and DIR/herald-cli-<version>.tgz (the `herald`
// command), and prints their paths. Then, for example:
//
//   npm install ./herald-client-0.1.0.tgz          # in a project: import { HeraldClient } from '@herald/client'
//   npm install -g ./herald-cli-0.1.0.tgz          # herald on the PATH
//
// Only @herald/client and @herald/cli are meant to be installed (the others are private) and each
// tarball bundles the Herald packages it depends on (npm's bundleDependencies, under its own
// node_modules/@herald/) and lists their third-party dependencies as its own, so that npm installs
// those for the user's platform (classic-level and the napi codecs ship prebuilt binaries per
// platform) and never asks a registry for an @herald/* package: none is published, and a name
// found there would be someone else's. A global install (npm install -g) shares nothing between
// packages, so separate tarballs per Herald package could not work for the CLI.
//
// Each package is first packed with `pnpm pack`, which turns workspace: and catalog: versions into
// real ones and runs the package's prepack (packages/protocol copies proto/ in).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The packages users install, and what each bundles comes from their dependencies. */
const INSTALLABLE = ['@herald/client', '@herald/cli'];

function usage(message) {
  process.stderr.write(`pack: ${message}\nusage: node scripts/pack.mjs [--out DIR]\n`);
  process.exit(2);
}

function parseArgs(argv) {
  let out = join(root, 'dist-packages');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1] !== undefined) out = resolve(argv[++i]);
    else usage(`unknown argument "${argv[i]}"`);
  }
  return { out };
}

function run(command, args, cwd) {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Every workspace package under packages/: its folder and manifest. */
function workspacePackages() {
  const packages = new Map();
  for (const name of readdirSync(join(root, 'packages'))) {
    const dir = join(root, 'packages', name);
    if (!existsSync(join(dir, 'package.json'))) continue;
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    packages.set(manifest.name, { dir, manifest });
  }
  return packages;
}

/** The Herald packages `name` needs at run time, itself excluded, transitively. */
function heraldClosure(name, packages, seen = new Set()) {
  for (const dep of Object.keys(packages.get(name).manifest.dependencies ?? {})) {
    if (packages.has(dep) && !seen.has(dep)) {
      seen.add(dep);
      heraldClosure(dep, packages, seen);
    }
  }
  return seen;
}

/** `pnpm pack` of one package, unpacked into `into`/package; returns that folder. */
function packAndUnpack(dir, into) {
  mkdirSync(into, { recursive: true });
  const before = new Set(readdirSync(into));
  run('pnpm', ['pack', '--pack-destination', into], dir);
  const tarball = readdirSync(into).find((f) => f.endsWith('.tgz') && !before.has(f));
  if (tarball === undefined) throw new Error(`pnpm pack in ${dir} wrote no tarball`);
  run('tar', ['-xzf', join(into, tarball), '-C', into]);
  rmSync(join(into, tarball));
  // Source maps point at sources a tarball does not carry.
  for (const file of readdirSync(join(into, 'package'), { recursive: true })) {
    if (file.endsWith('.map')) rmSync(join(into, 'package', file));
  }
  return join(into, 'package');
}

function main() {
  const { out } = parseArgs(process.argv.slice(2));
  const packages = workspacePackages();
  const versions = new Set([...packages.values()].map((p) => p.manifest.version));
  if (versions.size !== 1) throw new Error(`the packages disagree on their version (${[...versions].join(', ')}); give them one`);
  for (const { dir, manifest } of packages.values()) {
    if (!existsSync(join(dir, 'dist'))) throw new Error(`${manifest.name} is not built (no ${join(dir, 'dist')}); run pnpm build first`);
  }
  mkdirSync(out, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'herald-pack-'));
  try {
    for (const name of INSTALLABLE) {
      const stage = packAndUnpack(packages.get(name).dir, join(work, name.replace('/', '+')));
      const manifest = JSON.parse(readFileSync(join(stage, 'package.json'), 'utf8'));
      const bundled = [...heraldClosure(name, packages)].sort();
      // Third-party dependencies of the bundled packages become the tarball's own: npm installs
      // no dependency of a bundled package, and node finds them walking up from node_modules/@herald/*.
      const dependencies = { ...manifest.dependencies };
      for (const dep of bundled) {
        const packed = packAndUnpack(packages.get(dep).dir, join(work, 'deps', dep.replace('/', '+')));
        const depManifest = JSON.parse(readFileSync(join(packed, 'package.json'), 'utf8'));
        for (const [third, range] of Object.entries(depManifest.dependencies ?? {})) {
          if (packages.has(third)) continue;
          if (dependencies[third] !== undefined && dependencies[third] !== range) {
            throw new Error(`${third} is wanted at ${dependencies[third]} and at ${range} (by ${dep}); align the catalog`);
          }
          dependencies[third] = range;
        }
        // The bundled copy keeps only its Herald dependencies: npm counts whatever a bundled
        // package depends on as part of the bundle, and then links no executable for it, which
        // breaks install scripts (classic-level's `node-gyp-build`).
        const heraldOnly = Object.fromEntries(Object.entries(depManifest.dependencies ?? {}).filter(([d]) => packages.has(d)));
        const bundledManifest = { ...depManifest, dependencies: heraldOnly, devDependencies: undefined, scripts: undefined, private: undefined };
        writeFileSync(join(packed, 'package.json'), `${JSON.stringify(bundledManifest, null, 2)}\n`);
        mkdirSync(join(stage, 'node_modules', '@herald'), { recursive: true });
        renameSync(packed, join(stage, 'node_modules', dep));
      }
      for (const dep of bundled) dependencies[dep] = manifest.version;
      const sorted = Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b)));
      writeFileSync(join(stage, 'package.json'), `${JSON.stringify({ ...manifest, dependencies: sorted, bundleDependencies: bundled }, null, 2)}\n`);
      const tarball = run('npm', ['pack', '--silent', '--pack-destination', out], stage).trim().split('\n').pop();
      process.stdout.write(`${join(out, tarball)}\n`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  main();
} catch (err) {
  process.stderr.write(`pack: ${err.stderr ?? err.message}\n`);
  process.exit(1);
}
