// Each checker on synthetic histories: a good one passes, a bad one throws a SafetyViolation that
// names the property, the seed and the step. These are the checkers the simulator runs after
// every step; if one of them could not fail, the sweep would prove nothing.
import { describe, expect, it } from 'vitest';
import {
  checkAppliedPrefix,
  checkCommitIndex,
  checkElectionSafety,
  checkLeaderCompleteness,
  checkLogMatching,
  checkRestartCommitIndex,
  checkSnapshotRestore,
  checkStateMachineSafety,
  entryKey,
  foldDigest,
  logView,
  SafetyHistory,
  SafetyViolation,
} from '../src/sim/index.js';
import { encodeMembership, EntryType, Role, type Entry } from '../src/index.js';

/** A normal entry whose data is `data` as text. */
function entry(index: number, term: number, data = `e${index}`): Entry {
  return { index, term, type: EntryType.Normal, data: Uint8Array.from(data, (c) => c.charCodeAt(0)) };
}

/** A log of entries with the given terms, from index 1. */
function logOfTerms(terms: number[], tag = ''): Entry[] {
  return terms.map((term, i) => entry(i + 1, term, `e${i + 1}${tag}`));
}

function history(): SafetyHistory {
  const h = new SafetyHistory(42);
  h.step = 7;
  return h;
}

/** Commits `entries` as node `id` of `term` would, from commitIndex 0. */
function commitAll(h: SafetyHistory, id: number, term: number, entries: Entry[]): void {
  checkCommitIndex(h, { id, term, commitIndex: entries.length, persistedCommitIndex: entries.length, log: logView(entries) }, 0);
}

