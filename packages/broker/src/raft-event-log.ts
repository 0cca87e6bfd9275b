import type { NodeId, RaftEvent } from '@herald/raft';
import type { Logger } from 'pino';

/** More lines than this of one kind in one host turn are logged as one line (RaftEventLog). */
export const EVENT_LINES_PER_TURN_MAX = 10;

/** A role change as one line of a 'roles changed' summary: group, role, term, leader (0: none). */
export type RoleChange = readonly [group: string, role: string, term: number, leaderId: NodeId];

/** An ISR change as one line of an 'ISR shrank' or 'ISR expanded' summary. */
export type IsrChange = readonly [group: string, follower: NodeId, isr: readonly NodeId[]];

/**
 * The log lines of the raft events of one host turn: role changes and ISR changes. A few are
 * logged one line each ('role changed', 'ISR shrank', 'ISR expanded'), as an operator reads them;
 * more than EVENT_LINES_PER_TURN_MAX of a kind in one turn become one line listing them all
 * ('roles changed' with `roles`, 'ISR shrank' or 'ISR expanded' with `changes`).
 *
 * Why: when a node that led thousands of partitions dies, each survivor's verdict turn has a role
 * change and an ISR shrink per group, and its elections a role change per group per phase. One
 * line each was a synchronous write each (pino's default destination), and the verdict turn of
 * a survivor with 10,000 partitions took a second, most of it writing 6,700 lines
 * (test/bench/scale.ts, docs/benchmarks.md); every group of the node waited for it.
 */
export class RaftEventLog {
  private roles: RoleChange[] = [];
  private shrunk: IsrChange[] = [];
  private expanded: IsrChange[] = [];

  constructor(private readonly logger: Logger) {}

  /** Notes the events of one group's Ready (`group` as operators name it, e.g. "orders/3"). */
  add(group: string, events: readonly RaftEvent[]): void {
    for (const e of events) {
      if (e.type === 'RoleChanged') this.roles.push([group, e.role, e.term, e.leaderId]);
      else if (e.type === 'IsrShrunk') this.shrunk.push([group, e.nodeId, e.isr]);
      else if (e.type === 'IsrExpanded') this.expanded.push([group, e.nodeId, e.isr]);
    }
  }

  /** Logs what the turn noted (at its end) and forgets it. */
  flush(): void {
    if (this.roles.length > EVENT_LINES_PER_TURN_MAX) {
      this.logger.info({ changes: this.roles.length, roles: this.roles }, 'roles changed');
    } else {
      for (const [group, role, term, leader] of this.roles) this.logger.info({ group, role, term, leader }, 'role changed');
    }
    this.logIsr(this.shrunk, 'warn', 'ISR shrank');
    this.logIsr(this.expanded, 'info', 'ISR expanded');
    if (this.roles.length > 0) this.roles = [];
    if (this.shrunk.length > 0) this.shrunk = [];
    if (this.expanded.length > 0) this.expanded = [];
  }

  private logIsr(changes: readonly IsrChange[], level: 'info' | 'warn', msg: string): void {
    if (changes.length > EVENT_LINES_PER_TURN_MAX) {
      this.logger[level]({ count: changes.length, changes }, msg);
      return;
    }
    for (const [group, follower, isr] of changes) this.logger[level]({ group, follower, isr }, msg);
  }
}
