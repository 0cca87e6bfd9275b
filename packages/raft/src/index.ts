export * from './types.js';
export { RaftNode, TERM_JUMP_MAX } from './raft.js';
export { InvariantViolation, assert } from './assert.js';
export { computeCommitIndex, quorumSize, tallyVotes, VoteResult } from './quorum.js';
export { decodeMembership, encodeMembership, initialState, isMember, isVoter, membershipChangeProblem, membershipProblem } from './membership.js';
export { NodeLivenessTracker, type NodeLivenessOptions, type NodeLivenessTick } from './liveness.js';
