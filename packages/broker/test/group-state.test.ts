// Shows that the replicated consumer-group state decides every command the same way from the
// same log: generations must follow each other, commits are fenced by generation and
// membership when they are applied (not only when proposed), resets and deletes need an empty
// group, deleted topics take their offsets along, and a snapshot restores all of it. Method:
// MetaState.apply() on hand-built command sequences.
import { describe, expect, it } from 'vitest';
import { MetaState, type MetaCommand } from '../src/meta/meta-state.js';
import type { GroupMember } from '../src/consumer-groups/group-state.js';

const member = (memberId: string, partitions: number[]): GroupMember => ({
  memberId,
  clientId: memberId,
  clientHost: '127.0.0.1',
  topics: ['t'],
  strategies: ['range'],
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 60_000,
  assignment: [{ topic: 't', partitions }],
});

function state(): MetaState {
  const s = new MetaState();
  s.apply({ type: 'CreateTopic', name: 't', partitions: [0, 1, 2, 3].map((partition) => ({ partition, replicas: [1] })), configs: {} });
  return s;
}

const commit = (memberId: string, generation: number, offset: number, partition = 0): MetaCommand => ({
  type: 'CommitOffsets',
  group: 'g',
  memberId,
  generation,
  offsets: [{ topic: 't', partition, offset, metadata: '' }],
  timestampMs: 1_000,
});

describe('consumer groups in the meta state', () => {
  it('fences a commit of an older generation applied after a rebalance', () => {
    const s = state();
    expect(s.apply({ type: 'GroupRebalanced', group: 'g', generation: 1, strategy: 'range', members: [member('a', [0, 1]), member('b', [2, 3])] }).ok).toBe(true);
    expect(s.apply(commit('a', 1, 5)).ok).toBe(true);
    expect(s.apply({ type: 'GroupRebalanced', group: 'g', generation: 2, strategy: 'range', members: [member('b', [0, 1, 2, 3])] }).ok).toBe(true);
    // a's commit, proposed in generation 1, is applied after generation 2: refused everywhere.
    expect(s.apply(commit('a', 1, 9))).toMatchObject({ ok: false, reason: 'UnknownMember' });
    expect(s.apply(commit('b', 1, 9))).toMatchObject({ ok: false, reason: 'FencedGeneration' });
    expect(s.groups.get('g')!.offsets.get('t')!.get(0)!.offset).toBe(5);
    expect(s.apply(commit('b', 2, 7)).ok).toBe(true);
    expect(s.groups.get('g')!.offsets.get('t')!.get(0)).toEqual({ offset: 7, metadata: '', commitTimestampMs: 1_000 });
  });

  it('refuses a generation that does not follow the current one', () => {
    const s = state();
    expect(s.apply({ type: 'GroupRebalanced', group: 'g', generation: 2, strategy: 'range', members: [] })).toMatchObject({ ok: false, reason: 'FencedGeneration' });
    expect(s.apply({ type: 'GroupRebalanced', group: 'g', generation: 1, strategy: 'range', members: [member('a', [0])] }).ok).toBe(true);
    expect(s.apply({ type: 'GroupRebalanced', group: 'g', generation: 1, strategy: 'range', members: [] })).toMatchObject({ ok: false, reason: 'FencedGeneration' });
  });

  it('lets a standalone consumer commit only while the group has no members', () => {
    const s = state();
    expect(s.apply(commit('', 0, 3)).ok).toBe(true);
    expect(s.groups.get('g')?.generation).toBe(0);
    s.apply({ type: 'GroupRebalanced', group: 'g', generation: 1, strategy: 'range', members: [member('a', [0])] });
    expect(s.apply(commit('', 0, 4))).toMatchObject({ ok: false, reason: 'FencedGeneration' });
    expect(s.apply(commit('x', 1, 4))).toMatchObject({ ok: false, reason: 'UnknownMember' });
  });

  it('resets and deletes only an empty group', () => {
    const s = state();
    const reset: MetaCommand = { type: 'ResetOffsets', group: 'g', offsets: [{ topic: 't', partition: 1, offset: 0, metadata: '' }], timestampMs: 2 };
    expect(s.apply(reset)).toMatchObject({ ok: false, reason: 'GroupNotFound' });
    expect(s.apply({ type: 'DeleteGroup', group: 'g' })).toMatchObject({ ok: false, reason: 'GroupNotFound' });
    s.apply({ type: 'GroupRebalanced', group: 'g', generation: 1, strategy: 'range', members: [member('a', [0])] });
    expect(s.apply(reset)).toMatchObject({ ok: false, reason: 'GroupNotEmpty' });
    expect(s.apply({ type: 'DeleteGroup', group: 'g' })).toMatchObject({ ok: false, reason: 'GroupNotEmpty' });
    s.apply({ type: 'GroupRebalanced', group: 'g', generation: 2, strategy: 'range', members: [] });
    expect(s.groups.get('g')!.strategy).toBe('');
    expect(s.apply(reset).ok).toBe(true);
    expect(s.groups.get('g')!.offsets.get('t')!.get(1)!.offset).toBe(0);
    expect(s.apply({ type: 'DeleteGroup', group: 'g' }).ok).toBe(true);
    expect(s.groups.get('g')).toBeUndefined();
  });

  it('drops offsets of deleted topics and of partitions that do not exist', () => {
    const s = state();
    s.apply(commit('', 0, 3, 1));
    s.apply(commit('', 0, 3, 9));
    expect([...s.groups.get('g')!.offsets.get('t')!.keys()]).toEqual([1]);
    s.apply({ type: 'DeleteTopic', name: 't' });
    expect(s.groups.get('g')!.offsets.size).toBe(0);
  });

  it('survives a snapshot', () => {
    const s = state();
    s.apply({ type: 'GroupRebalanced', group: 'g', generation: 1, strategy: 'range', members: [member('a', [0, 1, 2, 3])] });
    s.apply(commit('a', 1, 11, 2));
    const restored = MetaState.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
    expect(restored.groups.all()).toEqual(s.groups.all());
    expect(restored.apply(commit('a', 1, 12, 2)).ok).toBe(true);
    // Snapshots from before consumer groups existed restore with none.
    expect(MetaState.fromJSON({ nextTopicId: 1, topics: [] }).groups.all()).toEqual([]);
  });
});
