import { Role, type RaftEvent } from '@herald/raft';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { EVENT_LINES_PER_TURN_MAX, RaftEventLog } from '../src/raft-event-log.js';

interface Line {
  level: number;
  msg: string;
  [key: string]: unknown;
}

function capture(): { log: RaftEventLog; lines: Line[] } {
  const lines: Line[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Line) });
  return { log: new RaftEventLog(logger), lines };
}

const leader = (term: number): RaftEvent => ({ type: 'RoleChanged', role: Role.Leader, term, leaderId: 1 });

describe('RaftEventLog', () => {
  it('logs a few changes of a turn one line each, at the end of the turn', () => {
    const { log, lines } = capture();
    log.add('orders/0', [leader(3), { type: 'IsrShrunk', nodeId: 2, isr: [1, 3] }, { type: 'ElectionStarted', term: 3, pre: false }]);
    log.add('orders/1', [{ type: 'IsrExpanded', nodeId: 2, isr: [1, 2, 3] }]);
    expect(lines).toEqual([]);
    log.flush();
    expect(lines.map(({ level, msg, group }) => ({ level, msg, group }))).toEqual([
      { level: 30, msg: 'role changed', group: 'orders/0' },
      { level: 40, msg: 'ISR shrank', group: 'orders/0' },
      { level: 30, msg: 'ISR expanded', group: 'orders/1' },
    ]);
    expect(lines[0]).toMatchObject({ role: 'leader', term: 3, leader: 1 });
    expect(lines[1]).toMatchObject({ follower: 2, isr: [1, 3] });
    log.flush();
    expect(lines).toHaveLength(3);
  });

  it('logs many changes of one kind in a turn as one line listing them all', () => {
    const { log, lines } = capture();
    const groups = Array.from({ length: EVENT_LINES_PER_TURN_MAX + 1 }, (_, i) => `t/${i}`);
    for (const group of groups) log.add(group, [{ type: 'RoleChanged', role: Role.Follower, term: 4, leaderId: 0 }, { type: 'IsrShrunk', nodeId: 3, isr: [1, 2] }]);
    log.add('u/0', [{ type: 'IsrExpanded', nodeId: 3, isr: [1, 2, 3] }]);
    log.flush();
    expect(lines.map((l) => l.msg)).toEqual(['roles changed', 'ISR shrank', 'ISR expanded']);
    expect(lines[0]).toMatchObject({ changes: groups.length, roles: groups.map((g) => [g, 'follower', 4, 0]) });
    expect(lines[1]).toMatchObject({ level: 40, count: groups.length, changes: groups.map((g) => [g, 3, [1, 2]]) });
    expect(lines[2]).toMatchObject({ group: 'u/0', follower: 3 });
  });
});
