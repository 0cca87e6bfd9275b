import { noLeader, topicNotFound, type HeraldError } from '@herald/protocol';
import { assert, type Entry, type NodeId, type Snapshot } from '@herald/raft';
import type { GroupStateMachine, RaftGroup } from '../host/raft-group.js';
import { decodeCommand, encodeCommand, EntryKind } from '../store-format.js';
import { metaCommandSchema } from './meta-commands.js';
import { changesNodes, changesTopics, MetaState, type MetaCommand, type MetaOutcome } from './meta-state.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Applied entries between two snapshots of the meta state. Consumer-group commits make the
 *  meta log grow steadily; a snapshot bounds it (and what a restarted node replays). */
export const META_COMPACT_ENTRIES = 5_000;

/** What the meta group's Raft group is called in messages to clients. */
export const META_GROUP_LABEL = 'the cluster metadata (the controller)';

/**
 * The meta group's state machine: cluster metadata replicated on every voter. Its leader is the
 * controller; admin requests are proposed there and answered once applied.
 */
export class MetaGroup implements GroupStateMachine<MetaOutcome> {
  private stateValue = new MetaState();
  private groupValue: RaftGroup<MetaOutcome> | undefined;
  private readonly listeners = new Set<() => void>();
  private watchedChanged = false;
  private appliedSinceSnapshot = 0;

  constructor(private readonly compactEntries = META_COMPACT_ENTRIES) {}

  /** The replicated metadata (read only outside this class; replaced on a snapshot restore). */
  get state(): MetaState {
    return this.stateValue;
  }

  get group(): RaftGroup<MetaOutcome> {
    assert(this.groupValue !== undefined, 'the meta group is read once it is open');
    return this.groupValue;
  }

  set group(group: RaftGroup<MetaOutcome>) {
    assert(this.groupValue === undefined, 'the meta state machine belongs to one group');
    this.groupValue = group;
  }

  /** Called after every turn that changed topics or the cluster's nodes (and after a restore):
   *  nodes reconcile their partitions and peers, the coordinator rebalances groups whose topics
   *  changed. */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** Calls `listener` after every turn that applied a meta entry here or changed this node's
   *  role in the meta group (RaftGroup.watch): the coordinators sleep until then, or until work
   *  of theirs is due, instead of polling. Returns the way to stop. */
  watch(listener: () => void): () => void {
    return this.group.watch(listener);
  }

  apply(entry: Entry): MetaOutcome {
    const command = decodeCommand(entry.data, EntryKind.MetaCommand, metaCommandSchema, 'meta');
    const outcome = this.stateValue.apply(command);
    this.watchedChanged ||= outcome.ok && (changesTopics(command) || changesNodes(command));
    this.appliedSinceSnapshot++;
    return outcome;
  }

  restore(snapshot: Snapshot): void {
    this.stateValue = MetaState.fromJSON(JSON.parse(decoder.decode(snapshot.data)));
    this.appliedSinceSnapshot = 0;
    this.watchedChanged = true;
  }

  afterTurn(): void {
    if (this.appliedSinceSnapshot >= this.compactEntries) {
      // The state is the state at raft's applied index: raft has applied, and so have we.
      this.group.compact(this.group.status().appliedIndex, encoder.encode(JSON.stringify(this.stateValue.toJSON())));
      this.appliedSinceSnapshot = 0;
    }
    if (!this.watchedChanged) return;
    this.watchedChanged = false;
    for (const listener of this.listeners) listener();
  }

  /** Proposes a command at the controller and resolves with its outcome once applied. */
  propose(command: MetaCommand, timeoutMs: number): Promise<MetaOutcome> {
    return this.group.proposeApplied(encodeCommand(EntryKind.MetaCommand, command), timeoutMs, 'the metadata change');
  }

  /** The controller this node knows (0: none). */
  controllerId(): NodeId {
    return this.group.leaderId();
  }

  isController(): boolean {
    return this.group.isLeader();
  }

  /** Whether this node is the controller and its state holds every committed change (see
   *  RaftGroup.isCurrentLeader). Only then may it answer from its state as the truth. */
  isUpToDateController(): boolean {
    return this.group.isCurrentLeader();
  }

  /** NotLeader naming the controller, or NoLeader when there is none. */
  notControllerError(): HeraldError {
    return this.group.notLeaderError();
  }

  /**
   * Whether this node's copy of the metadata may say that a topic does not exist: as controller,
   * when it is up to date; elsewhere, when it knows a controller, is not repairing its meta log,
   * and has applied everything a controller told it was committed. A node that cannot tell (no
   * controller yet, just restarted, wiped and repairing, or behind) must answer retryably
   * instead (unknownTopicError).
   */
  isCurrent(): boolean {
    return this.group.isLeader() ? this.group.isCurrentLeader() : this.group.isCaughtUpFollower();
  }

  /** The refusal for a topic this node's metadata does not hold: TopicNotFound only when the
   *  metadata is current (isCurrent), else NoLeader, which clients retry. */
  unknownTopicError(topic: string): HeraldError {
    if (this.isCurrent()) return topicNotFound(topic);
    const why = this.group.isRepairing() ? 'is repairing its copy of the cluster metadata' : this.controllerId() === 0 ? 'knows no controller yet' : 'has not yet applied the latest cluster metadata';
    return noLeader('this node', 200, `${why}, so it cannot tell whether topic ${JSON.stringify(topic)} exists`);
  }
}
