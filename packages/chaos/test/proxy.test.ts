import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LinkProxy } from '../src/proxy.js';
import { connectClient, startEchoServer, type EchoServer, type TestClient } from './support/sockets.js';
import { waitFor } from './support/wait-for.js';

let echo: EchoServer;
let proxy: LinkProxy;
const clients: Socket[] = [];

async function client(): Promise<TestClient> {
  const c = await connectClient(proxy.port);
  clients.push(c.socket);
  return c;
}

/** Dials the proxy and resolves with the socket's first error, or null if it closed without one. */
function dialUntilError(port: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    clients.push(socket);
    let error: NodeJS.ErrnoException | null = null;
    socket.on('error', (err) => {
      error ??= err;
    });
    socket.on('close', () => resolve(error));
  });
}

beforeEach(async () => {
  echo = await startEchoServer();
  proxy = await LinkProxy.start({ name: 'test', target: { host: '127.0.0.1', port: echo.port } });
});

afterEach(async () => {
  for (const socket of clients.splice(0)) socket.destroy();
  await proxy.close();
  await echo.close();
});

describe('LinkProxy', () => {
  // Shows that a passing link forwards both ways and counts bytes.
  it('forwards both ways in pass', async () => {
    const c = await client();
    c.socket.write('hello');
    await waitFor(() => c.received() === 'hello', { what: 'the echo through the proxy' });
    expect(proxy.stats()).toMatchObject({ connectionsAccepted: 1, connectionsOpen: 1, bytesForward: 5, bytesBackward: 5 });
  });

  // Shows that a forward blackhole drops the client's bytes and keeps the connection open.
  // Method: write, wait until the proxy has counted the bytes dropped, then check that neither
  // the server nor the client saw anything and the socket is still open.
  it('drops only forward bytes in a forward blackhole', async () => {
    const c = await client();
    proxy.blackhole('forward');
    c.socket.write('lost');
    await waitFor(() => proxy.stats().droppedBytesForward === 4, { what: 'the proxy to drop 4 bytes forward' });
    expect(echo.received()).toBe('');
    expect(c.received()).toBe('');
    expect(c.closed()).toBe(false);
    expect(proxy.stats().droppedBytesBackward).toBe(0);
  });

  // Shows that a backward blackhole lets requests through and drops the replies: a one-way
  // partition. Method: the server receives the bytes; the proxy drops the echo.
  it('drops only backward bytes in a backward blackhole', async () => {
    const c = await client();
    proxy.blackhole('backward');
    c.socket.write('ping');
    await waitFor(() => echo.received() === 'ping', { what: 'the server to receive the request' });
    await waitFor(() => proxy.stats().droppedBytesBackward === 4, { what: 'the proxy to drop the 4-byte echo' });
    expect(c.received()).toBe('');
    expect(proxy.stats()).toMatchObject({ droppedBytesForward: 0, bytesForward: 4, bytesBackward: 0 });
  });

  // Shows what heal restores: a connection that lost bytes is reset (its stream has a hole), an
  // idle one survives and works, and new connections work.
  it('restores the link on heal', async () => {
    const damaged = await client();
    const idle = await client();
    proxy.blackhole('both');
    damaged.socket.write('gone');
    await waitFor(() => proxy.stats().droppedBytesForward === 4, { what: 'the blackhole to drop the write' });
    proxy.pass();
    await waitFor(() => damaged.errors.some((err) => err.code === 'ECONNRESET'), { what: 'the damaged connection to be reset' });
    idle.socket.write('still here');
    await waitFor(() => idle.received() === 'still here', { what: 'the idle connection to echo after heal' });
    const fresh = await client();
    fresh.socket.write('new');
    await waitFor(() => fresh.received() === 'new', { what: 'a new connection to echo after heal' });
    expect(proxy.stats().connectionsReset).toBe(1);
  });

  // Shows that reset makes both ends see a reset at once and refuses new connections until
  // pass(). Method: measure from reset() to the client's ECONNRESET; the bound is generous.
  it('resets connections promptly and refuses new ones', async () => {
    const c = await client();
    c.socket.write('x');
    await waitFor(() => c.received() === 'x', { what: 'the first echo' });
    const startMs = performance.now();
    proxy.reset();
    await waitFor(() => c.errors.some((err) => err.code === 'ECONNRESET'), { what: 'ECONNRESET at the client', timeoutMs: 2_000 });
    expect(performance.now() - startMs).toBeLessThan(1_000);
    await waitFor(() => echo.sockets.every((socket) => socket.destroyed), { what: 'the server side to be reset too' });
    expect((await dialUntilError(proxy.port))?.code).toBe('ECONNRESET');
    expect(proxy.stats()).toMatchObject({ connectionsReset: 1, connectionsRefused: 1 });
    proxy.pass();
    const fresh = await client();
    fresh.socket.write('back');
    await waitFor(() => fresh.received() === 'back', { what: 'an echo after pass()' });
  });

  // Shows that delay adds at least the delay each way and keeps chunks in order. Method: 100 ms
  // both ways, so a round trip takes 200 ms or more; then 50 separate writes come back in order.
  it('delays each chunk, in order', async () => {
    const c = await client();
    proxy.delay(100);
    const startMs = performance.now();
    c.socket.write('rtt');
    await waitFor(() => c.received() === 'rtt', { what: 'the delayed echo', timeoutMs: 5_000 });
    const roundTripMs = c.arrivals[0]!.time - startMs;
    expect(roundTripMs).toBeGreaterThanOrEqual(200);
    expect(roundTripMs).toBeLessThan(2_000);

    proxy.delay(5, 'forward');
    const expected = Array.from({ length: 50 }, (_, i) => `c${i},`).join('');
    for (let i = 0; i < 50; i++) c.socket.write(`c${i},`);
    await waitFor(() => c.received() === `rtt${expected}`, { what: 'all 50 chunks back, in order' });
  });

  // Shows that a delayed direction holds a bounded number of bytes: the reader pauses while the
  // queue is full. Method: flood 4 MiB through a 5 ms forward delay with a 32 KiB bound; at
  // most one more socket read (64 KiB) may arrive after the pause.
  it('bounds what a delayed direction buffers', async () => {
    const silent = await startEchoServer({ echo: false });
    await proxy.close();
    proxy = await LinkProxy.start({ target: { host: '127.0.0.1', port: silent.port }, bufferBytesMax: 32 * 1024 });
    try {
      const c = await client();
      proxy.delay(5, 'forward');
      const payload = Buffer.alloc(4 * 1024 * 1024, 'z');
      c.socket.write(payload);
      await waitFor(() => silent.receivedBytes() === payload.length, { what: '4 MiB through the delayed link', timeoutMs: 15_000 });
      expect(proxy.stats().bufferedBytesMax).toBeLessThanOrEqual(32 * 1024 + 64 * 1024);
    } finally {
      await silent.close();
    }
  });

  // Shows that a link to a dead target resets the client at once, like a refused connection.
  it('resets clients when the target refuses', async () => {
    const deadPort = echo.port;
    await proxy.close();
    await echo.close();
    echo = await startEchoServer();
    proxy = await LinkProxy.start({ target: { host: '127.0.0.1', port: deadPort } });
    expect((await dialUntilError(proxy.port))?.code).toBe('ECONNRESET');
  });

  // Shows that close() ends open connections and resolves, and can be called twice.
  it('closes cleanly with connections open', async () => {
    const c = await client();
    c.socket.write('x');
    await waitFor(() => c.received() === 'x', { what: 'the echo' });
    await proxy.close();
    await waitFor(() => c.closed(), { what: 'the client to see the close' });
    await proxy.close();
    expect(proxy.stats().connectionsOpen).toBe(0);
  });
});
