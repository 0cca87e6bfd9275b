import { createServer } from 'node:net';

/** Distinct free TCP ports on 127.0.0.1 (each bound once and released; fine on loopback). */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) {
    ports.add(
      await new Promise<number>((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          const address = server.address();
          const port = typeof address === 'object' && address !== null ? address.port : 0;
          server.close(() => resolve(port));
        });
      }),
    );
  }
  return [...ports];
}
