// Shows that peer frames stay readable across a rolling upgrade while current nodes pack the
// small raft messages (Frame.compact): a node sends the compact form only to a peer whose latest
// frame said it reads it (Frame.reads), an earlier release's frames still decode, and what goes
// to a peer of an earlier release is plain protobuf. Method: one real PeerTransport (node 1) on
// loopback with mutual TLS, and two stand-in peers speaking raw gRPC with their own node
// certificates: node 2 as a current release, node 3 as the release before Frame.compact (its
// frame is bytes that release's raft.proto encoded, kept below).
import * as grpc from '@grpc/grpc-js';
import { loadPeerDefinition, unpackFrame, type internalV1 } from '@herald/protocol';
import type { Message } from '@herald/raft';
import { createCa, createNodeCertificate, type CertificateAndKey } from '@herald/security';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { GroupMessage } from '../src/host/host.js';
import { PeerTransport } from '../src/transport/peer-transport.js';

/**
 * A frame from node 3 to node 1 as the release before Frame.compact encodes it (raft.proto at
 * main 6608890, protobufjs): a pre-vote, an empty Append and an AppendResponse, for groups
 * orders/0, orders/1 and orders/2.
 */
const OLD_FRAME_HEX =
  '0803121c0a086f72646572732f3012100803100118072208080c100618012000121a0a086f72646572732f31120e080310011807320608281007202712200a086f72646572732f3212140803100118073a0c082810001800200028003000';

const Transport = (grpc.loadPackageDefinition(loadPeerDefinition()) as unknown as { herald: { internal: { v1: { RaftTransport: grpc.ServiceClientConstructor } } } }).herald.internal.v1.RaftTransport;

let ca: CertificateAndKey;
const certs = new Map<number, CertificateAndKey>();
let node1: PeerTransport;
const heardBy1: { from: number; messages: GroupMessage[] }[] = [];
/** Frames node 1 sent each stand-in, as its server decoded them. */
const framesTo = new Map<number, internalV1.Frame__Output[]>([
  [2, []],
  [3, []],
]);
const servers: grpc.Server[] = [];
const clients: grpc.Client[] = [];

const pem = (text: string) => Buffer.from(text);
const serverCredentials = (id: number) => grpc.ServerCredentials.createSsl(pem(ca.cert), [{ cert_chain: pem(certs.get(id)!.cert), private_key: pem(certs.get(id)!.key) }], true);
const channelCredentials = (id: number) => grpc.credentials.createSsl(pem(ca.cert), pem(certs.get(id)!.key), pem(certs.get(id)!.cert));

