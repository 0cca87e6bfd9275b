// Shows that every raft message survives the peer transport unchanged, and that a malformed
// frame is refused whole with InvalidArgument naming the field. Method: convert with
// messageToProto / frameToProto, serialize and deserialize with the real protobuf codec of
// RaftTransport.Send (loaded with the runtime loader options), convert back, compare; then
// feed hand-broken messages, some as protobuf objects and some as raw wire bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MethodDefinition } from '@grpc/proto-loader';
import {
  frameFromProto,
  frameToProto,
  loadPeerDefinition,
  messageFromProto,
  messageToProto,
  packFrame,
  unpackFrame,
  FRAME_READS_COMPACT,
  type GroupRaftMessage,
  type RaftEntry,
  type RaftMessage,
  type internalV1,
} from '../src/index.js';
import { SEED, expectRefusal } from './support.js';

type SendMethod = MethodDefinition<internalV1.Frame, internalV1.Empty, internalV1.Frame__Output, internalV1.Empty__Output>;
const send = (loadPeerDefinition()['herald.internal.v1.RaftTransport'] as Record<string, SendMethod>)['Send']!;

/** A frame through the wire: protobuf bytes and back, as the receiving server sees it. */
function overTheWire(frame: internalV1.Frame): internalV1.Frame__Output {
  return send.requestDeserialize(send.requestSerialize(frame));
}

function roundTrip(from: number, messages: GroupRaftMessage[]) {
  return frameFromProto(overTheWire(frameToProto(from, messages)));
}

/** A frame through the wire in the compact form (compact-frame.ts): the small messages packed,
 *  the rest as protobuf messages that the packed records refer to. */
function compactRoundTrip(from: number, messages: GroupRaftMessage[]): { wire: internalV1.Frame__Output; messages: GroupRaftMessage[] } {
  const { compact, rest } = packFrame(messages);
  const wire = overTheWire({ ...frameToProto(from, rest), reads: FRAME_READS_COMPACT, compact });
  let next = 0;
  return { wire, messages: unpackFrame(wire.compact, from, wire.messages.length, () => ({ group: wire.messages[next]!.group, message: messageFromProto(wire.messages[next++]!.message!) })) };
}

const bytes = (...b: number[]) => Uint8Array.from(b);

const examples: RaftMessage[] = [
  { type: 'Vote', from: 1, to: 2, term: 5, lastIndex: 10, lastTerm: 4, pre: true, transfer: false },
  { type: 'Vote', from: 1, to: 2, term: 6, lastIndex: 0, lastTerm: 0, pre: false, transfer: true },
  { type: 'VoteResponse', from: 2, to: 1, term: 5, granted: true, pre: true },
  { type: 'VoteResponse', from: 2, to: 1, term: 5, granted: false, pre: false },
  {
    type: 'Append',
    from: 1,
    to: 3,
    term: 7,
    prevIndex: 41,
    prevTerm: 6,
    commitIndex: 40,
    entries: [
      { index: 42, term: 6, type: 'normal', data: bytes(1, 2, 3) },
      { index: 43, term: 7, type: 'normal', data: bytes() },
      { index: 44, term: 7, type: 'config', data: bytes(9) },
    ],
  },
  { type: 'Append', from: 1, to: 3, term: 7, prevIndex: 44, prevTerm: 7, commitIndex: 44, entries: [] },
  { type: 'AppendResponse', from: 3, to: 1, term: 7, matchIndex: 44, rejected: false, rejectedIndex: 0, hintIndex: 0, hintTerm: 0 },
  { type: 'AppendResponse', from: 3, to: 1, term: 7, matchIndex: 0, rejected: true, rejectedIndex: 50, hintIndex: 44, hintTerm: 6 },
  { type: 'Heartbeat', from: 1, to: 2, term: 9, commitIndex: 100 },
  { type: 'HeartbeatResponse', from: 2, to: 1, term: 9 },
  {
    type: 'InstallSnapshot',
    from: 1,
    to: 2,
    term: 9,
    snapshot: { meta: { index: 1000, term: 8, membership: { voters: [1, 2, 3], learners: [4] } }, data: bytes(0xde, 0xad) },
  },
  {
    type: 'InstallSnapshot',
    from: 1,
    to: 2,
    term: 9,
    snapshot: { meta: { index: 0, term: 0, membership: { voters: [1], learners: [] } }, data: bytes() },
  },
  { type: 'TimeoutNow', from: 1, to: 2, term: 9 },
  // A repairing voter's answer (docs/design-notes.md "Two of three replicas repairing").
  { type: 'VoteResponse', from: 3, to: 1, term: 5, granted: false, pre: true, repairing: true },
  // A leader quiescing its idle group (packages/raft/src/raft.ts "Quiescence").
  { type: 'Heartbeat', from: 1, to: 2, term: 9, commitIndex: 100, quiesce: true },
];

