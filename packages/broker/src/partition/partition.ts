import { invalidTxnState } from '@herald/protocol';
import type { Clock } from '../host/clock.js';
import type { RaftGroup } from '../host/raft-group.js';
import type { QueueSettings } from '../queue/queue-leader.js';
import { PartitionLeader } from './partition-leader.js';
import { PartitionLog, type EntryOutcome } from './partition-log.js';

export interface PartitionSettings {
  readonly topic: string;
  readonly partition: number;
  readonly minInsyncReplicas: number;
  readonly queue: QueueSettings;
  readonly clock: Clock;
  /** See PartitionLeaderSettings.transactionOf; without it, transactional batches are refused. */
  readonly transactionOf?: (producerId: number, producerEpoch: number) => number;
}

const noTransactions = (producerId: number): number => {
  throw invalidTxnState(`producer ${producerId}: this partition serves no transactions`);
};

/**
 * One partition replica hosted on this node: its Raft group, the partition log that is the
 * group's state machine (replicated state and reads), and the leader's side (produce, trims,
 * queues) that acts while this replica leads.
 */
export class Partition {
  readonly log: PartitionLog;
  readonly leader: PartitionLeader;

  constructor(readonly settings: PartitionSettings) {
    this.log = new PartitionLog(`${settings.topic}/${settings.partition}`);
    this.leader = new PartitionLeader(this.log, { minInsyncReplicas: settings.minInsyncReplicas, queue: settings.queue, clock: settings.clock, transactionOf: settings.transactionOf ?? noTransactions });
  }

  /** "topic/partition", for messages. */
  get name(): string {
    return this.log.name;
  }

  get group(): RaftGroup<EntryOutcome> {
    return this.log.group;
  }
}
