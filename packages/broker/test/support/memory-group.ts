import { initialState, RaftNode, type Entry } from '@herald/raft';
import { RaftGroup, type GroupHost, type GroupStateMachine } from '../../src/host/raft-group.js';
import { FakeClock } from './fake-clock.js';

/**
 * A Raft group of one voter, in memory: the real RaftNode and RaftGroup with a host that stores
 * nothing. Like the real host, it runs turns (ready, "write", finishTurn) soon after anything
 * asks for one, so a state machine's unit test proposes and awaits its outcome, on a fake clock.
 *
 * With `writes: 'async'` a turn is the host's (Host.turn): it applies what an earlier turn made
 * durable (applyDurable), then "writes" what it must, letting the event loop run meanwhile as a
 * real write does (one turn of it), then finishes.
 */
export class MemoryGroup<Outcome> implements GroupHost {
  readonly nodeId = 1;
  readonly group: RaftGroup<Outcome>;
  /** Snapshots the state machine made, and entries it rewrote, in order. */
  readonly compactions: number[] = [];
  readonly rewrites: Entry[] = [];
  private scheduled = false;
  /** While set, no turn runs: nothing is written, sent or applied (a stalled host). */
  paused = false;
  private turning = false;

  constructor(
    machine: GroupStateMachine<Outcome>,
    readonly clock = new FakeClock(),
    private readonly options: { readonly writes: 'sync' | 'async' } = { writes: 'sync' },
  ) {
    const raft = new RaftNode(
      { id: 1, electionTicksMin: 10, electionTicksMax: 20, heartbeatTicks: 2, preVote: true, checkQuorum: true, maxInflightAppends: 16, maxAppendBytes: 1 << 20, maxInflightBytes: 4 << 20, lagTicksMax: 100, prng: { nextInt: (min) => min } },
      initialState({ voters: [1], learners: [] }),
    );
    this.group = new RaftGroup(`memory`, raft, machine, this, 'the test group');
    this.group.campaign();
    this.turns();
  }

  addressOf(id: number): string {
    return `node-${id}:7400`;
  }

  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => (this.options.writes === 'sync' ? this.turns() : void this.turnsWithWrites()));
  }

  compacted(group: RaftGroup<unknown>): void {
    this.compactions.push(group.snapshot().meta.index);
  }

  rewritten(_group: RaftGroup<unknown>, entry: Entry): void {
    this.rewrites.push(entry);
  }

  /** Runs turns until the group has nothing to do (a single voter commits in one or two). */
  turns(): void {
    for (let i = 0; i < 100 && !this.paused; i++) {
      this.scheduled = false;
      if (!this.group.hasReady()) return;
      this.group.finishTurn(this.group.ready());
    }
    if (!this.paused) throw new Error('the memory group never settled');
  }

  /** Runs the host's turns (see the class) until the group has nothing to do. */
  private async turnsWithWrites(): Promise<void> {
    if (this.turning) return;
    this.turning = true;
    try {
      while (!this.paused && this.group.hasReady()) {
        this.scheduled = false;
        const ready = this.group.ready();
        this.group.applyDurable(ready);
        if (ready.entries.length > 0 || ready.hardState !== null || ready.snapshot !== null) {
          await new Promise((resolve) => setImmediate(resolve));
        }
        this.group.finishTurn(ready);
      }
    } finally {
      this.turning = false;
      this.scheduled = false;
    }
  }

  /** Whether a turn is due or under way. */
  busy(): boolean {
    return this.turning || this.group.hasReady();
  }

  /** Proposes `data` and resolves with its outcome once applied. */
  apply(data: Uint8Array): Promise<Outcome> {
    return this.group.proposeApplied(data, 10_000, 'the test entry');
  }
}
