import type { Membership, NodeId, PersistedState } from './types.js';

/** Encodes a membership as the data of a Config entry: voter count, voter ids, learner count,
 *  learner ids, each a big-endian u32. */
export function encodeMembership(membership: Membership): Uint8Array {
  const ids = [membership.voters.length, ...membership.voters, membership.learners.length, ...membership.learners];
  const view = new DataView(new ArrayBuffer(ids.length * 4));
  ids.forEach((id, i) => view.setUint32(i * 4, id));
  return new Uint8Array(view.buffer);
}

/** Decodes a Config entry's data. A malformed one is a bug (raft wrote it), so it throws. */
export function decodeMembership(data: Uint8Array): Membership {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const words = data.byteLength / 4;
  let at = 0;
  const list = (): NodeId[] => {
    if (at >= words) throw new Error('malformed membership entry: truncated');
    const count = view.getUint32(at++ * 4);
    if (at + count > words) throw new Error('malformed membership entry: truncated');
    return Array.from({ length: count }, () => view.getUint32(at++ * 4));
  };
  const parsed = { voters: list(), learners: list() };
  const problem = at === words && Number.isInteger(words) ? membershipProblem(parsed) : 'trailing bytes';
  if (problem !== null) throw new Error(`malformed membership entry: ${problem}`);
  return parsed;
}

/** Why `value` is not a valid Membership, or null when it is. */
export function membershipProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const { voters, learners } = value as Record<string, unknown>;
  if (!isIdList(voters)) return 'voters must be a list of positive integer node ids';
  if (!isIdList(learners)) return 'learners must be a list of positive integer node ids';
  const all = [...voters, ...learners];
  if (new Set(all).size !== all.length) return 'a node is listed twice';
  return null;
}

function isIdList(value: unknown): value is NodeId[] {
  return Array.isArray(value) && value.every((id) => Number.isInteger(id) && id > 0);
}

/** Why the change from `current` to `next` is not allowed, or null. Raft thesis §4.1: one voter
 *  added or removed per change keeps every old and new majority overlapping. Learners may come and
 *  go freely; promoting a learner counts as adding a voter. */
export function membershipChangeProblem(current: Membership, next: Membership): string | null {
  const problem = membershipProblem(next);
  if (problem !== null) return problem;
  if (next.voters.length === 0) return 'a group needs at least one voter';
  const before = new Set(current.voters);
  const after = new Set(next.voters);
  const added = next.voters.filter((id) => !before.has(id)).length;
  const removed = current.voters.filter((id) => !after.has(id)).length;
  if (added + removed > 1) return `change one voter at a time (this adds ${added} and removes ${removed})`;
  return null;
}

export function isVoter(membership: Membership, id: NodeId): boolean {
  return membership.voters.includes(id);
}

export function isMember(membership: Membership, id: NodeId): boolean {
  return membership.voters.includes(id) || membership.learners.includes(id);
}

/** The state of a brand-new node: nothing durable yet but the group's initial membership. */
export function initialState(membership: Membership): PersistedState {
  return {
    hardState: { term: 0, vote: 0, commitIndex: 0 },
    snapshot: { meta: { index: 0, term: 0, membership }, data: new Uint8Array(0) },
    entries: [],
  };
}
