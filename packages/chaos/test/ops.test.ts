import { describe, expect, it } from 'vitest';
import { check } from '../src/checker.js';
import { OpsStep, parseOpsSteps, renderStepTable, stepFigures, type StepRun } from '../src/ops.js';
import { HistoryBuilder } from './support/history-builder.js';

describe('parseOpsSteps', () => {
  // Shows that steps always come back in the order they run, whatever order they were named in,
  // and that `all` names every step.
  it('puts the steps in their running order', () => {
    expect(parseOpsSteps('roll, grow,upgrade')).toEqual([OpsStep.Upgrade, OpsStep.Grow, OpsStep.Roll]);
    expect(parseOpsSteps('all')).toEqual(['upgrade', 'grow', 'rebalance', 'decommission', 'roll']);
  });

  it.each([
    { list: '', error: /at least one step/ },
    { list: 'grow,shrink', error: /unknown step "shrink"/ },
    { list: 'roll,roll', error: /twice/ },
    { list: 'all,roll', error: /unknown step "all"/ },
  ])('refuses $list', ({ list, error }) => {
    expect(() => parseOpsSteps(list)).toThrow(error);
  });
});

describe('stepFigures', () => {
  // Shows that each step gets the checker's unavailability of its window and the sends that
  // completed within it, by outcome. Method: a grow step from 100 to 400 ms during which one send
  // of partition 0 waits from 150 to 900 ms and another fails, and a roll step from 2,000 to
  // 2,500 ms with one quick send; partition 1 acknowledges throughout.
  it('measures each step on the history', () => {
    const h = new HistoryBuilder()
      .send('p1', 0, 'p1-0', { type: 'ok', offset: 0 }, { invokeAt: 0, doneAt: 50 })
      .send('p2', 1, 'p2-0', { type: 'ok', offset: 0 }, { invokeAt: 60, doneAt: 70 })
      .fault(OpsStep.Grow, 'start', 100, 'nodes 4,5')
      .send('p1', 0, 'p1-1', { type: 'ok', offset: 1 }, { invokeAt: 150, doneAt: 900 })
      .send('p3', 0, 'p3-0', { type: 'fail' }, { invokeAt: 200, doneAt: 300 })
      .send('p2', 1, 'p2-1', { type: 'ok', offset: 1 }, { invokeAt: 310, doneAt: 320 })
      .fault(OpsStep.Grow, 'end', 400, 'nodes 4,5')
      .fault(OpsStep.Roll, 'start', 2_000, 'nodes 2,3')
      .send('p1', 0, 'p1-2', { type: 'ok', offset: 2 }, { invokeAt: 2_010, doneAt: 2_040 })
      .send('p2', 1, 'p2-2', { type: 'ok', offset: 2 }, { invokeAt: 2_050, doneAt: 2_060 })
      .fault(OpsStep.Roll, 'end', 2_500, 'nodes 2,3')
      .pollRun('final', 0, ['p1-0', 'p1-1', 'p1-2'], 0, { reset: true })
      .pollRun('final', 1, ['p2-0', 'p2-1', 'p2-2'], 0, { final: true });
    const runs: StepRun[] = [
      { step: OpsStep.Grow, target: 'nodes 4,5', startMs: 100, endMs: 400, note: 'added', ok: true },
      { step: OpsStep.Roll, target: 'nodes 2,3', startMs: 2_000, endMs: 2_500, note: 'rolled', ok: true },
    ];
    const figures = stepFigures(runs, check(h.events), h.events);
    expect(figures.map((f) => f.sends)).toEqual([
      { ok: 1, failed: 1, unknown: 0 },
      { ok: 2, failed: 0, unknown: 0 },
    ]);
    // Partition 0's first acknowledgement after the grow began came at 900 ms.
    expect(figures[0]!.unavailableMs).toBe(800);
    expect(figures[0]!.longestGapMs).toBe(1_740); // partition 1: from 320 to 2,060 ms
    expect(figures[1]!.unavailableMs).toBe(60);

    const table = renderStepTable(figures, [{ step: OpsStep.Upgrade, reason: 'no release build' }]);
    expect(table.split('\n')[0]).toMatch(/^step\s+target\s+took\s+first ack after start\s+longest gap\s+sends ok\s+failed\s+unknown\s+result$/);
    expect(table).toMatch(/^grow\s+nodes 4,5\s+0\.3 s\s+800 ms\s+1740 ms\s+1\s+1\s+0\s+ok$/m);
    expect(table).toContain('upgrade skipped: no release build');
  });
});
