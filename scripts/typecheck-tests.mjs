// Type-checks every package's tests (packages/*/tsconfig.test.json) and the cross-package tests
// (test/tsconfig.json): `pnpm build` compiles only src/, and vitest strips types without checking
// them. Run by `pnpm lint`.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const tsc = join(root, 'node_modules', '.bin', 'tsc');
const configs = readdirSync(join(root, 'packages'))
  .sort()
  .map((pkg) => join(root, 'packages', pkg, 'tsconfig.test.json'))
  .filter((config) => existsSync(config));
configs.push(join(root, 'test', 'tsconfig.json'), join(root, 'test', 'chaos', 'tsconfig.json'));
let failed = false;
for (const config of configs) {
  try {
    execFileSync(tsc, ['-p', config], { stdio: 'inherit' });
  } catch {
    failed = true;
  }
}
if (failed) process.exit(1);
console.log('tests type-check');
