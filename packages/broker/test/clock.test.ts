// The broker's wall clock never steps: it follows the system clock's slewing exactly, works a
// step of the system clock off at 1 % of the time elapsed, and never runs backwards. Method:
// scripted system and monotonic clocks.
import { describe, expect, it } from 'vitest';
import { Alarm, CLOCK_SLEW_MAX, DueSweep, steadyWallClock } from '../src/host/clock.js';
import { FakeClock } from './support/fake-clock.js';

function clocks(start: number) {
  let wall = start;
  let monotonic = 1_000;
  const now = steadyWallClock(
    () => wall,
    () => monotonic,
  );
  return {
    now,
    /** Real time passes: both clocks move. */
    pass(ms: number) {
      wall += ms;
      monotonic += ms;
    },
    /** The system clock steps (the monotonic one does not). */
    step(ms: number) {
      wall += ms;
    },
  };
}

describe('steadyWallClock', () => {
  it('reads the system clock while it runs true', () => {
    const c = clocks(1_800_000_000_000);
    expect(c.now()).toBe(1_800_000_000_000);
    c.pass(1_234);
    expect(c.now()).toBe(1_800_000_001_234);
  });

  it('does not take a step forward at once: it works it off at 1 % of the time elapsed', () => {
    const c = clocks(1_800_000_000_000);
    c.now();
    c.step(489_000);
    expect(c.now()).toBe(1_800_000_000_000);
    c.pass(10_000);
    // 10 s passed: 10 s, plus at most 100 ms of the step.
    expect(c.now()).toBe(1_800_000_010_000 + 10_000 * CLOCK_SLEW_MAX);
    // The step taken back (the chaos harness's heal): the clock is only 100 ms ahead, and closes it.
    c.step(-489_000);
    c.pass(10_000);
    expect(c.now()).toBe(1_800_000_020_000);
  });

  it('never runs backwards when the system clock steps back', () => {
    const c = clocks(1_800_000_000_000);
    c.pass(5_000);
    const before = c.now();
    c.step(-435_000);
    let previous = before;
    for (let i = 0; i < 100; i++) {
      c.pass(100);
      const t = c.now();
      expect(t).toBeGreaterThanOrEqual(previous);
      previous = t;
    }
    // 10 s passed at 99 % speed.
    expect(previous).toBe(before + 10_000 * (1 - CLOCK_SLEW_MAX));
  });

  it('follows an NTP slew (500 ppm) exactly', () => {
    const c = clocks(1_800_000_000_000);
    c.now();
    for (let i = 0; i < 60; i++) {
      c.pass(1_000);
      c.step(0.5);
      c.now();
    }
    expect(c.now()).toBe(1_800_000_060_030);
  });
});

describe('Alarm', () => {
  it('goes off at the earliest time asked, once, and moves nearer when a nearer time is asked', () => {
    const clock = new FakeClock();
    const fired: number[] = [];
    const alarm = new Alarm(clock, () => fired.push(clock.now()));
    const start = clock.now();
    alarm.at(start + 1_000);
    alarm.at(start + 5_000); // later than armed: changes nothing
    clock.advance(400);
    alarm.at(start + 600); // nearer: re-armed
    expect(alarm.due).toBe(start + 600);
    clock.advance(10_000);
    expect(fired).toEqual([start + 600]);
    expect(alarm.due).toBe(Number.POSITIVE_INFINITY);
    expect(clock.pending).toBe(0); // not armed again until asked: an idle node sleeps
  });

  it('goes off at once for a time already past, and is re-armed from its own callback', () => {
    const clock = new FakeClock();
    const fired: number[] = [];
    const alarm = new Alarm(clock, () => {
      fired.push(clock.now());
      if (fired.length < 3) alarm.at(clock.now() + 250);
    });
    const start = clock.now();
    alarm.at(start - 50);
    clock.advance(0);
    clock.advance(1_000);
    expect(fired).toEqual([start, start + 250, start + 500]);
  });

  it('does nothing once cancelled', () => {
    const clock = new FakeClock();
    let fired = 0;
    const alarm = new Alarm(clock, () => fired++);
    alarm.at(clock.now() + 100);
    alarm.cancel();
    alarm.at(clock.now() + 10);
    clock.advance(1_000);
    expect(fired).toBe(0);
    expect(clock.pending).toBe(0);
  });
});

describe('DueSweep', () => {
  /** A sweep over items due at given times: it does those due, and answers the next. */
  function sweepOver(clock: FakeClock, gapMs: number) {
    const dueAt = new Set<number>();
    const runs: number[] = [];
    const sweep = new DueSweep(clock, gapMs, (nowMs) => {
      runs.push(nowMs);
      for (const at of dueAt) if (at <= nowMs) dueAt.delete(at);
      return Math.min(...dueAt);
    });
    const add = (at: number) => {
      dueAt.add(at);
      sweep.due(at);
    };
    return { sweep, runs, add };
  }

  it('runs at the earliest due time, runs again for the next, and sleeps when nothing is due', () => {
    const clock = new FakeClock();
    const start = clock.now();
    const { runs, add } = sweepOver(clock, 250);
    add(start + 6_000);
    clock.advance(1_000);
    add(start + 2_000); // nearer than the one armed: the sweep is brought forward
    clock.advance(10_000);
    expect(runs).toEqual([start + 2_000, start + 6_000]);
    expect(clock.pending).toBe(0);
  });

  it('runs no sooner than its gap after the last run, however early the work is due', () => {
    const clock = new FakeClock();
    const start = clock.now();
    const { runs, add } = sweepOver(clock, 250);
    add(start + 100);
    clock.advance(150);
    add(start + 120); // due already: waits for the gap after the run at +100
    clock.advance(1_000);
    expect(runs).toEqual([start + 100, start + 350]);
  });

  it('keeps running every gap while work stays overdue (a check that fails), and stops when cancelled', () => {
    const clock = new FakeClock();
    const start = clock.now();
    const runs: number[] = [];
    const sweep = new DueSweep(clock, 250, (nowMs) => {
      runs.push(nowMs);
      return start; // never done
    });
    sweep.due(start);
    clock.advance(600);
    expect(runs).toEqual([start, start + 250, start + 500]);
    sweep.cancel();
    clock.advance(1_000);
    expect(runs).toHaveLength(3);
  });
});
