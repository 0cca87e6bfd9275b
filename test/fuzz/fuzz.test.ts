// Fuzzes a secure three-node cluster (issue #12): every public RPC gets requests generated from
// its .proto type (well-formed with hostile values, or raw bytes), from a user allowed to read
// and write one topic; the peer port gets frames from strangers, from a member speaking in
// another's name, and from a member with terms too far ahead. Invariants: no call fails with
// INTERNAL or UNKNOWN (bad input gets a clear status), a refused unary or server-stream call
// appends nothing to any Raft log, no input changes a leader or a term, and the cluster still
// serves at the end (a crash or an unhandled rejection fails the run too). Runs per method:
// FUZZ_RUNS (5 here; `pnpm fuzz --runs N` for long runs); FUZZ_SEED replays a run.
import * as grpc from '@grpc/grpc-js';
import { HeraldClient } from '@herald/client';
import { createClientCertificate, createCa, createNodeCertificate, readCertificateFiles } from '@herald/security';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import type protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/cluster.js';
import { bootstrapAdmin, testCertificates } from '../support/pki.js';
import { encode, loadProtoRoot, messageArbitrary, requestBytes, type FuzzNames } from '../support/proto-arbitrary.js';
import { waitFor } from '../support/wait-for.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 5);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const CALL_DEADLINE_MS = 500;
const ADMIN_PASSWORD = 'fuzz-admin-password';
const TOPIC = 'fuzz';
/** A clear status for bad input is anything but these. The exception: bytes that do not decode
 *  as the request type at all are INTERNAL "Error deserializing request" in grpc-js, as in
 *  grpc-java and grpc-go; that is gRPC's convention, answered before any Herald code runs. */
const UNCLEAR = new Set([grpc.status.INTERNAL, grpc.status.UNKNOWN, grpc.status.DATA_LOSS]);
const unclear = (s: Outcome) => UNCLEAR.has(s.code) && !(s.code === grpc.status.INTERNAL && s.details.startsWith('Error deserializing request'));
/** Statuses after which a call may have done part of its work (we cut it, or its deadline did). */
const CUT = new Set([grpc.status.OK, grpc.status.CANCELLED, grpc.status.DEADLINE_EXCEEDED]);

const root = loadProtoRoot();
const identity = (b: Buffer) => b;

interface Method {
  readonly service: string;
  readonly name: string;
  readonly path: string;
  readonly requestType: protobuf.Type;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
}

function methodsOf(namespace: string): Method[] {
  const ns = root.lookup(namespace) as protobuf.Namespace;
  return ns.nestedArray
    .filter((n): n is protobuf.Service => 'methods' in n)
    .flatMap((service) =>
      service.methodsArray.map((m) => ({
        service: service.name,
        name: m.name,
        path: `/${service.fullName.slice(1)}/${m.name}`,
        requestType: m.resolvedRequestType!,
        requestStream: m.requestStream === true,
        responseStream: m.responseStream === true,
      })),
    );
}

const apiMethods = methodsOf('herald.v1');

let cluster: TestCluster;
let admin: HeraldClient;
let fuzzer: grpc.Client;
let ca: Buffer;
const names: { topics: string[]; groups: string[] } = { topics: [TOPIC, 'fuzz-other'], groups: ['fuzz-group', 'meta'] };

interface Outcome {
  readonly code: grpc.status;
  readonly details: string;
}

const outcome = (err: grpc.ServiceError | null): Outcome => (err === null ? { code: grpc.status.OK, details: '' } : { code: err.code, details: err.details });

/** Calls `method` with `bodies` (one unless the method takes a stream); resolves its status. */
function callOnce(client: grpc.Client, method: Method, bodies: readonly Buffer[]): Promise<Outcome> {
  const deadline = Date.now() + CALL_DEADLINE_MS;
  return new Promise((resolve) => {
    if (!method.requestStream && !method.responseStream) {
      client.makeUnaryRequest(method.path, identity, identity, bodies[0]!, new grpc.Metadata(), { deadline }, (err) => resolve(outcome(err)));
      return;
    }
    if (!method.requestStream) {
      const call = client.makeServerStreamRequest(method.path, identity, identity, bodies[0]!, new grpc.Metadata(), { deadline });
      readSome(call, resolve);
      return;
    }
    if (!method.responseStream) {
      const call = client.makeClientStreamRequest(method.path, identity, identity, new grpc.Metadata(), { deadline }, (err) => resolve(outcome(err)));
      call.on('error', () => {});
      for (const body of bodies) call.write(body);
      call.end();
      return;
    }
    const call = client.makeBidiStreamRequest(method.path, identity, identity, new grpc.Metadata(), { deadline });
    for (const body of bodies) call.write(body);
    call.end();
    readSome(call, resolve);
  });
}

