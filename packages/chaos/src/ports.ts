import { createServer } from 'node:net';

/** Where freePorts() picks: below Linux's default ephemeral range (32768–60999), from which the
 *  kernel gives port-0 listeners and outgoing connections their ports, and above the ports of
 *  Herald's local defaults (1883N, 1909N, 740N, 750N, 808N, 940N). A port taken from the
 *  ephemeral range, released and bound again a moment later could meanwhile be the source port
 *  of someone's outgoing connection (a test run failed so: EADDRINUSE). */
const PORTS_FROM = 20_000;
const PORTS_TO = 32_000;
/** A vitest worker picks from a slice of its own (VITEST_POOL_ID), so that parallel test files
 *  never pick the same port between checking and binding it. */
const WORKER_SLICE = 1_000;
/** The next port to try, as an offset in this process's range (a random start, then in turn). */
let nextOffset: number | undefined;

/** Distinct TCP ports on `host` that were free when checked (each bound once and released). */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const [from, to] = portRange();
  const size = to - from;
  nextOffset ??= Math.floor(Math.random() * size);
  const ports: number[] = [];
  for (let tried = 0; ports.length < count; tried++) {
    if (tried >= size) throw new Error(`found ${ports.length} of ${count} free ports between ${from} and ${to - 1} on ${host}`);
    const port = from + (nextOffset++ % size);
    if (await bindable(port, host)) ports.push(port);
  }
  return ports;
}

/** The ports this process picks from: its vitest worker's slice, or the whole range. */
function portRange(): [number, number] {
  const worker = Number(process.env.VITEST_POOL_ID);
  if (!Number.isInteger(worker) || worker < 1) return [PORTS_FROM, PORTS_TO];
  const from = PORTS_FROM + ((worker - 1) % ((PORTS_TO - PORTS_FROM) / WORKER_SLICE)) * WORKER_SLICE;
  return [from, from + WORKER_SLICE];
}

/** Whether a listener can bind `port` on `host` now. */
function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
