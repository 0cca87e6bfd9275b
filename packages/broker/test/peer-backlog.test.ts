// Shows that a peer link knows how much it holds unsent: the host holds catch-up back while
// that is over a turn's budget (Host.linkBusy), so it must grow when the peer stops reading and
// drain when it reads again. grpc-js cannot say it: a stream's writableLength counts frames, and
// its write callbacks run at once while the call's retry buffer (1 MiB) has room. Method: one
// real PeerTransport (node 1) on loopback with mutual TLS, and a stand-in peer (node 2, raw
// gRPC with its own certificate) whose server stops reading its stream (flow control then
// stops the bytes), until the test lets it read again.
import * as grpc from '@grpc/grpc-js';
import { loadPeerDefinition, type internalV1 } from '@herald/protocol';
import { createCa, createNodeCertificate } from '@herald/security';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { GroupMessage } from '../src/host/host.js';
import { PeerTransport } from '../src/transport/peer-transport.js';

const Transport = (grpc.loadPackageDefinition(loadPeerDefinition()) as unknown as { herald: { internal: { v1: { RaftTransport: grpc.ServiceClientConstructor } } } }).herald.internal.v1.RaftTransport;

let node1: PeerTransport;
const server = new grpc.Server();
/** The stand-in's stream from node 1, paused, and the bytes of log data it has read. */
let inbound: grpc.ServerReadableStream<internalV1.Frame__Output, object> | null = null;
let readBytes = 0;

beforeAll(async () => {
  const ca = await createCa();
  const cert = async (id: number) => createNodeCertificate(ca, id);
  const [one, two] = [await cert(1), await cert(2)];
  const pem = (text: string) => Buffer.from(text);
  server.addService(Transport.service, {
    send: (call: grpc.ServerReadableStream<internalV1.Frame__Output, object>, callback: grpc.sendUnaryData<object>) => {
      inbound = call;
      call.pause();
      call.on('data', (frame: internalV1.Frame__Output) => {
        for (const m of frame.messages) for (const e of m.message?.append?.entries ?? []) readBytes += e.data.length;
      });
      call.on('end', () => callback(null, {}));
      call.on('error', () => {});
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createSsl(pem(ca.cert), [{ cert_chain: pem(two.cert), private_key: pem(two.key) }], true), (err, bound) => (err === null ? resolve(bound) : reject(err))));
  node1 = new PeerTransport({
    nodeId: 1,
    peers: [{ id: 2, address: `127.0.0.1:${port}` }],
    logger: pino({ level: 'silent' }),
    onFrame: () => {},
    onPeerLost: () => {},
    describeReplicas: () => [],
    writeTxnMarker: () => Promise.resolve(),
    serverCredentials: grpc.ServerCredentials.createSsl(pem(ca.cert), [{ cert_chain: pem(one.cert), private_key: pem(one.key) }], true),
    channelCredentials: () => grpc.credentials.createSsl(pem(ca.cert), pem(one.key), pem(one.cert)),
  });
});

afterAll(async () => {
  await node1.close();
  server.forceShutdown();
});

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** One frame: a 256 KiB catch-up Append of group `g`. */
const frame = (index: number): GroupMessage[] => [
  { group: 'g', message: { type: 'Append', from: 1, to: 2, term: 3, prevIndex: index - 1, prevTerm: 3, commitIndex: 1_000, entries: [{ index, term: 3, type: 'normal', data: Buffer.alloc(256 << 10, index) }] } },
];

it('the link to a peer that stopped reading holds what it could not send, and drains when the peer reads again', async () => {
  // The stream opens with the first frame; wait until the stand-in holds it, paused.
  node1.send(2, frame(1));
  await until(() => inbound !== null, 'the stand-in to get the stream');
  for (let i = 2; i <= 96; i++) node1.send(2, frame(i)); // 24 MiB
  // Flow control stops the bytes once the stream's window, the sockets' buffers and grpc's own
  // buffer are full: megabytes, not all 24, wait in the link.
  await until(() => node1.backlogBytes(2) > 8 << 20, 'a backlog of over 8 MiB');
  expect(readBytes).toBe(0);
  const [[peer, bytes]] = node1.backlogs() as [[number, number]];
  expect([peer, bytes > 8 << 20]).toEqual([2, true]);
  inbound!.resume();
  await until(() => node1.backlogBytes(2) === 0, 'the backlog to drain');
  await until(() => readBytes === 96 * (256 << 10), 'every frame read');
});
