import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** A loopback TCP server that records what it receives and, by default, echoes it back. */
export interface EchoServer {
  readonly port: number;
  /** Everything received, over all connections, as text. */
  received(): string;
  receivedBytes(): number;
  readonly sockets: Socket[];
  readonly errors: Error[];
  close(): Promise<void>;
}

export async function startEchoServer(options: { echo?: boolean } = {}): Promise<EchoServer> {
  const echo = options.echo ?? true;
  const chunks: Buffer[] = [];
  let receivedBytes = 0;
  const sockets: Socket[] = [];
  const errors: Error[] = [];
  const server = createServer({ allowHalfOpen: false }, (socket) => {
    sockets.push(socket);
    socket.on('error', (err) => errors.push(err));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      receivedBytes += chunk.length;
      if (echo) socket.write(chunk);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    received: () => Buffer.concat(chunks).toString(),
    receivedBytes: () => receivedBytes,
    sockets,
    errors,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A client socket with everything it saw recorded. */
export interface TestClient {
  readonly socket: Socket;
  received(): string;
  readonly errors: NodeJS.ErrnoException[];
  closed(): boolean;
  /** performance.now() when each chunk arrived, with the chunk's text. */
  readonly arrivals: { time: number; text: string }[];
}

export async function connectClient(port: number): Promise<TestClient> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  const arrivals: { time: number; text: string }[] = [];
  const errors: NodeJS.ErrnoException[] = [];
  let isClosed = false;
  socket.on('data', (chunk: Buffer) => arrivals.push({ time: performance.now(), text: chunk.toString() }));
  socket.on('error', (err) => errors.push(err));
  socket.on('close', () => {
    isClosed = true;
  });
  await once(socket, 'connect');
  return {
    socket,
    received: () => arrivals.map((arrival) => arrival.text).join(''),
    errors,
    closed: () => isClosed,
    arrivals,
  };
}
