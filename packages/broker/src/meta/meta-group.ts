import { HeraldError } from '@herald/protocol';
import { EntryType, Role, type Entry, type NodeId, type Ready, type Snapshot } from '@herald/raft';
import type { GroupStateMachine, HostedGroup } from '../host/host.js';
import { changesTopics, MetaState, type MetaCommand, type MetaOutcome } from './meta-state.js';

const encoder = new TextEncoder();
/** Applied entries between two snapshots of the meta state. Consumer-group commits make the
 *  meta log grow steadily; a snapshot bounds it (and what a restarted node replays). */
export const META_COMPACT_ENTRIES = 5_000;
const decoder = new TextDecoder();

interface Waiter {
  readonly term: number;
  readonly resolve: (outcome: MetaOutcome) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The meta group's state machine: cluster metadata replicated on every voter. Its leader is the
 * controller; admin requests are proposed there and answered once applied.
 */
export class MetaGroup implements GroupStateMachine {
  state = new MetaState();
  group!: HostedGroup;
  private readonly waiters = new Map<number, Waiter>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly addressOf: (id: NodeId) => string,
    private readonly compactEntries = META_COMPACT_ENTRIES,
  ) {}

  /** Called after every applied change (and after a restore): nodes reconcile their partitions. */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  controllerId(): NodeId {
    return this.group.raft.status().leaderId;
  }

  apply(entries: readonly Entry[]): void {
    let changed = false;
    for (const entry of entries) {
      if (entry.type !== EntryType.Normal || entry.data.byteLength === 0) continue;
      const command = JSON.parse(decoder.decode(entry.data)) as MetaCommand;
      const outcome = this.state.apply(command);
      changed ||= outcome.ok && changesTopics(command);
      const waiter = this.waiters.get(entry.index);
      if (waiter === undefined) continue;
      this.waiters.delete(entry.index);
      clearTimeout(waiter.timer);
      if (waiter.term === entry.term) waiter.resolve(outcome);
      else waiter.reject(this.notControllerError());
    }
    if (changed) for (const listener of this.listeners) listener();
  }

  restore(snapshot: Snapshot): void {
    this.state = MetaState.fromJSON(JSON.parse(decoder.decode(snapshot.data)));
    for (const listener of this.listeners) listener();
  }

  afterTurn(_ready: Ready): void {
    const status = this.group.raft.status();
    // The state is the state at appliedIndex: raft has applied, and so have we.
    if (status.appliedIndex - status.snapshotIndex >= this.compactEntries) {
      this.group.compact(status.appliedIndex, encoder.encode(JSON.stringify(this.state.toJSON())));
    }
    if (this.waiters.size > 0 && status.role !== Role.Leader) {
      for (const [index, waiter] of this.waiters) {
        clearTimeout(waiter.timer);
        this.waiters.delete(index);
        waiter.reject(this.notControllerError());
      }
    }
  }

  /** Proposes a command at the controller and resolves with its outcome once applied. */
  propose(command: MetaCommand, timeoutMs: number): Promise<MetaOutcome> {
    const proposed = this.group.raft.propose(encoder.encode(JSON.stringify(command)));
    if (!proposed.ok) return Promise.reject(this.notControllerError());
    this.group.schedule();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(proposed.index);
        reject(new HeraldError('CommitTimedOut', `the metadata change was not committed within ${timeoutMs} ms; it may or may not be applied`));
      }, timeoutMs);
      this.waiters.set(proposed.index, { term: proposed.term, resolve, reject, timer });
    });
  }

  notControllerError(): HeraldError {
    const leaderId = this.controllerId();
    if (leaderId === 0) return new HeraldError('NoLeader', 'the cluster has no controller yet; retry shortly', { 'herald-retry-after-ms': '200' });
    const addr = this.addressOf(leaderId);
    return new HeraldError('NotLeader', `this node is not the controller; send to node ${leaderId} at ${addr}`, {
      'herald-leader-id': String(leaderId),
      'herald-leader-addr': addr,
    });
  }

  /**
   * Whether this node's copy of the metadata may say that a topic does not exist: as controller,
   * when it is up to date (isUpToDateController); elsewhere, when it knows a controller, is not
   * repairing its meta log, and has applied everything a controller told it was committed. A
   * node that cannot tell (no controller yet, just restarted, wiped and repairing, or behind)
   * must answer retryably instead (unknownTopicError).
   */
  isCurrent(): boolean {
    const raft = this.group.raft;
    const status = raft.status();
    if (status.role === Role.Leader) return this.isUpToDateController();
    return status.leaderId !== 0 && !raft.isRepairing() && status.appliedIndex >= raft.knownCommitIndex();
  }

  /** The refusal for a topic this node's metadata does not hold: TopicNotFound only when the
   *  metadata is current (isCurrent), else NoLeader, which clients retry. */
  unknownTopicError(topic: string): HeraldError {
    if (this.isCurrent()) return new HeraldError('TopicNotFound', `topic "${topic}" does not exist`);
    const why = this.group.raft.isRepairing() ? 'is repairing its copy of the cluster metadata' : this.controllerId() === 0 ? 'knows no controller yet' : 'has not yet applied the latest cluster metadata';
    return new HeraldError('NoLeader', `this node ${why}, so it cannot tell whether topic "${topic}" exists; retry shortly`, { 'herald-retry-after-ms': '200' });
  }

  isController(): boolean {
    return this.group.raft.status().role === Role.Leader;
  }

  /** Whether this node is the controller and its state holds every committed change: it has
   *  committed an entry of its own term (so nothing an earlier leader committed is missing)
   *  and applied everything committed. Only then may it answer from its state as the truth. */
  isUpToDateController(): boolean {
    const raft = this.group.raft;
    const status = raft.status();
    if (status.role !== Role.Leader || status.appliedIndex < status.commitIndex) return false;
    const committedTerm = raft.entry(status.commitIndex)?.term ?? raft.snapshot().meta.term;
    return committedTerm === status.term;
  }
}
