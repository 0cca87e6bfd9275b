import { open, readdir, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RaftNode, type Message, type PersistedState } from '@herald/raft';
import { encodeWriteCount } from '../src/codec.js';
import { findLostWrites, markerFileName, marksPending } from '../src/lost-writes.js';
import { NodeStore, unknownRepairIndex } from '../src/index.js';
import { entries, entry, hardState, snapshot, tempDir } from './support.js';

// Shows that a store whose LevelDB dropped the tail of its write-ahead log (which LevelDB does
// silently when it opens a database) knows it, opens every group in repair mode, durably, and
// that such a group neither votes nor campaigns until a leader gives its log back. Method: a
// real store; group p.0.0 (voters 1, 2, 3; this is node 3) gets one synced batch per entry;
// the store is closed and the newest LevelDB log file is cut inside the record of a batch (as
// the chaos harness's wal-tail fault does after kill -9); the store opens again; then a RaftNode
// is built from what load() returned and asked for votes before and after a leader's Append.

const group = 'p.0.0';
let dir: { path: string; remove: () => Promise<void> };
let store: NodeStore | null = null;

beforeEach(async () => {
  dir = await tempDir();
});

afterEach(async () => {
  await store?.close();
  store = null;
  await dir.remove();
});

async function reopen(): Promise<NodeStore> {
  await store?.close();
  store = await NodeStore.open(dir.path);
  return store;
}

/** The newest LevelDB write-ahead log file of the store. */
async function newestLog(): Promise<string> {
  const logs = (await readdir(dir.path)).filter((name) => name.endsWith('.log')).sort();
  const last = logs[logs.length - 1];
  if (last === undefined) throw new Error(`no write-ahead log in ${dir.path}`);
  return join(dir.path, last);
}

/**
 * Node 3's replica of p.0.0: a snapshot at 0 and entries 1..10 of term 2, one synced batch each
 * (entry and hard state, as a follower's host turn writes them), plus the meta group. Returns
 * the size of the log file after each batch, by entry index.
 */
async function writeReplica(): Promise<Map<number, number>> {
  const s = await reopen();
  await s.batch()
    .installSnapshot(group, { meta: { index: 0, term: 0, membership: { voters: [1, 2, 3], learners: [] } }, data: new Uint8Array(0) })
    .setHardState(group, hardState(2, 1, 0))
    .compact('meta', snapshot(0, 0))
    .append('meta', entries(1, 3, 1))
    .setHardState('meta', hardState(1, 1, 3))
    .write({ sync: true });
  const sizes = new Map<number, number>();
  const log = await newestLog();
  for (let index = 1; index <= 10; index++) {
    await s.batch().append(group, [entry(index, 2)]).setHardState(group, hardState(2, 1, index - 1)).write({ sync: true });
    sizes.set(index, (await stat(log)).size);
  }
  await s.close();
  store = null;
  return sizes;
}

function raftOf(state: PersistedState, repairIndex: number): RaftNode {
  return new RaftNode(
    {
      id: 3,
      electionTicksMin: 10,
      electionTicksMax: 20,
      heartbeatTicks: 2,
      preVote: true,
      checkQuorum: true,
      maxInflightAppends: 8,
      maxAppendBytes: 1 << 20,
      maxInflightBytes: 1 << 22,
      lagTicksMax: 20,
      prng: { nextInt: (min) => min },
    },
    { ...state, repairIndex },
  );
}

/** Ticks `count` times and returns the messages raft wanted sent meanwhile. */
function ticked(raft: RaftNode, count: number): Message[] {
  const sent: Message[] = [];
  for (let i = 0; i < count; i++) {
    raft.tick();
    if (!raft.hasReady()) continue;
    sent.push(...raft.ready().messages);
    raft.advance();
  }
  return sent;
}

/** Steps `m` and returns the messages raft wants sent (persisting nothing: this test only asks). */
function answers(raft: RaftNode, m: Message): Message[] {
  raft.step(m);
  if (!raft.hasReady()) return [];
  const ready = raft.ready();
  raft.advance();
  return [...ready.messages];
}

