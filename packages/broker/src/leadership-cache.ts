import type { Clock } from './host/clock.js';
import type { ReplicaState } from './transport/peer-transport.js';

/** How long the leaders' answers are served before they are asked again. */
export const LEADERSHIP_MAX_AGE_MS = 1_000;

/** How long a first ask (a partition this node knows nothing of) waits for the peers. */
const ASK_TIMEOUT_MS = 300;

/** Where a cache finds replica states: this node's replicas, and its peers'. */
export interface LeadershipSources {
  /** The replicas hosted here, of those asked (what this node alone knows). */
  local(groups: readonly string[]): ReplicaState[];
  /** The peers' replicas (DescribeReplicas); every answer, leaders' and followers'. */
  ask(groups: readonly string[], timeoutMs: number): Promise<ReplicaState[]>;
  readonly clock: Clock;
}

/**
 * The leadership of partitions as a node tells Kafka clients in Metadata, without asking its
 * peers on every request: a Kafka client sends Metadata often (at start, on every
 * NOT_LEADER_OR_FOLLOWER, every metadata.max.age.ms), and a partition it asks about may be led
 * elsewhere, or not hosted here at all. The node's own replicas are read live; the peers'
 * answers are kept and asked again in the background once older than LEADERSHIP_MAX_AGE_MS.
 * Only a partition this node knows nothing of makes a request wait (at most ASK_TIMEOUT_MS).
 * A newer term always wins, so a follower here that saw a new leader's term is believed over
 * an older cached answer.
 */
export class LeadershipCache {
  private readonly known = new Map<string, ReplicaState>();
  private refreshedAtMs = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | null = null;

  constructor(private readonly sources: LeadershipSources) {}

  /** The best known state of each group: the leader's at the highest term known, else what
   *  any replica knows at that term. Groups nobody answered for are missing. */
  async states(groups: readonly string[]): Promise<Map<string, ReplicaState>> {
    const local = new Map(this.sources.local(groups).map((s) => [s.group, s]));
    const elsewhere = groups.filter((id) => local.get(id)?.isLeader !== true);
    if (elsewhere.length > 0) {
      const unknown = elsewhere.some((id) => !local.has(id) && !this.known.has(id));
      const stale = this.sources.clock.now() - this.refreshedAtMs > LEADERSHIP_MAX_AGE_MS;
      if (unknown) await this.refresh(elsewhere);
      else if (stale) void this.refresh(elsewhere);
    }
    const out = new Map<string, ReplicaState>();
    for (const id of groups) {
      const best = newest([local.get(id), this.known.get(id)]);
      if (best !== undefined) out.set(id, best);
    }
    return out;
  }

  private refresh(groups: readonly string[]): Promise<void> {
    this.refreshing ??= this.sources
      .ask(groups, ASK_TIMEOUT_MS)
      .then((answers) => {
        for (const id of groups) {
          const best = newest(answers.filter((s) => s.group === id));
          if (best === undefined) this.known.delete(id);
          else this.known.set(id, best);
        }
        this.refreshedAtMs = this.sources.clock.now();
      })
      .catch(() => undefined)
      .finally(() => (this.refreshing = null));
    return this.refreshing;
  }
}

/** The state at the highest term, a leader's where one answered at that term. */
function newest(states: readonly (ReplicaState | undefined)[]): ReplicaState | undefined {
  let best: ReplicaState | undefined;
  for (const s of states) {
    if (s === undefined) continue;
    if (best === undefined || s.term > best.term || (s.term === best.term && s.isLeader && !best.isLeader)) best = s;
  }
  return best;
}