/** Reads up to three messages of a server stream, then cancels it; resolves its status. */
function readSome(call: grpc.ClientReadableStream<Buffer> | grpc.ClientDuplexStream<Buffer, Buffer>, resolve: (outcome: Outcome) => void): void {
  let messages = 0;
  call.on('data', () => {
    if (++messages >= 3) call.cancel();
  });
  call.on('error', () => {});
  call.on('status', (status: grpc.StatusObject) => resolve({ code: status.code, details: status.details }));
}

/** Every Raft group on every node: its term, whether it leads, and its last index. (Not the
 *  leader a follower follows: a follower that misses a slow leader's heartbeats on a loaded
 *  machine forgets it until the next one, in the same term, and no input caused that.) */
function raftState(): Map<string, { term: number; leads: boolean; lastIndex: number }> {
  const state = new Map<string, { term: number; leads: boolean; lastIndex: number }>();
  for (const id of [1, 2, 3]) {
    const node = cluster.node(id).node;
    const groups = [{ key: 'meta', status: node.meta.group.status() }, ...[...node.hostedPartitions()].map((p) => ({ key: p.partition.group.id, status: p.partition.group.status() }))];
    for (const { key, status } of groups) state.set(`node ${id} ${key}`, { term: status.term, leads: status.leaderId === id, lastIndex: status.lastIndex });
  }
  return state;
}

/** Terms and leaders only: what no input may change. */
function leadership(): Record<string, string> {
  return Object.fromEntries([...raftState()].map(([k, v]) => [k, `term ${v.term}${v.leads ? ' leader' : ''}`]));
}

function fuzzOptions(): fc.Parameters<unknown> {
  return { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: true };
}

