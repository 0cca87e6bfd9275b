// Shared subscriptions ($share/<group>/<filter>, MQTT 5 §4.8.2) served by Herald queue
// subscriptions: each Herald topic the filter reads gets a queue subscription named after the
// group and the filter, and every node with members of the group runs one queue consumer of it.
// The queue leases each record to one consumer, so each message goes to one member in the whole
// cluster; a record whose topic the filter does not match is acked at once. A member that goes
// away gives its unacknowledged messages back (nack): the queue delivers them to another member,
// flagged DUP. Delivery to a shared subscriber is at most QoS 1 (granted as such in SUBACK): the
// queue's at-least-once redelivery cannot fence a second QoS 2 delivery to another member.

import { createHash } from 'node:crypto';
import type { QueueConsumer, QueueMessage } from '@herald/client';
import type { Logger } from 'pino';
import type { ClusterAccess } from './cluster.js';
import { recordMessage, type Qos } from './message.js';
import type { Session } from './session.js';
import { topicMatches } from './topics.js';

/** The queue subscription name of a share group and filter: both may hold any character, so the
 *  group is kept when it is a valid name and the filter enters as a hash. */
export function queueSubscriptionName(group: string, filter: string): string {
  const hash = createHash('sha256').update(`${group}\u0000${filter}`).digest('hex').slice(0, 16);
  const readable = /^[a-zA-Z0-9._-]{1,100}$/.test(group) ? `${group}.` : '';
  return `mqtt-share.${readable}${hash}`;
}

interface Member {
  readonly session: Session;
  readonly qos: Qos;
  readonly subscriptionId: number | undefined;
}

/** One shared subscription on this node: its members here and its queue consumers. */
class SharedGroup {
  readonly members: Member[] = [];
  private readonly consumers: QueueConsumer[] = [];
  private next = 0;
  /** Messages no member had room for, oldest first (bounded by the consumers' maxInFlight). */
  private readonly waiting: QueueMessage[] = [];

  constructor(
    readonly group: string,
    readonly filter: string,
    topics: readonly string[],
    access: ClusterAccess,
    nodeId: number,
    inflightMax: number,
    private readonly log: Logger,
  ) {
    for (const topic of topics) {
      const consumer = access.queueConsumer({ topic, subscription: queueSubscriptionName(group, filter), memberId: `mqtt-node-${nodeId}`, from: 'latest', maxInFlight: inflightMax });
      this.consumers.push(consumer);
      void this.run(consumer);
    }
  }

  private async run(consumer: QueueConsumer): Promise<void> {
    try {
      for await (const queued of consumer) {
        const message = recordMessage(queued);
        if (message === undefined || !topicMatches(this.filter, message.topic)) {
          void queued.ack().catch(() => {});
          continue;
        }
        this.waiting.push(queued);
        this.dispatch();
      }
    } catch (err) {
      this.log.warn({ err, group: this.group, filter: this.filter }, 'shared subscription consumer stopped');
    }
  }

  /** Hands waiting messages to members with room, round robin. */
  dispatch(): void {
    while (this.waiting.length > 0 && this.members.length > 0) {
      const queued = this.waiting[0]!;
      const message = recordMessage(queued)!;
      let taken = false;
      for (let i = 0; i < this.members.length && !taken; i++) {
        const member = this.members[(this.next + i) % this.members.length]!;
        const qos = Math.min(message.qos, member.qos) as Qos;
        taken = member.session.offerShared(message, qos, queued, member.subscriptionId === undefined ? [] : [member.subscriptionId]);
        if (taken) this.next = (this.next + i + 1) % this.members.length;
      }
      if (!taken) return;
      this.waiting.shift();
    }
  }

  async close(): Promise<void> {
    for (const queued of this.waiting.splice(0)) void queued.nack().catch(() => {});
    await Promise.allSettled(this.consumers.map((c) => c.close()));
  }
}

/** Every shared subscription with members on this node. */
export class SharedSubscriptions {
  private readonly groups = new Map<string, SharedGroup>();

  constructor(
    private readonly access: ClusterAccess,
    private readonly inflightMax: number,
    private readonly log: Logger,
  ) {}

  /** Adds a member (or updates its QoS); `topics` are the Herald topics the filter reads. */
  join(session: Session, group: string, filter: string, qos: Qos, subscriptionId: number | undefined, topics: readonly string[]): void {
    const key = `${group}\u0000${filter}`;
    let shared = this.groups.get(key);
    if (shared === undefined) {
      shared = new SharedGroup(group, filter, topics, this.access, this.access.node.nodeId, this.inflightMax, this.log);
      this.groups.set(key, shared);
    }
    const at = shared.members.findIndex((m) => m.session === session);
    const member = { session, qos, subscriptionId };
    if (at >= 0) shared.members[at] = member;
    else shared.members.push(member);
    shared.dispatch();
  }

  /** Removes a member; the group's consumers stop once it has none here. */
  leave(session: Session, group: string, filter: string): void {
    const key = `${group}\u0000${filter}`;
    const shared = this.groups.get(key);
    if (shared === undefined) return;
    const at = shared.members.findIndex((m) => m.session === session);
    if (at >= 0) shared.members.splice(at, 1);
    if (shared.members.length > 0) return;
    this.groups.delete(key);
    void shared.close();
  }

  /** A member has room again: hand it what waits. */
  wake(session: Session): void {
    for (const shared of this.groups.values()) if (shared.members.some((m) => m.session === session)) shared.dispatch();
  }

  async close(): Promise<void> {
    const groups = [...this.groups.values()];
    this.groups.clear();
    await Promise.allSettled(groups.map((g) => g.close()));
  }
}
