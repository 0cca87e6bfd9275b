import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeProcesses, type NodeExit, type NodeLaunchSpec } from '../src/node-processes.js';
import { waitFor } from './support/wait-for.js';

// Shows that the harness drives node processes by the PIDs it started: SIGKILL, SIGSTOP and
// SIGCONT, SIGTERM, wipe; that an exit it did not ask for is reported; and that a node once
// started with --rejoin keeps it. Method: a stand-in "node" (a Node one-liner that prints its
// arguments and idles; exit code 3 when its data folder holds a file named `crash`).

const script = `
const fs = require('node:fs');
const dir = process.argv[process.argv.indexOf('--data-dir') + 1];
process.on('SIGTERM', () => { console.log('stopping'); process.exit(0); });
console.log(JSON.stringify({ msg: 'started', args: process.argv.slice(1) }));
if (fs.existsSync(dir + '/crash')) { console.error('fatal: found crash'); process.exit(3); }
setInterval(() => {}, 1000);
`;

let root: string;
let exits: NodeExit[];
let nodes: NodeProcesses;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'herald-nodes-'));
  exits = [];
  const spec = (id: number): Omit<NodeLaunchSpec, 'rejoin'> => ({
    id, dataDir: join(root, `node-${id}`), host: '127.0.0.1', clientPort: 1, peerPort: 2, metricsPort: 3, peers: '1=x', logLevel: 'info', env: {},
    security: { ca: 'ca.crt', cert: 'node.crt', key: 'node.key', bootstrapFile: 'bootstrap.json' },
  });
  nodes = new NodeProcesses({
    launcher: (s) => ({ command: process.execPath, args: ['-e', script, '--', '--data-dir', s.dataDir, ...(s.rejoin ? ['--rejoin'] : [])] }),
    specs: new Map([[1, spec(1)], [2, spec(2)]]),
    logDir: join(root, 'logs'),
    clock: () => 0,
    onUnexpectedExit: (exit) => exits.push(exit),
  });
});

afterEach(async () => {
  await nodes.killAll();
  await nodes.close();
  await rm(root, { recursive: true, force: true });
});

/** The process state letter from /proc (R, S, T for stopped, ...). */
async function state(pid: number): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

describe('NodeProcesses', () => {
  it('starts a node, pauses and resumes it, and kills it by PID without calling it unexpected', async () => {
    const pid = await nodes.start(1);
    expect(nodes.pid(1)).toBe(pid);
    expect(nodes.isRunning(1)).toBe(true);
    await waitFor(async () => (await readFile(nodes.logPath(1), 'utf8').catch(() => '')).includes('"msg":"started"'), { what: 'the node to log its start' });
    nodes.pause(1);
    await waitFor(async () => (await state(pid)) === 'T', { what: 'the process to be stopped' });
    expect(nodes.isPaused(1)).toBe(true);
    nodes.resume(1);
    await waitFor(async () => (await state(pid)) !== 'T', { what: 'the process to continue' });
    const exit = await nodes.kill(1);
    expect(exit).toMatchObject({ id: 1, pid, signal: 'SIGKILL', unexpected: false });
    expect(nodes.isRunning(1)).toBe(false);
    expect(exits).toEqual([]);
    await expect(nodes.start(1).then(() => nodes.start(1))).rejects.toThrow(/already (running|starting)/);
  });

  it('stops a paused node cleanly with SIGTERM', async () => {
    await nodes.start(2);
    await waitFor(async () => (await readFile(nodes.logPath(2), 'utf8').catch(() => '')).includes('"msg":"started"'), { what: 'the node to start' });
    nodes.pause(2);
    const exit = await nodes.stop(2);
    expect(exit, JSON.stringify(exit)).toMatchObject({ code: 0, unexpected: false });
    expect(await readFile(nodes.logPath(2), 'utf8')).toContain('stopping');
  });

  it('reports a node that exits by itself, with its output in its log', async () => {
    await nodes.start(1);
    await waitFor(() => existsSync(nodes.dataDir(1)), { what: 'the data folder' });
    await nodes.kill(1);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(nodes.dataDir(1), 'crash'), '');
    await nodes.start(1);
    await waitFor(() => exits.length === 1, { what: 'the unexpected exit', timeoutMs: 10_000 });
    expect(exits[0]).toMatchObject({ id: 1, code: 3, unexpected: true });
    expect(await readFile(nodes.logPath(1), 'utf8')).toContain('fatal: found crash');
    expect(nodes.startCount(1)).toBe(2);
  });

  it('wipes a stopped node, refuses to wipe a running one, and keeps --rejoin once given', async () => {
    await nodes.start(2);
    await expect(nodes.wipe(2)).rejects.toThrow(/running/);
    await nodes.kill(2);
    await nodes.wipe(2);
    expect(existsSync(nodes.dataDir(2))).toBe(false);
    await nodes.start(2, { rejoin: true });
    await nodes.kill(2);
    await nodes.start(2);
    // The harness notes each start in the log, with the flag it passed.
    const log = await readFile(nodes.logPath(2), 'utf8');
    expect(log.match(/"harness":"started".*?"rejoin":(true|false)/g)?.map((line) => line.endsWith('true'))).toEqual([false, true, true]);
    expect(nodes.isRejoining(2)).toBe(true);
    expect(nodes.isRejoining(1)).toBe(false);
  });
});
