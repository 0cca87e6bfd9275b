import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The repository's root folder. */
export const ROOT = new URL('../../', import.meta.url).pathname;
/** The compiled CLI (`pnpm build`; scripts/test.sh builds before testing). */
export const HERALD_MAIN = join(ROOT, 'packages/cli/dist/main.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `herald ...args` (the compiled CLI, in a child process), killing it by its pid if it
 *  outlives `timeoutMs`. */
export function herald(args: readonly string[], options: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HERALD_MAIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...options.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      process.kill(child.pid!, 'SIGKILL');
      reject(new Error(`herald ${args.join(' ')} did not finish within ${options.timeoutMs ?? 30_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
