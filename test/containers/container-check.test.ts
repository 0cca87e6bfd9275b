// Shows that the image builds from the Dockerfile and that the compose stack serves: three
// containers on the host network form a cluster that the host's CLI produces to and consumes
// from, and each exports its metrics. Method: scripts/container-check.sh (podman, podman-compose;
// it tears its project down itself). Needs podman and root: skipped with the reason without them,
// except in CI (CI=true), which installs podman (scripts/lib/ensure-podman.sh) and must run it.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/herald-cli.js';

const podman = spawnSync('podman', ['--version'], { encoding: 'utf8' }).status === 0;
const root = process.getuid?.() === 0;
const skipReason = !podman ? 'podman is not installed (scripts/lib/ensure-podman.sh installs it)' : !root ? 'the check runs podman as root' : undefined;
const inCi = process.env.CI === 'true';
/** The whole check: a base image (a minute or two the first time), the image build, the stack. */
const CHECK_TIMEOUT_MS = 20 * 60_000;

describe('scripts/container-check.sh', () => {
  it.runIf(inCi && skipReason !== undefined)('runs in CI', () => {
    expect.fail(`CI must run the container check, but ${skipReason}`);
  });

  it.skipIf(skipReason !== undefined)(
    `builds the image and serves a produce/consume round trip from the compose stack${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`,
    async () => {
      const child = spawn('bash', [join(ROOT, 'scripts/container-check.sh')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGTERM'), CHECK_TIMEOUT_MS - 30_000);
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      clearTimeout(timer);
      expect(code, output).toBe(0);
      expect(output).toMatch(/produced 200 with acks all, consumed all 200 back/);
      for (const n of [1, 2, 3]) expect(output).toMatch(new RegExp(`node ${n}: https://127\\.0\\.0\\.1:940${n}/metrics: \\d+ herald_ series`));
      expect(output).toMatch(/^container-check: passed in \d+ s$/m);
      process.stdout.write(`${output}\n`);
    },
    CHECK_TIMEOUT_MS,
  );
});