beforeAll(async () => {
  const pki = await testCertificates();
  ca = readFileSync(pki.ca.cert);
  cluster = await TestCluster.start({ overrides: { security: { mode: 'secure', bootstrapFile: await bootstrapAdmin(ADMIN_PASSWORD) } } });
  admin = new HeraldClient({ brokers: cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`), tls: { ca }, credentials: { username: 'admin', password: ADMIN_PASSWORD }, callTimeoutMs: 10_000 });
  await waitFor(async () => (await admin.security.whoAmI().catch(() => undefined)) !== undefined, { timeoutMs: 15_000, what: 'the admin logged in' });
  await admin.createTopic(TOPIC, { partitions: 2, replicationFactor: 3 });
  const producer = admin.producer({ lingerMs: 0 });
  for (let i = 0; i < 20; i++) await producer.send(TOPIC, { key: `k${i % 4}`, value: `v${i}` });
  await producer.close();
  names.groups.push(...[...cluster.node(1).node.hostedPartitions()].map((p) => p.partition.group.id));
  // The fuzzer may read, write and describe the fuzz topics and use any group or queue
  // subscription; it may not create, delete or alter topics, nor move leaders.
  const allow = (resourceType: 'topic' | 'group' | 'queue' | 'cluster', resourceName: string, operation: 'read' | 'write' | 'describe' | 'delete', patternType: 'literal' | 'prefixed' = 'prefixed') => ({ principal: 'User:fuzzer' as const, resourceType, patternType, resourceName, operation, permission: 'allow' as const });
  await admin.security.createAcls([
    ...(['read', 'write', 'describe'] as const).map((op) => allow('topic', TOPIC, op)),
    ...(['read', 'describe', 'delete'] as const).flatMap((op) => [allow('group', '*', op, 'literal'), allow('queue', '*', op, 'literal')]),
    allow('cluster', 'herald-cluster', 'describe', 'literal'),
  ]);
  const cert = await createClientCertificate(readCertificateFiles(pki.ca), 'fuzzer');
  fuzzer = new grpc.Client(`127.0.0.1:${cluster.peers[0]!.clientPort}`, grpc.credentials.createSsl(ca, Buffer.from(cert.key), Buffer.from(cert.cert)));
  // The ACLs are in force on node 1 once its meta group applied them.
  await waitFor(async () => (await callOnce(fuzzer, apiMethods.find((m) => m.name === 'ListTopics')!, [Buffer.alloc(0)])).code === grpc.status.OK, { timeoutMs: 10_000, what: 'the fuzzer may describe the cluster' });
}, 60_000);

afterAll(async () => {
  fuzzer?.close();
  await admin?.close();
  await cluster?.stop();
});

describe('every public RPC', () => {
  const fuzzNames = names as FuzzNames;
  let leadersBefore: Record<string, string>;
  beforeAll(() => {
    leadersBefore = leadership();
  });

  it.each(apiMethods.map((m) => [`${m.service}.${m.name}`, m] as const))('%s answers bad input clearly and a refusal changes nothing', async (_name, method) => {
    const bodies = fc.array(requestBytes(method.requestType, fuzzNames), { minLength: 1, maxLength: method.requestStream ? 3 : 1 });
    await fc.assert(
      fc.asyncProperty(bodies, async (requests) => {
        const before = raftState();
        const answer = await callOnce(fuzzer, method, requests);
        expect(unclear(answer), `${method.path} answered ${grpc.status[answer.code]}: ${answer.details}`).toBe(false);
        if (!CUT.has(answer.code) && !method.requestStream) expect(Object.fromEntries(raftState())).toEqual(Object.fromEntries(before));
      }),
      fuzzOptions(),
    );
  });

  it('moved no leader and raised no term, and the cluster still serves', async () => {
    expect(leadership()).toEqual(leadersBefore);
    const producer = admin.producer({ lingerMs: 0 });
    const sent = await producer.send(TOPIC, { value: 'after the fuzz' });
    await producer.close();
    expect((await admin.listOffsets(TOPIC, sent.partition, 'latest')).offset).toBe(sent.offset + 1);
  });
});

describe('the peer port', () => {
  const frameType = root.lookupType('herald.internal.v1.Frame');
  const send = methodsOf('herald.internal.v1').find((m) => m.name === 'Send')!;
  const describeReplicas = methodsOf('herald.internal.v1').find((m) => m.name === 'DescribeReplicas')!;
  const peerAddress = () => `127.0.0.1:${cluster.peers[0]!.peerPort}`;
  const fuzzNames = names as FuzzNames;
  /** Frames as generated, with `from` fields forced by `shape`. */
  const frames = (shape: (frame: Record<string, unknown>) => Record<string, unknown>) =>
    fc.oneof({ weight: 4, arbitrary: messageArbitrary(frameType, fuzzNames).map((f) => encode(frameType, shape(f))) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b)) });
  const messagesOf = (frame: Record<string, unknown>) => (Array.isArray(frame.messages) ? (frame.messages as Record<string, unknown>[]) : []);
  const withMessage = (m: Record<string, unknown>, fields: Record<string, unknown>) => ({ ...m, message: { ...(typeof m.message === 'object' && m.message !== null ? m.message : {}), ...fields } });
  const notNode3 = fc.constantFrom(0, 1, 2, 4, 4294967295);

  async function fuzzPeer(client: grpc.Client, bodies: fc.Arbitrary<Buffer>): Promise<void> {
    const before = leadership();
    await fc.assert(
      fc.asyncProperty(fc.array(bodies, { minLength: 1, maxLength: 3 }), async (requests) => {
        const answer = await callOnce(client, send, requests);
        expect(unclear(answer), `Send answered ${grpc.status[answer.code]}: ${answer.details}`).toBe(false);
        expect(leadership()).toEqual(before);
      }),
      fuzzOptions(),
    );
    client.close();
  }

  it('refuses strangers: plaintext and another CA\'s certificates fail, and nothing moves', async () => {
    const strangerCa = await createCa();
    const stranger = await createNodeCertificate(strangerCa, 3);
    const anyFrame = frames((f) => f);
    await fuzzPeer(new grpc.Client(peerAddress(), grpc.credentials.createInsecure()), anyFrame);
    await fuzzPeer(new grpc.Client(peerAddress(), grpc.credentials.createSsl(ca, Buffer.from(stranger.key), Buffer.from(stranger.cert), { checkServerIdentity: () => undefined })), anyFrame);
    const strangerClient = new grpc.Client(peerAddress(), grpc.credentials.createInsecure());
    await fc.assert(
      fc.asyncProperty(requestBytes(describeReplicas.requestType, fuzzNames), async (body) => {
        expect((await callOnce(strangerClient, describeReplicas, [body])).code).toBe(grpc.status.UNAVAILABLE);
      }),
      fuzzOptions(),
    );
    strangerClient.close();
  });

  it('drops what a member sends in another\'s name, and terms too far ahead from the member itself', async () => {
    const pki = await testCertificates();
    const node3 = pki.nodes.get(3)!;
    const asNode3 = () => new grpc.Client(peerAddress(), grpc.credentials.createSsl(ca, readFileSync(node3.key), readFileSync(node3.cert), { checkServerIdentity: () => undefined }));
    // The frame claims another sender.
    await fuzzPeer(asNode3(), notNode3.chain((from) => frames((f) => ({ ...f, from }))));
    // The frame is node 3's, its messages claim another sender.
    await fuzzPeer(asNode3(), notNode3.chain((from) => frames((f) => ({ ...f, from: 3, messages: messagesOf(f).map((m) => withMessage(m, { from })) }))));
    // Node 3's own messages, with terms no election could reach (past the jump limit, 2^32).
    const wildTerm = fc.constantFrom('8589934592', '9007199254740991', '18446744073709551615');
    await fuzzPeer(asNode3(), wildTerm.chain((term) => frames((f) => ({ ...f, from: 3, messages: messagesOf(f).map((m) => withMessage(m, { from: 3, term })) }))));
    for (const id of [1, 2, 3]) expect(cluster.node(id).node.meta.group.term()).toBeLessThan(2 ** 32);
  });
});
