// The node processes of a local cluster, found through their PID files, for the failover
// benchmark: `herald cluster up --detach --data D` writes D/node-N/herald.pid, and
// scripts/bench-peers.sh makes each NATS server write D/node-N/nats.pid. A node is killed (or
// paused) by that PID only, and restarted with the very command line, folder and environment it
// ran with (read from /proc before the kill).

import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** A running node process and how to start it again. */
export interface NodeProcess {
  /** The node's folder name under the data folder, e.g. node-2. */
  readonly name: string;
  readonly pid: number;
  readonly pidFile: string;
  /** Where a restarted process writes its output: the PID file's name with .log. */
  readonly logFile: string;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

/** Whether `pid` runs. A zombie (dead, not yet reaped by its parent) does not. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/PID/stat: "pid (comm) state ..."; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The node `name` of the cluster whose data folder is `data`: its PID file (the one *.pid in
 *  data/name) must name a live process. Its command line is read from /proc (Linux). */
export function findNodeProcess(data: string, name: string): NodeProcess {
  const dir = resolve(data, name);
  const pidFiles = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.pid')) : [];
  if (pidFiles.length !== 1) throw new Error(`expected one PID file in ${dir} (found ${pidFiles.length}); was the cluster started with \`herald cluster up --detach --data ${data}\`?`);
  const pidFile = join(dir, pidFiles[0]!);
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) throw new Error(`${pidFile} names pid ${pid}, which is not running`);
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
  const env: Record<string, string> = {};
  for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const at = entry.indexOf('=');
    if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return { name, pid, pidFile, logFile: pidFile.replace(/\.pid$/, '.log'), argv, cwd: readlinkSync(`/proc/${pid}/cwd`), env };
}

/** SIGKILLs the node and resolves once its process is gone. */
export async function killNode(node: NodeProcess): Promise<void> {
  process.kill(node.pid, 'SIGKILL');
  while (isAlive(node.pid)) await new Promise((r) => setTimeout(r, 5));
}

/** SIGSTOPs the node: it keeps its sockets open and answers nothing (a paused VM or a long GC
 *  pause, as the client sees it) until resumeNode(). */
export function pauseNode(node: NodeProcess): void {
  process.kill(node.pid, 'SIGSTOP');
}

/** SIGCONTs a node paused by pauseNode(); returns its PID (unchanged). */
export function resumeNode(node: NodeProcess): number {
  process.kill(node.pid, 'SIGCONT');
  return node.pid;
}

/** Starts the node again, detached, as it ran before; rewrites its PID file; returns the PID. */
export function restartNode(node: NodeProcess): number {
  const fd = openSync(node.logFile, 'a');
  try {
    const child = spawn(node.argv[0]!, node.argv.slice(1), { cwd: node.cwd, env: node.env, detached: true, stdio: ['ignore', fd, fd] });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${node.argv.join(' ')}`);
    writeFileSync(node.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}