describe('a dropped write-ahead-log tail', () => {
  it('is detected at open: every group repairs, and keeps repairing across a restart', async () => {
    const sizes = await writeReplica();
    // Cut inside the record of entry 8's batch: LevelDB recovers batches up to entry 7's and
    // says nothing (a record cut short at the end of the file looks like a crash mid-write).
    await truncate(await newestLog(), sizes.get(7)! + 10);

    const s = await reopen();
    expect(s.lostWrites?.reason).toMatch(/^LevelDB recovered the store's batches up to number 8, but batch 11 had been synced: the tail of its write-ahead log was lost$/);
    const loaded = await s.load(group);
    // What LevelDB kept looks intact: without the marker nothing would be reported.
    expect(loaded.state?.entries.map((e) => e.index)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(loaded.fatal).toBe(false);
    expect(loaded.repairIndex).toBe(unknownRepairIndex);
    expect(loaded.problems).toEqual([`group ${group} may have lost entries it acknowledged: ${s.lostWrites?.reason}; it votes again once a leader has repaired it`]);
    // The untouched group is marked too: the store cannot tell which groups the lost batches held.
    expect((await s.load('meta')).repairIndex).toBe(unknownRepairIndex);
    // A group with nothing stored (it may have been created in the lost tail) starts repairing.
    expect(await s.load('p.1.0')).toMatchObject({ state: null, repairIndex: unknownRepairIndex, fatal: false });

    // The marks are durable: after a restart the marker agrees with LevelDB again, and the
    // hard states still say repairing.
    const again = await reopen();
    expect(again.lostWrites).toBeNull();
    const reloaded = await again.load(group);
    expect(reloaded.problems).toEqual([]);
    expect(reloaded.repairIndex).toBe(unknownRepairIndex);
    expect(reloaded.state?.hardState).toEqual({ ...hardState(2, 1, 6), repairIndex: unknownRepairIndex });
  });

  it('keeps the group from voting until a leader has repaired it, then lets it vote', async () => {
    const sizes = await writeReplica();
    await truncate(await newestLog(), sizes.get(7)! + 10);
    const s = await reopen();
    const loaded = await s.load(group);
    const raft = raftOf(loaded.state!, loaded.repairIndex);

    // Candidate 2 holds entries 1..7 only, as this replica now does; it lacks 8..10, which this
    // node had acknowledged. Without the repair mode node 3 would grant its vote.
    const voteOf2 = (term: number): Message => ({ type: 'Vote', from: 2, to: 3, term, lastIndex: 7, lastTerm: 2, pre: false, transfer: false });
    const [refusal] = answers(raft, voteOf2(3));
    expect(refusal).toMatchObject({ type: 'VoteResponse', granted: false, repairing: true });
    expect(raft.isRepairing()).toBe(true);
    // Nor does it campaign, however long it hears from no leader.
    expect(ticked(raft, 50).filter((m) => m.type === 'Vote')).toEqual([]);

    // Leader 1 of term 4 (which holds 1..10) appends what this replica lost, and commits 10.
    answers(raft, { type: 'Append', from: 1, to: 3, term: 4, prevIndex: 7, prevTerm: 2, entries: entries(8, 10, 2), commitIndex: 10 });
    expect(raft.isRepairing()).toBe(true); // the leader's commit is of term 2, not its own term 4
    answers(raft, { type: 'Append', from: 1, to: 3, term: 4, prevIndex: 10, prevTerm: 2, entries: [entry(11, 4)], commitIndex: 11 });
    expect(raft.isRepairing()).toBe(false);

    // Repaired: once the leader falls silent for an election timeout it campaigns, it votes for
    // a candidate as up to date as itself, and the hard state it writes no longer says repairing.
    expect(ticked(raft, 10).filter((m) => m.type === 'Vote').map((m) => m.to)).toEqual([1, 2]);
    const [grant] = answers(raft, { type: 'Vote', from: 2, to: 3, term: 5, lastIndex: 11, lastTerm: 4, pre: false, transfer: false });
    expect(grant).toMatchObject({ type: 'VoteResponse', granted: true });
    await s.batch().append(group, entries(8, 10, 2)).append(group, [entry(11, 4)]).setHardState(group, hardState(5, 2, 11)).write({ sync: true });
    const repaired = await (await reopen()).load(group);
    expect(repaired).toMatchObject({ repairIndex: 0, problems: [], fatal: false });
  });

  it('is detected when LevelDB reports it dropped damaged log records, though later batches survived', async () => {
    // The vote of group "a" is written once, in the first batch; 100 batches of 1 KiB entries of
    // group "b" follow, over several 32 KiB log blocks. Damage inside the first block makes
    // LevelDB drop that block (and with it a's vote) but recover the later blocks, so the write
    // count is intact; only LevelDB's own report tells.
    const s = await reopen();
    await s.batch().compact('a', snapshot(0, 0)).setHardState('a', hardState(7, 2, 0)).compact('b', snapshot(0, 0)).write({ sync: true });
    for (let index = 1; index <= 100; index++) {
      await s.batch().append('b', [{ index, term: 1, type: 'normal', data: Buffer.alloc(1024, index) }]).setHardState('b', hardState(1, 1, index - 1)).write({ sync: true });
    }
    await s.close();
    store = null;
    const handle = await open(await newestLog(), 'r+');
    try {
      await handle.write(Buffer.from([0xff, 0xff, 0xff, 0xff]), 0, 4, 40);
    } finally {
      await handle.close();
    }

    const reopened = await reopen();
    expect(reopened.lostWrites?.reason).toMatch(/^LevelDB dropped part of its write-ahead log while opening the store: \S+\.log: dropping \d+ bytes; Corruption: checksum mismatch/);
    expect((await reopened.load('a')).repairIndex).toBe(unknownRepairIndex);
    expect((await reopened.load('b')).repairIndex).toBe(unknownRepairIndex);
  });

  it('is found again when the store stopped between finding the loss and marking its groups', async () => {
    // LevelDB turned the damaged log into a table at that open, and rewrote its info log: only
    // the marker, left saying that marks are pending, still tells.
    await writeReplica();
    await writeFile(join(dir.path, markerFileName), encodeWriteCount(marksPending));
    const s = await reopen();
    expect(s.lostWrites?.reason).toBe('the store found at its last open that it may have lost writes, and stopped before it marked every group as repairing');
    expect((await s.load(group)).repairIndex).toBe(unknownRepairIndex);
    // Marked: the next open is clean, the group still repairing.
    const again = await reopen();
    expect(again.lostWrites).toBeNull();
    expect((await again.load(group)).repairIndex).toBe(unknownRepairIndex);
  });

  it('is not suspected when only writes after the last synced one are lost', async () => {
    // Unsynced batches (a commit index, a compaction) were never claimed by the marker.
    const s = await reopen();
    await s.batch().compact(group, snapshot(0, 0)).append(group, entries(1, 3, 1)).setHardState(group, hardState(1, 1, 0)).write({ sync: true });
    const log = await newestLog();
    const syncedSize = (await stat(log)).size;
    await s.batch().setHardState(group, hardState(1, 1, 3)).write({ sync: false });
    await s.close();
    store = null;
    await truncate(log, syncedSize + 5);
    const reopened = await reopen();
    expect(reopened.lostWrites).toBeNull();
    expect(await reopened.load(group)).toMatchObject({ repairIndex: 0, problems: [] });
  });

  it('is not suspected after a crash between the synced batch and the marker rewrite', async () => {
    // The marker lags LevelDB by one batch, as after a kill between the two writes: it claims
    // less than LevelDB holds, which is never an alarm.
    await writeReplica();
    await writeFile(join(dir.path, markerFileName), encodeWriteCount(10));
    const s = await reopen();
    expect(s.lostWrites).toBeNull();
    expect((await s.load(group)).repairIndex).toBe(0);
  });

  it('is suspected when the marker is unreadable or missing from a store that wrote batches', async () => {
    await writeReplica();
    await writeFile(join(dir.path, markerFileName), Buffer.from('garbage of the wrong size'));
    expect((await reopen()).lostWrites?.reason).toBe(`${markerFileName} failed its checksum, so the store cannot tell whether it lost writes`);
  });
});

describe('findLostWrites', () => {
  const ok = (count: number) => ({ state: 'ok' as const, count });
  it.each([
    { what: 'a new store, or one from before the marker', stored: ok(0), reading: { state: 'missing' as const }, drops: [], expected: null },
    { what: 'LevelDB holds what the marker claims', stored: ok(12), reading: ok(12), drops: [], expected: null },
    { what: 'LevelDB holds more than the marker claims', stored: ok(13), reading: ok(12), drops: [], expected: null },
    { what: 'LevelDB holds less', stored: ok(11), reading: ok(12), drops: [], expected: /up to number 11, but batch 12 had been synced/ },
    { what: 'the marker is gone', stored: ok(11), reading: { state: 'missing' as const }, drops: [], expected: /is missing, though the store has written 11 batches/ },
    { what: 'the count is unreadable', stored: { state: 'unreadable' as const, reason: 'failed its checksum' }, reading: ok(3), drops: [], expected: /write count failed its checksum/ },
    { what: 'marks were pending', stored: ok(12), reading: ok(marksPending), drops: [], expected: /stopped before it marked every group/ },
    { what: 'LevelDB dropped records', stored: ok(12), reading: ok(12), drops: ['000005.log: dropping 10 bytes; x', 'y'], expected: /000005.log: dropping 10 bytes; x \(and 1 more\)$/ },
  ])('$what', ({ stored, reading, drops, expected }) => {
    const reason = findLostWrites(stored, reading, drops);
    if (expected === null) expect(reason).toBeNull();
    else expect(reason).toMatch(expected);
  });
});