/** Buffers come back where Uint8Arrays went in; compare contents. */
function normalize(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: Array.from(value) };
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  }
  return value;
}

describe('round trips over the wire', () => {
  it.each(examples.map((m) => ({ name: `${m.type} ${JSON.stringify(m).length}`, m })))('$name', ({ m }) => {
    const { from, messages } = roundTrip(m.from, [{ group: 'orders/3', message: m }]);
    expect(from).toBe(m.from);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.group).toBe('orders/3');
    expect(normalize(messages[0]!.message)).toEqual(normalize(m));
  });

  it('messageToProto sets exactly one body, named like the message type', () => {
    for (const m of examples) {
      const proto = messageToProto(m) as Record<string, unknown>;
      const bodies = Object.keys(proto).filter((key) => !['from', 'to', 'term'].includes(key));
      expect(bodies).toEqual([m.type[0]!.toLowerCase() + m.type.slice(1)]);
    }
  });

  it('covers every message type', () => {
    expect(new Set(examples.map((m) => m.type))).toEqual(
      new Set(['Vote', 'VoteResponse', 'Append', 'AppendResponse', 'Heartbeat', 'HeartbeatResponse', 'InstallSnapshot', 'TimeoutNow']),
    );
  });

  const id = fc.integer({ min: 1, max: 2 ** 32 - 1 });
  const n = fc.maxSafeNat();
  const term = fc.integer({ min: 0, max: 2 ** 40 });
  const envelope = fc.record({ from: id, to: id, term });
  const messageArb: fc.Arbitrary<RaftMessage> = fc.oneof(
    fc.record({ e: envelope, lastIndex: n, lastTerm: n, pre: fc.boolean(), transfer: fc.boolean() }).map(({ e, ...b }) => ({ ...e, type: 'Vote' as const, ...b })),
    fc.record({ e: envelope, granted: fc.boolean(), pre: fc.boolean() }).map(({ e, ...b }) => ({ ...e, type: 'VoteResponse' as const, ...b })),
    fc
      .record({
        e: envelope,
        prevIndex: fc.integer({ min: 0, max: 2 ** 50 }),
        commitIndex: n,
        deltas: fc.array(fc.tuple(fc.nat(3), fc.boolean(), fc.uint8Array({ maxLength: 40 })), { maxLength: 8 }),
      })
      .map(({ e, prevIndex, commitIndex, deltas }) => {
        // Terms never decrease along the log and never exceed the message's term.
        let t = Math.max(0, e.term - deltas.reduce((sum, [d]) => sum + d, 0));
        const prevTerm = t;
        const entries: RaftEntry[] = deltas.map(([d, config, data], i) => {
          t = Math.min(t + d, e.term);
          return { index: prevIndex + 1 + i, term: t, type: config ? 'config' : 'normal', data };
        });
        return { ...e, type: 'Append' as const, prevIndex, prevTerm, entries, commitIndex };
      }),
    fc
      .record({ e: envelope, matchIndex: n, rejected: fc.boolean(), rejectedIndex: n, hintIndex: n, hintTerm: n })
      .map(({ e, ...b }) => ({ ...e, type: 'AppendResponse' as const, ...b })),
    fc.record({ e: envelope, commitIndex: n }).map(({ e, ...b }) => ({ ...e, type: 'Heartbeat' as const, ...b })),
    envelope.map((e) => ({ ...e, type: 'HeartbeatResponse' as const })),
    fc
      .record({ e: envelope, index: n, t: n, voters: fc.array(id, { maxLength: 7 }), learners: fc.array(id, { maxLength: 3 }), data: fc.uint8Array({ maxLength: 100 }) })
      .map(({ e, index, t, voters, learners, data }) => ({
        ...e,
        type: 'InstallSnapshot' as const,
        snapshot: { meta: { index, term: t, membership: { voters, learners } }, data },
      })),
    envelope.map((e) => ({ ...e, type: 'TimeoutNow' as const })),
  );

  it('any frame of any messages comes back equal', () => {
    fc.assert(
      fc.property(id, fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), messageArb), { maxLength: 10 }), (from, items) => {
        const messages = items.map(([group, m]) => ({ group, message: { ...m, from } }));
        const back = roundTrip(from, messages);
        expect(back.from).toBe(from);
        expect(back.messages.map((gm) => ({ group: gm.group, message: normalize(gm.message) }))).toEqual(
          messages.map((gm) => ({ group: gm.group, message: normalize(gm.message) })),
        );
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('any frame of any messages comes back equal in the compact form', () => {
    fc.assert(
      fc.property(id, fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), messageArb), { maxLength: 10 }), (from, items) => {
        const messages = items.map(([group, m]) => ({ group, message: { ...m, from } }));
        expect(compactRoundTrip(from, messages).messages.map((gm) => ({ group: gm.group, message: normalize(gm.message) }))).toEqual(
          messages.map((gm) => ({ group: gm.group, message: normalize(gm.message) })),
        );
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('the compact form (Frame.compact)', () => {
  it('carries every example, in order, packing all but Appends with entries and snapshots', () => {
    const messages = examples.map((m, i) => ({ group: `orders/${i}`, message: { ...m, from: 1 } }));
    const back = compactRoundTrip(1, messages);
    expect(back.messages.map((gm) => ({ group: gm.group, message: normalize(gm.message) }))).toEqual(messages.map((gm) => ({ group: gm.group, message: normalize(gm.message) })));
    expect(back.wire.messages.map((gm) => gm.message!.body)).toEqual(['append', 'installSnapshot', 'installSnapshot']);
    expect(back.wire.reads).toBe(FRAME_READS_COMPACT);
  });

  it('is smaller than protobuf for a failover\'s messages', () => {
    const small = examples.filter((m) => m.type !== 'InstallSnapshot' && (m.type !== 'Append' || m.entries.length === 0));
    const messages = small.map((m) => ({ group: 'orders/3', message: { ...m, from: 1 } }));
    const { compact } = packFrame(messages);
    const protobuf = send.requestSerialize(frameToProto(1, messages)).length;
    expect(compact.length).toBeLessThan(protobuf * 0.7);
  });

  it('takes any group name, non-ASCII ones included, and numbers up to 2^53-1', () => {
    const vote = { type: 'Vote', from: 1, to: 2 ** 32 - 1, term: Number.MAX_SAFE_INTEGER, lastIndex: 2 ** 32, lastTerm: 2 ** 31, pre: false, transfer: true } as const;
    const back = compactRoundTrip(1, [{ group: 'zamówienia/7 ✓', message: vote }]);
    expect(back.messages).toEqual([{ group: 'zamówienia/7 ✓', message: vote }]);
  });

  it('leaves out a referred message refused on its own, keeping the others', () => {
    const { compact } = packFrame([{ group: 'a', message: examples[4]! }, { group: 'b', message: { ...examples[2]!, from: 1 } }]);
    const back = unpackFrame(compact, 1, 1, () => null);
    expect(back.map((gm) => gm.group)).toEqual(['b']);
  });

  const heartbeat = { group: 'g', message: examples[8]! };
  const refused: [string, () => Buffer, RegExp][] = [
    ['a record cut short', () => packFrame([heartbeat]).compact.subarray(0, 4), /ends inside/],
    ['an unknown kind', () => Buffer.from([8]), /unknown record kind 8/],
    ['a flag its kind does not have', () => Buffer.from([0x16]), /flags 1 not defined for record kind 6/],
    ['an empty group', () => Buffer.from([6, 0, 2, 9]), /group must be a non-empty string/],
    ['to 0', () => Buffer.from([6, 1, 0x67, 0, 9]), /to must be a node id/],
    ['a term above 2^53-1', () => Buffer.from([6, 1, 0x67, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), /term must be at most 2\^53-1/],
    ['a number longer than 8 bytes', () => Buffer.from([6, 1, 0x67, 2, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), /term is longer than 8 bytes/],
    ['more references than messages', () => Buffer.from([0]), /refers to more messages than the frame's 0/],
  ];
  it.each(refused)('refuses %s', async (_, compact, message) => {
    await expectRefusal(() => unpackFrame(compact(), 1, 0, () => null), 'InvalidArgument', message);
  });

  it('refuses fewer references than messages', async () => {
    await expectRefusal(() => unpackFrame(packFrame([heartbeat]).compact, 1, 1, () => null), 'InvalidArgument', /refers to 0 of the frame's 1 messages/);
  });
});

describe('malformed messages are refused with InvalidArgument', () => {
  const wire = (m: RaftMessage) => overTheWire(frameToProto(m.from, [{ group: 'g', message: m }])).messages[0]!.message!;
  const vote = wire(examples[0]!);
  const append = wire(examples[4]!);
  const snapshot = wire(examples[10]!);
  const appendBody = append.append!;
  const snapshotBody = snapshot.installSnapshot!.snapshot!;

  it.each([
    { name: 'no body', p: { ...vote, vote: null, body: undefined }, message: /exactly one body, found none/ },
    { name: 'two bodies', p: { ...vote, heartbeat: { commitIndex: 1 } }, message: /exactly one body, found vote, heartbeat/ },
    { name: 'a body tag naming another body', p: { ...vote, body: 'append' }, message: /body says append but vote is set/ },
    { name: 'from 0', p: { ...vote, from: 0 }, message: /from must be a node id, at least 1/ },
    { name: 'to 0', p: { ...vote, to: 0 }, message: /to must be a node id/ },
    { name: 'a term beyond 2^53', p: { ...vote, term: 2 ** 60 }, message: /term must be an integer from 0 to 2\^53-1/ },
    { name: 'a negative index', p: { ...vote, vote: { ...vote.vote!, lastIndex: -1 } }, message: /vote.lastIndex must be an integer/ },
    { name: 'a non-boolean flag', p: { ...vote, vote: { ...vote.vote!, pre: 'yes' } }, message: /vote.pre must be a boolean/ },
    {
      name: 'an entry of unspecified type',
      p: { ...append, append: { ...appendBody, entries: [{ ...appendBody.entries[0]!, type: 'ENTRY_TYPE_UNSPECIFIED' }] } },
      message: /append.entries\[0\].type must be ENTRY_TYPE_NORMAL or ENTRY_TYPE_CONFIG \(got ENTRY_TYPE_UNSPECIFIED\)/,
    },
    {
      name: 'an entry out of sequence',
      p: { ...append, append: { ...appendBody, entries: [appendBody.entries[0]!, appendBody.entries[2]!] } },
      message: /append.entries\[1\].index is 44, expected 43/,
    },
    {
      name: 'entry terms going down',
      p: { ...append, append: { ...appendBody, entries: [{ ...appendBody.entries[0]!, term: 7 }, { ...appendBody.entries[1]!, term: 6 }] } },
      message: /append.entries\[1\].term 6 is below the term before it, 7/,
    },
    {
      name: 'an entry term above the message term',
      p: { ...append, append: { ...appendBody, entries: [{ ...appendBody.entries[0]!, term: 8 }] } },
      message: /append.entries\[0\].term 8 is above the message's term 7/,
    },
    {
      name: 'an entry term below prevTerm',
      p: { ...append, append: { ...appendBody, entries: [{ ...appendBody.entries[0]!, term: 5 }] } },
      message: /append.entries\[0\].term 5 is below the term before it, 6/,
    },
    { name: 'a null entry', p: { ...append, append: { ...appendBody, entries: [null] } }, message: /append.entries\[0\] is missing/ },
    { name: 'entry data that is not bytes', p: { ...append, append: { ...appendBody, entries: [{ ...appendBody.entries[0]!, data: 'abc' }] } }, message: /entries\[0\].data must be bytes/ },
    { name: 'a snapshot without meta', p: { ...snapshot, installSnapshot: { snapshot: { ...snapshotBody, meta: null } } }, message: /installSnapshot.snapshot.meta is missing/ },
    { name: 'an install without snapshot', p: { ...snapshot, installSnapshot: { snapshot: null } }, message: /installSnapshot.snapshot is missing/ },
    {
      name: 'a snapshot without membership',
      p: { ...snapshot, installSnapshot: { snapshot: { ...snapshotBody, meta: { ...snapshotBody.meta!, membership: null } } } },
      message: /meta.membership is missing/,
    },
    {
      name: 'a voter id of 0',
      p: { ...snapshot, installSnapshot: { snapshot: { ...snapshotBody, meta: { ...snapshotBody.meta!, membership: { voters: [1, 0], learners: [] } } } } },
      message: /meta.membership.voters\[1\] must be a node id/,
    },
  ])('$name', async ({ p, message }) => {
    await expectRefusal(() => messageFromProto(p as unknown as internalV1.RaftMessage__Output), 'InvalidArgument', message);
  });

  it('a term too large for a number, sent as a real uint64 on the wire', async () => {
    const frame = overTheWire({ from: 1, messages: [{ group: 'g', message: { from: 1, to: 2, term: '18446744073709551615', timeoutNow: {} } }] });
    await expectRefusal(() => frameFromProto(frame), 'InvalidArgument', /raft frame from node 1: messages\[0\] \(group g\): term must be an integer/);
  });

  it('a message without a body, on the wire', async () => {
    const frame = overTheWire({ from: 1, messages: [{ group: 'g', message: { from: 1, to: 2, term: 3 } }] });
    await expectRefusal(() => frameFromProto(frame), 'InvalidArgument', /exactly one body, found none/);
  });
});

describe('malformed frames are refused whole with InvalidArgument', () => {
  const good = frameToProto(1, [{ group: 'meta', message: examples[0]! }]);

  it('a frame from node 0', async () => {
    await expectRefusal(() => frameFromProto(overTheWire({ ...good, from: 0 })), 'InvalidArgument', /raft frame: from must be a node id/);
  });

  it('a message from another node than the frame', async () => {
    const frame = overTheWire(frameToProto(1, [{ group: 'meta', message: { ...examples[0]!, from: 2 } }]));
    await expectRefusal(() => frameFromProto(frame), 'InvalidArgument', /messages\[0\]: message.from is 2, but the frame is from 1/);
  });

  it('a message without a group', async () => {
    await expectRefusal(() => frameFromProto(overTheWire({ from: 1, messages: [{ group: '', message: good.messages![0]!.message! }] })), 'InvalidArgument', /messages\[0\]: group must be a non-empty string/);
  });

  it('a group without a message', async () => {
    await expectRefusal(() => frameFromProto(overTheWire({ from: 1, messages: [{ group: 'meta' }] })), 'InvalidArgument', /messages\[0\]: message is missing/);
  });

  it('a bad message after good ones: nothing of the frame is returned', async () => {
    const frame = overTheWire(frameToProto(1, [
      { group: 'a', message: examples[0]! },
      { group: 'b', message: { ...examples[8]!, from: 1, to: 0 } as RaftMessage },
    ]));
    await expectRefusal(() => frameFromProto(frame), 'InvalidArgument', /messages\[1\] \(group b\): to must be a node id/);
  });
});
