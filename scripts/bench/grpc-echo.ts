// Physical ceiling: how fast one gRPC bidirectional stream (@grpc/grpc-js, the library Herald
// uses) echoes 64 KiB messages between two Node processes on loopback, with no protobuf (the
// messages are raw bytes) and 32 messages in flight. Prints MB/s of payload echoed (each byte
// crosses the loopback twice) and messages/s, with grpc-js's default HTTP/2 flow-control window
// (64 KiB: a message as large as the window waits a WINDOW_UPDATE round trip) and with a 16 MiB
// one (the `grpc-node.flow_control_window` channel and server option).
//
//   node --import tsx scripts/bench/grpc-echo.ts [--quick] [--seconds S]
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// scripts/ is not a workspace package: load grpc-js from the package that depends on it.
const fromBroker = createRequire(new URL('../../packages/broker/package.json', import.meta.url));
const grpc = fromBroker('@grpc/grpc-js') as typeof import('@grpc/grpc-js');

const MESSAGE_BYTES = 64 * 1024;
const IN_FLIGHT = 32;
const identity = (b: Buffer) => b;
const service = {
  echo: { path: '/bench.Echo/Echo', requestStream: true, responseStream: true, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity, originalName: 'echo' },
};

const WIDE_WINDOW = { 'grpc-node.flow_control_window': 16 * 1024 * 1024 };

async function serve(wide: boolean): Promise<void> {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 4 * 1024 * 1024, ...(wide ? WIDE_WINDOW : {}) });
  server.addService(service, {
    echo: (call: import('@grpc/grpc-js').ServerDuplexStream<Buffer, Buffer>) => {
      call.on('data', (message: Buffer) => call.write(message));
      call.on('end', () => call.end());
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  process.stdout.write(`${port}\n`);
}

/** Echoes for `seconds` after a second of warm-up; returns MB/s and messages/s. */
async function measure(seconds: number, wide: boolean): Promise<{ mbps: number; messagesPerSecond: number }> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--server', ...(wide ? ['--wide'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 4 * 1024 * 1024, ...(wide ? WIDE_WINDOW : {}) });
    const call = client.makeBidiStreamRequest<Buffer, Buffer>(service.echo.path, identity, identity);
    call.on('error', () => {}); // the cancel() below
    const payload = Buffer.alloc(MESSAGE_BYTES, 7);
    let measuring = false;
    let counted = 0;
    let startedAt = 0;
    const done = new Promise<void>((resolve) => {
      const warmupEnd = performance.now() + 1000;
      call.on('data', () => {
        const now = performance.now();
        if (!measuring && now >= warmupEnd) {
          measuring = true;
          startedAt = now;
        } else if (measuring) {
          counted++;
          if (now - startedAt >= seconds * 1000) return resolve();
        }
        call.write(payload);
      });
    });
    for (let i = 0; i < IN_FLIGHT; i++) call.write(payload);
    await done;
    const elapsed = (performance.now() - startedAt) / 1000;
    call.cancel();
    client.close();
    return { mbps: (counted * MESSAGE_BYTES) / elapsed / 1e6, messagesPerSecond: Math.round(counted / elapsed) };
  } finally {
    child.kill('SIGTERM');
  }
}

const args = process.argv.slice(2);
if (args.includes('--server')) await serve(args.includes('--wide'));
else {
  const at = args.indexOf('--seconds');
  const seconds = at >= 0 ? Number(args[at + 1]) : args.includes('--quick') ? 2 : 5;
  const narrow = await measure(seconds, false);
  const wide = await measure(seconds, true);
  const show = (r: { mbps: number; messagesPerSecond: number }) => `${r.mbps.toFixed(0)} MB/s (${r.messagesPerSecond.toLocaleString('en-US')} messages/s)`;
  process.stdout.write(`gRPC stream echo of 64 KiB messages (grpc-js, 2 processes, loopback, ${IN_FLIGHT} in flight): ${show(narrow)} with the default 64 KiB HTTP/2 window, ${show(wide)} with a 16 MiB window\n`);
}
