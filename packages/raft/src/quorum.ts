import type { NodeId } from './types.js';

/** The size of a majority of `voterCount` voters. */
export function quorumSize(voterCount: number): number {
  return Math.floor(voterCount / 2) + 1;
}

/** The highest index that a majority of voters have matched, given every voter's match index.
 *  An empty voter set commits nothing. */
export function computeCommitIndex(matchIndexes: readonly number[]): number {
  if (matchIndexes.length === 0) return 0;
  const sorted = [...matchIndexes].sort((a, b) => b - a);
  return sorted[quorumSize(sorted.length) - 1] ?? 0;
}

export const VoteResult = { Won: 'won', Lost: 'lost', Pending: 'pending' } as const;
export type VoteResult = (typeof VoteResult)[keyof typeof VoteResult];

/**
 * Counts the votes of `voters`: won once a majority granted, lost once a majority can no longer
 * be reached. Votes from non-voters are ignored.
 *
 * `repairing` holds the voters that answered as repairing (they lost their log; see
 * docs/design-notes.md "Storage repair"): such a voter neither grants nor refuses. The election
 * is also won when every voter answered and each either granted or is repairing: then every
 * voter that still holds its log granted, so the candidate holds every entry a surviving replica
 * holds, and a committed entry it lacks was held by repairing replicas only, which lost it.
 */
export function tallyVotes(voters: readonly NodeId[], votes: ReadonlyMap<NodeId, boolean>, repairing: ReadonlySet<NodeId> = new Set()): VoteResult {
  let granted = 0;
  let rejected = 0;
  let conditional = 0;
  for (const id of voters) {
    const vote = votes.get(id);
    if (vote === true) granted++;
    else if (vote === false) rejected++;
    else if (repairing.has(id)) conditional++;
  }
  const needed = quorumSize(voters.length);
  if (granted >= needed) return VoteResult.Won;
  if (rejected === 0 && granted > 0 && granted + conditional === voters.length) return VoteResult.Won;
  // Once anyone refused, repairing voters cannot help any more.
  if (voters.length - rejected - (rejected > 0 ? conditional : 0) < needed) return VoteResult.Lost;
  return VoteResult.Pending;
}
