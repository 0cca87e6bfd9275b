/** Topic partitions, as assignments carry them: a topic and ascending partition ids. */
export interface TopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

/** A member as an assignor sees it: what it subscribes to and what it owned before. */
export interface AssignorMember {
  readonly memberId: string;
  readonly topics: readonly string[];
  /** Its assignment in the previous generation (sticky keeps what it can of it). */
  readonly previous: readonly TopicPartitions[];
}

/**
 * Computes a group's assignment: every partition of every subscribed topic goes to exactly one
 * member that subscribes to the topic. Deterministic: the same input gives the same output, on
 * any node (the coordinator computes it once; the result is replicated, not recomputed).
 */
export interface Assignor {
  readonly name: string;
  assign(members: readonly AssignorMember[], partitionCounts: ReadonlyMap<string, number>): Map<string, TopicPartitions[]>;
}

type Owned = Map<string, [string, number][]>;

function byId(a: AssignorMember, b: AssignorMember): number {
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
}

/** Every (topic, partition) some member subscribes to, ordered by topic then partition. */
function subscribedPartitions(members: readonly AssignorMember[], partitionCounts: ReadonlyMap<string, number>): [string, number][] {
  const topics = [...new Set(members.flatMap((m) => m.topics))].filter((t) => partitionCounts.has(t)).sort();
  return topics.flatMap((topic) => Array.from({ length: partitionCounts.get(topic)! }, (_, p): [string, number] => [topic, p]));
}

function toAssignment(members: readonly AssignorMember[], owned: Owned): Map<string, TopicPartitions[]> {
  const out = new Map<string, TopicPartitions[]>();
  for (const member of members) {
    const byTopic = new Map<string, number[]>();
    for (const [topic, partition] of owned.get(member.memberId) ?? []) {
      let list = byTopic.get(topic);
      if (list === undefined) byTopic.set(topic, (list = []));
      list.push(partition);
    }
    out.set(
      member.memberId,
      [...byTopic.keys()].sort().map((topic) => ({ topic, partitions: byTopic.get(topic)!.sort((a, b) => a - b) })),
    );
  }
  return out;
}

/** Kafka's RangeAssignor: per topic, the subscribed members (by id) get contiguous ranges;
 *  the first (partitions mod members) get one partition more. */
export const rangeAssignor: Assignor = {
  name: 'range',
  assign(members, partitionCounts) {
    const owned: Owned = new Map(members.map((m) => [m.memberId, []]));
    const topics = [...new Set(members.flatMap((m) => m.topics))].filter((t) => partitionCounts.has(t)).sort();
    for (const topic of topics) {
      const subscribers = members.filter((m) => m.topics.includes(topic)).sort(byId);
      const count = partitionCounts.get(topic)!;
      const base = Math.floor(count / subscribers.length);
      const extra = count % subscribers.length;
      let next = 0;
      subscribers.forEach((member, i) => {
        const n = base + (i < extra ? 1 : 0);
        for (let p = next; p < next + n; p++) owned.get(member.memberId)!.push([topic, p]);
        next += n;
      });
    }
    return toAssignment(members, owned);
  },
};

/** Kafka's RoundRobinAssignor: every partition of every subscribed topic, in order, dealt to
 *  the members (by id) in turn, skipping members that do not subscribe to its topic. */
export const roundRobinAssignor: Assignor = {
  name: 'roundrobin',
  assign(members, partitionCounts) {
    const sorted = [...members].sort(byId);
    const owned: Owned = new Map(sorted.map((m) => [m.memberId, []]));
    let turn = 0;
    for (const [topic, partition] of subscribedPartitions(sorted, partitionCounts)) {
      for (let tries = 0; tries < sorted.length; tries++) {
        const member = sorted[(turn + tries) % sorted.length]!;
        if (!member.topics.includes(topic)) continue;
        owned.get(member.memberId)!.push([topic, partition]);
        turn = (turn + tries + 1) % sorted.length;
        break;
      }
    }
    return toAssignment(sorted, owned);
  },
};

/**
 * A sticky assignor (after Kafka's StickyAssignor): balanced like round-robin, but a member keeps
 * the partitions it owned in the previous generation as far as balance allows, so a rebalance
 * moves only the partitions that must move (a dead member's, or the excess of an overloaded one).
 *
 * 1. Each member keeps its previous partitions that still exist, that it still subscribes to,
 *    and that no member listed earlier kept (a partition claimed twice goes to one).
 * 2. Quotas: with T partitions and M members, members get ⌊T/M⌋ or ⌈T/M⌉; the larger quotas go
 *    to the members that kept the most. A member above its quota gives back its excess.
 * 3. Every partition left goes to the subscribed member with the fewest partitions (ties: by id).
 */
export const stickyAssignor: Assignor = {
  name: 'sticky',
  assign(members, partitionCounts) {
    const sorted = [...members].sort(byId);
    const all = subscribedPartitions(sorted, partitionCounts);
    const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
    const claimed = new Set<string>();
    const owned: Owned = new Map();
    for (const member of sorted) {
      const kept: [string, number][] = [];
      for (const tp of member.previous) {
        if (!member.topics.includes(tp.topic)) continue;
        const count = partitionCounts.get(tp.topic) ?? 0;
        for (const p of tp.partitions) {
          if (p >= count || claimed.has(key(tp.topic, p))) continue;
          claimed.add(key(tp.topic, p));
          kept.push([tp.topic, p]);
        }
      }
      owned.set(member.memberId, kept);
    }
    if (sorted.length > 0) {
      const base = Math.floor(all.length / sorted.length);
      let extra = all.length % sorted.length;
      const byKept = [...sorted].sort((a, b) => owned.get(b.memberId)!.length - owned.get(a.memberId)!.length || byId(a, b));
      for (const member of byKept) {
        const quota = base + (extra > 0 ? 1 : 0);
        if (extra > 0) extra--;
        const list = owned.get(member.memberId)!;
        for (const [topic, partition] of list.splice(quota)) claimed.delete(key(topic, partition));
      }
    }
    for (const [topic, partition] of all) {
      if (claimed.has(key(topic, partition))) continue;
      let best: AssignorMember | undefined;
      for (const member of sorted) {
        if (!member.topics.includes(topic)) continue;
        if (best === undefined || owned.get(member.memberId)!.length < owned.get(best.memberId)!.length) best = member;
      }
      if (best === undefined) continue;
      owned.get(best.memberId)!.push([topic, partition]);
      claimed.add(key(topic, partition));
    }
    return toAssignment(sorted, owned);
  },
};

const assignors = new Map<string, Assignor>([rangeAssignor, roundRobinAssignor, stickyAssignor].map((a) => [a.name, a]));

/** The assignor registered under `name`, if any. */
export function assignorNamed(name: string): Assignor | undefined {
  return assignors.get(name);
}

/** Names of every registered assignor. */
export function assignorNames(): string[] {
  return [...assignors.keys()];
}

/** Registers an assignment strategy (pluggable: a deployment may add its own). Every node of a
 *  cluster must register the same strategies, since any node may become the coordinator. */
export function registerAssignor(assignor: Assignor): void {
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(assignor.name)) throw new Error(`assignor name "${assignor.name}" must be 1 to 64 of a-z, 0-9, "-"`);
  assignors.set(assignor.name, assignor);
}
