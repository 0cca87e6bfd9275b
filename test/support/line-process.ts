import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A child process of a test whose output is read line by line: each complete line of standard
 * output and of standard error goes to its callback as it arrives. Stopped only by signal() on
 * the PID it started.
 */
export class LineProcess {
  readonly child: ChildProcess;
  exited = false;

  constructor(args: readonly string[], handlers: { stdout: (line: string) => void; stderr: (line: string) => void }) {
    this.child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    splitLines(this.child.stdout!, handlers.stdout);
    splitLines(this.child.stderr!, handlers.stderr);
    this.child.once('exit', () => (this.exited = true));
  }

  /** Sends `signal` and waits for the process to exit; nothing when it already has. */
  async signal(signal: NodeJS.Signals): Promise<void> {
    if (this.exited || this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill(signal);
    await exited;
  }
}

function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let partial = '';
  stream.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) onLine(line);
  });
}
