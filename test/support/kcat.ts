import { execFileSync, spawn } from 'node:child_process';

/** Whether kcat (Debian's package, librdkafka) is installed. */
export function hasKcat(): boolean {
  try {
    execFileSync('kcat', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs kcat with `args`, feeding `input`; resolves with its exit code, stdout and stderr. A run
 *  past `timeoutMs` is killed by its pid and resolves with code null. */
export function kcat(args: readonly string[], input = '', timeoutMs = 20_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => stdout.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(stdout).toString(), stderr });
    });
    child.stdin.end(input);
  });
}