describe('violations', () => {
  it('name the property, the seed and the step', () => {
    const h = history();
    checkElectionSafety(h, { id: 1, role: Role.Leader, term: 3 });
    const violation = (() => {
      try {
        checkElectionSafety(h, { id: 2, role: Role.Leader, term: 3 });
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(violation).toBeInstanceOf(SafetyViolation);
    expect((violation as SafetyViolation).message).toBe(
      'election safety violated (seed 42, step 7): nodes 1 and 2 are both leaders of term 3');
  });
});

describe('entryKey', () => {
  it.each([
    { entry: entry(3, 2, 's1p4'), key: '2|normal|s1p4' },
    { entry: entry(3, 2, ''), key: '2|normal|' },
    { entry: { index: 1, term: 1, type: EntryType.Normal, data: new Uint8Array([0, 255]) }, key: '1|normal|0x00ff' },
    { entry: { index: 1, term: 5, type: EntryType.Config, data: encodeMembership({ voters: [1, 2], learners: [3] }) }, key: '5|config|voters=1,2 learners=3' },
  ])('of $key', ({ entry: e, key }) => {
    expect(entryKey(e)).toBe(key);
  });
});

describe('election safety', () => {
  it('allows one leader per term, and the same leader seen again', () => {
    const h = history();
    checkElectionSafety(h, { id: 1, role: Role.Leader, term: 1 });
    checkElectionSafety(h, { id: 1, role: Role.Leader, term: 1 });
    checkElectionSafety(h, { id: 2, role: Role.Leader, term: 2 });
    checkElectionSafety(h, { id: 1, role: Role.Candidate, term: 2 });
  });

  it('rejects a second leader in a term, even after the first stepped down', () => {
    const h = history();
    checkElectionSafety(h, { id: 1, role: Role.Leader, term: 4 });
    checkElectionSafety(h, { id: 1, role: Role.Follower, term: 4 });
    expect(() => checkElectionSafety(h, { id: 3, role: Role.Leader, term: 4 })).toThrow(/election safety violated.*nodes 1 and 3 are both leaders of term 4/);
  });
});

describe('log matching', () => {
  it('accepts logs that share a prefix and diverge only after it', () => {
    const h = history();
    checkLogMatching(h, 1, logView(logOfTerms([1, 1, 2, 2])), 1);
    checkLogMatching(h, 2, logView(logOfTerms([1, 1, 2])), 1);
    checkLogMatching(h, 3, logView([...logOfTerms([1, 1]), entry(3, 3, 'other')]), 1);
  });

  it('accepts a log that starts after a snapshot', () => {
    const h = history();
    checkLogMatching(h, 1, logView(logOfTerms([1, 1, 2, 2])), 1);
    checkLogMatching(h, 2, logView([entry(3, 2), entry(4, 2)], { index: 2, term: 1 }), 3);
  });

  it('rejects two different entries at one (index, term)', () => {
    const h = history();
    checkLogMatching(h, 1, logView(logOfTerms([1, 2])), 1);
    expect(() => checkLogMatching(h, 2, logView(logOfTerms([1, 2], 'x')), 1)).toThrow(/log matching violated.*index 1 term 1/);
  });

  it('rejects logs that share an (index, term) but differ before it', () => {
    // Same entry at index 3 term 2, but node 2's index 2 is of term 1 where node 1's is of term 2.
    const h = history();
    checkLogMatching(h, 1, logView([entry(1, 1), entry(2, 2, 'a'), entry(3, 2, 'b')]), 1);
    expect(() => checkLogMatching(h, 2, logView([entry(1, 1), entry(2, 1, 'z'), entry(3, 2, 'b')]), 1))
      .toThrow(/log matching violated.*index 3 term 2 entry \[2\|normal\|b\] after term 1/);
  });

  it('rejects a log whose snapshot term disagrees with the entry before the shared one', () => {
    const h = history();
    checkLogMatching(h, 1, logView(logOfTerms([1, 2, 2])), 1);
    expect(() => checkLogMatching(h, 2, logView([entry(3, 2)], { index: 2, term: 1 }), 3)).toThrow(/log matching violated/);
  });
});

describe('commitIndex', () => {
  it('accepts a growing commitIndex and records what was committed', () => {
    const h = history();
    const log = logView(logOfTerms([1, 1, 2]));
    checkCommitIndex(h, { id: 1, term: 2, commitIndex: 2, persistedCommitIndex: 2, log }, 0);
    checkCommitIndex(h, { id: 1, term: 2, commitIndex: 3, persistedCommitIndex: 3, log }, 2);
    checkCommitIndex(h, { id: 2, term: 2, commitIndex: 3, persistedCommitIndex: 3, log }, 0);
    expect(h.committed.slice(1)).toEqual(['1|normal|e1', '1|normal|e2', '2|normal|e3']);
    expect(h.commitIndex).toBe(3);
  });

  it('rejects a decrease in one life', () => {
    const h = history();
    const log = logView(logOfTerms([1, 1, 2]));
    checkCommitIndex(h, { id: 1, term: 2, commitIndex: 3, persistedCommitIndex: 3, log }, 0);
    expect(() => checkCommitIndex(h, { id: 1, term: 2, commitIndex: 2, persistedCommitIndex: 3, log }, 3))
      .toThrow(/commitIndex monotonic violated.*node 1 commitIndex went from 3 to 2/);
  });

  it('rejects a decrease of the persisted commitIndex', () => {
    const h = history();
    const log = logView(logOfTerms([1, 1, 2]));
    checkCommitIndex(h, { id: 1, term: 2, commitIndex: 3, persistedCommitIndex: 3, log }, 0);
    expect(() => checkCommitIndex(h, { id: 1, term: 2, commitIndex: 3, persistedCommitIndex: 1, log }, 3))
      .toThrow(/persisted commitIndex went from 3 to 1/);
  });

  it('rejects a restart below the persisted commitIndex, and allows one at it', () => {
    const h = history();
    commitAll(h, 1, 1, logOfTerms([1, 1]));
    checkRestartCommitIndex(h, { id: 1, commitIndex: 2 });
    expect(() => checkRestartCommitIndex(h, { id: 1, commitIndex: 1 })).toThrow(/restarted with commitIndex 1 below its persisted 2/);
  });

  it('rejects committing a different entry where one was committed', () => {
    const h = history();
    commitAll(h, 1, 2, logOfTerms([1, 2]));
    expect(() => commitAll(h, 2, 3, logOfTerms([1, 3]))).toThrow(/committed entries are final violated.*\[3\|normal\|e2\] at index 2/);
  });
});

describe('leader completeness', () => {
  it('accepts a leader that holds every committed entry', () => {
    const h = history();
    const entries = logOfTerms([1, 1, 2]);
    commitAll(h, 1, 2, entries);
    checkLeaderCompleteness(h, { id: 2, role: Role.Leader, term: 3, log: logView([...entries, entry(4, 3)]) });
    checkLeaderCompleteness(h, { id: 3, role: Role.Leader, term: 4, log: logView([entry(3, 2), entry(4, 4)], { index: 2, term: 1 }) });
  });

  it('rejects a leader that lacks a committed entry', () => {
    const h = history();
    commitAll(h, 1, 2, logOfTerms([1, 1, 2]));
    expect(() => checkLeaderCompleteness(h, { id: 2, role: Role.Leader, term: 3, log: logView(logOfTerms([1, 1])) }))
      .toThrow(/leader completeness violated.*leader 2 of term 3 lacks committed entry \[2\|normal\|e3\] at index 3; it holds nothing/);
  });

  it('rejects a leader whose entry at a committed index is another (Figure 8)', () => {
    const h = history();
    commitAll(h, 1, 4, logOfTerms([1, 2]));
    expect(() => checkLeaderCompleteness(h, { id: 5, role: Role.Leader, term: 5, log: logView([entry(1, 1), entry(2, 3), entry(3, 5)]) }))
      .toThrow(/lacks committed entry \[2\|normal\|e2\] at index 2; it holds \[3\|normal\|e2\]/);
  });

  it('rejects a leader whose snapshot disagrees with a committed entry', () => {
    const h = history();
    commitAll(h, 1, 2, logOfTerms([1, 2]));
    expect(() => checkLeaderCompleteness(h, { id: 2, role: Role.Leader, term: 3, log: logView([], { index: 2, term: 1 }) }))
      .toThrow(/has a snapshot at index 2 term 1/);
  });

  it('does not require a stale leader of an older term to hold what a newer leader committed', () => {
    const h = history();
    commitAll(h, 1, 5, logOfTerms([1, 5]));
    checkLeaderCompleteness(h, { id: 2, role: Role.Leader, term: 3, log: logView(logOfTerms([1])) });
  });

  it('re-checks a leader whose log was rewritten', () => {
    const h = history();
    commitAll(h, 1, 2, logOfTerms([1, 2]));
    checkLeaderCompleteness(h, { id: 1, role: Role.Leader, term: 2, log: logView(logOfTerms([1, 2]), undefined, 0) });
    expect(() => checkLeaderCompleteness(h, { id: 1, role: Role.Leader, term: 2, log: logView(logOfTerms([1]), undefined, 1) }))
      .toThrow(/leader completeness violated/);
  });
});

describe('state machine safety', () => {
  it('accepts nodes applying the same entries', () => {
    const h = history();
    let digest = 0;
    for (const e of logOfTerms([1, 1, 2])) {
      digest = foldDigest(digest, e);
      checkStateMachineSafety(h, 1, e, digest);
      checkStateMachineSafety(h, 2, e, digest);
    }
    checkSnapshotRestore(h, 3, { index: 3, term: 2, digest });
  });

  it('rejects two nodes applying different entries at one index', () => {
    const h = history();
    checkStateMachineSafety(h, 1, entry(1, 1, 'a'), foldDigest(0, entry(1, 1, 'a')));
    expect(() => checkStateMachineSafety(h, 2, entry(1, 1, 'b'), foldDigest(0, entry(1, 1, 'b'))))
      .toThrow(/state machine safety violated.*node 2 applied \[1\|normal\|b\] at index 1; another node applied \[1\|normal\|a\]/);
  });

  it('rejects a snapshot whose state differs from what was applied at its index', () => {
    const h = history();
    checkStateMachineSafety(h, 1, entry(1, 1, 'a'), foldDigest(0, entry(1, 1, 'a')));
    expect(() => checkSnapshotRestore(h, 2, { index: 1, term: 1, digest: foldDigest(0, entry(1, 1, 'b')) }))
      .toThrow(/restored a snapshot at index 1 whose state differs/);
  });

  it('rejects a snapshot whose term differs from the entry committed at its index', () => {
    const h = history();
    commitAll(h, 1, 2, logOfTerms([1, 2]));
    expect(() => checkSnapshotRestore(h, 2, { index: 2, term: 1, digest: 0 })).toThrow(/snapshot at index 2 term 1, but \[2\|normal\|e2\] is committed there/);
  });
});

describe('applied prefix', () => {
  const committed = logOfTerms([1, 1, 2]);

  it('accepts the committed entries applied in order', () => {
    const h = history();
    commitAll(h, 1, 2, committed);
    committed.forEach((e, i) => checkAppliedPrefix(h, { id: 1, appliedIndex: i, commitIndex: 3 }, e));
  });

  it.each([
    { what: 'a gap', appliedIndex: 0, commitIndex: 3, e: committed[1]!, error: /applied index 2 right after 0/ },
    { what: 'a repeat', appliedIndex: 2, commitIndex: 3, e: committed[1]!, error: /applied index 2 right after 2/ },
    { what: 'an entry beyond commitIndex', appliedIndex: 2, commitIndex: 2, e: committed[2]!, error: /beyond its commitIndex 2/ },
    { what: 'an entry other than the committed one', appliedIndex: 2, commitIndex: 3, e: entry(3, 3), error: /\[2\|normal\|e3\] is committed there/ },
  ])('rejects $what', ({ appliedIndex, commitIndex, e, error }) => {
    const h = history();
    commitAll(h, 1, 2, committed);
    expect(() => checkAppliedPrefix(h, { id: 1, appliedIndex, commitIndex }, e)).toThrow(error);
  });

  it('rejects applying an entry nobody committed', () => {
    const h = history();
    expect(() => checkAppliedPrefix(h, { id: 1, appliedIndex: 0, commitIndex: 1 }, committed[0]!))
      .toThrow(/no entry is known committed there/);
  });
});
