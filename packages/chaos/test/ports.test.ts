import { createServer, type Server } from 'node:net';
import { expect, it } from 'vitest';
import { freePorts } from '../src/ports.js';

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

// Shows that the ports handed out are outside the kernel's ephemeral range (where a released
// port may become an outgoing connection's source port before it is bound again), within this
// vitest worker's own slice, distinct, and free: one taken meanwhile is skipped.
it('hands out distinct free ports of this worker, below the ephemeral range, skipping one in use', async () => {
  const first = await freePorts(20);
  expect(new Set(first).size).toBe(20);
  const worker = Number(process.env.VITEST_POOL_ID);
  const from = 20_000 + ((worker - 1) % 12) * 1_000;
  for (const port of first) expect(port >= from && port < from + 1_000, `port ${port} in ${from}..${from + 999}`).toBe(true);
  // Take the port that comes next (they are handed out in turn): it must be skipped.
  const taken = await listen(first[first.length - 1]! + 1 >= from + 1_000 ? from : first[first.length - 1]! + 1);
  try {
    const takenPort = (taken.address() as { port: number }).port;
    const next = await freePorts(5);
    expect(next).not.toContain(takenPort);
    for (const port of next) await listen(port).then((s) => new Promise((resolve) => s.close(resolve)));
  } finally {
    await new Promise((resolve) => taken.close(resolve));
  }
});
