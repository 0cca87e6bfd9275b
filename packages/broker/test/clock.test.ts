// The broker's wall clock never steps: it follows the system clock's slewing exactly, works a
// step of the system clock off at 1 % of the time elapsed, and never runs backwards. Method:
// scripted system and monotonic clocks.
import { describe, expect, it } from 'vitest';
import { CLOCK_SLEW_MAX, steadyWallClock } from '../src/host/clock.js';

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
