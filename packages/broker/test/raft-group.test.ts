// RaftGroup between an early apply (applyDurable, before the turn's write) and the end of the
// turn (finishTurn): raft counts the entries applied only then, the state machine holds them
// already. On a MemoryGroup whose turns are the host's; the state machine looks at the group from
// a microtask of its apply, which runs while the turn's write is under way.
import type { Entry } from '@herald/raft';
import { expect, it } from 'vitest';
import { ProposalStage, type GroupStateMachine } from '../src/host/raft-group.js';
import { MemoryGroup } from './support/memory-group.js';

it('counts an entry applied before the write as applied: the leader is current, and the entry is rewritten only once the turn ends', async () => {
  const seen: { index: number; current: boolean; rewritten: boolean }[] = [];
  const machine: GroupStateMachine<undefined> = {
    apply: (entry: Entry) => {
      queueMicrotask(() => seen.push({ index: entry.index, current: memory.group.isCurrentLeader(), rewritten: memory.group.rewrite(entry.index, entry.data) }));
      return undefined;
    },
    restore() {},
  };
  const memory = new MemoryGroup(machine, undefined, { writes: 'async' });
  const proposal = memory.group.propose(new Uint8Array([1]), ProposalStage.Applied, 10_000, 'the test entry');
  await proposal.result;
  await new Promise((resolve) => setImmediate(resolve));
  // Applied early (a microtask of the apply ran before the turn's write ended): a current leader
  // (a Receive woken now may lease), but raft refuses a rewrite until the turn ends.
  expect(seen).toEqual([{ index: proposal.index, current: true, rewritten: false }]);
  await new Promise((resolve) => setImmediate(resolve));
  expect(memory.group.rewrite(proposal.index, new Uint8Array([1]))).toBe(true);
  expect(memory.rewrites.map((e) => e.index)).toEqual([proposal.index]);
});