/** A stand-in peer's server: records every frame it gets. */
async function standIn(id: number): Promise<string> {
  const server = new grpc.Server();
  servers.push(server);
  server.addService(Transport.service, {
    send: (call: grpc.ServerReadableStream<internalV1.Frame__Output, object>, callback: grpc.sendUnaryData<object>) => {
      call.on('data', (frame: internalV1.Frame__Output) => framesTo.get(id)!.push(frame));
      call.on('end', () => callback(null, {}));
      call.on('error', () => {});
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', serverCredentials(id), (err, bound) => (err === null ? resolve(bound) : reject(err))));
  return `127.0.0.1:${port}`;
}

/** Writes `bytes` as one frame on a stream from stand-in `id` to node 1, exactly as given. */
function sendRaw(id: number, bytes: Buffer): void {
  const client = new grpc.Client(`127.0.0.1:${node1.boundPort}`, channelCredentials(id));
  clients.push(client);
  const call = client.makeClientStreamRequest('/herald.internal.v1.RaftTransport/Send', (b: Buffer) => b, (b: Buffer) => b, () => {});
  call.on('error', () => {});
  call.write(bytes);
}

const send = (loadPeerDefinition()['herald.internal.v1.RaftTransport'] as Record<string, { requestSerialize: (f: internalV1.Frame) => Buffer }>)['Send']!;

beforeAll(async () => {
  ca = await createCa();
  for (const id of [1, 2, 3]) certs.set(id, await createNodeCertificate(ca, id));
  const peers = [
    { id: 2, address: await standIn(2) },
    { id: 3, address: await standIn(3) },
  ];
  node1 = new PeerTransport({
    nodeId: 1,
    peers: [],
    logger: pino({ level: 'silent' }),
    onFrame: (from, messages) => heardBy1.push({ from, messages }),
    onPeerLost: () => {},
    describeReplicas: () => [],
    writeTxnMarker: () => Promise.resolve(),
    serverCredentials: serverCredentials(1),
    channelCredentials: () => channelCredentials(1),
  });
  await node1.listen('127.0.0.1', 0);
  node1.setPeers(peers);
});

afterAll(async () => {
  for (const client of clients) client.close();
  await node1.close();
  for (const server of servers) server.forceShutdown();
});

async function until<T>(value: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = value();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const turn = (to: number): GroupMessage[] => [
  { group: 'orders/0', message: { type: 'Vote', from: 1, to, term: 8, lastIndex: 12, lastTerm: 7, pre: false, transfer: false } },
  { group: 'orders/1', message: { type: 'Append', from: 1, to, term: 8, prevIndex: 40, prevTerm: 7, commitIndex: 40, entries: [{ index: 41, term: 8, type: 'normal', data: Buffer.from([1, 2]) }] } },
  { group: 'orders/1', message: { type: 'Append', from: 1, to, term: 8, prevIndex: 41, prevTerm: 8, commitIndex: 41, entries: [] } },
  { group: 'orders/2', message: { type: 'VoteResponse', from: 1, to, term: 8, granted: true, pre: true } },
];

/** The messages of a frame node 1 sent, read back in order whichever form it took. */
function readBack(frame: internalV1.Frame__Output): { group: string; type: Message['type'] }[] {
  const proto = frame.messages.map((m) => ({ group: m.group, type: m.message!.body! }));
  if (frame.compact.length === 0) return proto.map(({ group, type }) => ({ group, type: (type[0]!.toUpperCase() + type.slice(1)) as Message['type'] }));
  let next = 0;
  const unpacked = unpackFrame(frame.compact, frame.from, frame.messages.length, () => {
    const m = frame.messages[next++]!;
    return { group: m.group, message: { type: 'Append', from: 1, to: m.message!.to, term: 0, prevIndex: 0, prevTerm: 0, commitIndex: 0, entries: [] } };
  });
  return unpacked.map((m) => ({ group: m.group, type: m.message.type }));
}

const expectedTypes = turn(2).map((m) => ({ group: m.group, type: m.message.type }));

it("a frame of the release before Frame.compact decodes, and that release's peer gets plain protobuf", async () => {
  sendRaw(3, Buffer.from(OLD_FRAME_HEX, 'hex'));
  const heard = await until(() => heardBy1.find((f) => f.from === 3), 'the old frame at node 1');
  expect(heard.messages).toEqual([
    { group: 'orders/0', message: { type: 'Vote', from: 3, to: 1, term: 7, lastIndex: 12, lastTerm: 6, pre: true, transfer: false } },
    { group: 'orders/1', message: { type: 'Append', from: 3, to: 1, term: 7, prevIndex: 40, prevTerm: 7, commitIndex: 39, entries: [] } },
    { group: 'orders/2', message: { type: 'AppendResponse', from: 3, to: 1, term: 7, matchIndex: 40, rejected: false, rejectedIndex: 0, hintIndex: 0, hintTerm: 0 } },
  ]);
  node1.send(3, turn(3));
  const frame = await until(() => framesTo.get(3)![0], 'a frame at node 3');
  expect(frame.compact.length).toBe(0);
  expect(frame.messages).toHaveLength(4);
  expect(readBack(frame)).toEqual(expectedTypes);
});

it('a current peer gets the compact form once its frame said it reads it, and not before', async () => {
  node1.send(2, turn(2));
  const before = await until(() => framesTo.get(2)![0], 'a first frame at node 2');
  expect(before.compact.length).toBe(0);
  expect(before.reads).toBe(1);

  // Node 2's ping (an empty frame) says what it reads.
  sendRaw(2, send.requestSerialize({ from: 2, reads: 1, messages: [] }));
  await until(() => heardBy1.find((f) => f.from === 2), 'the ping of node 2 at node 1');
  node1.send(2, turn(2));
  const after = await until(() => framesTo.get(2)![1], 'a second frame at node 2');
  expect(after.compact.length).toBeGreaterThan(0);
  // Only the Append with an entry stays a protobuf message; the order is kept.
  expect(after.messages.map((m) => m.message!.body)).toEqual(['append']);
  expect(readBack(after)).toEqual(expectedTypes);
  expect(send.requestSerialize(after as internalV1.Frame).length).toBeLessThan(send.requestSerialize(before as internalV1.Frame).length);
});
