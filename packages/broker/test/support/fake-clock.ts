import type { Clock, Timer } from '../../src/host/clock.js';

interface Scheduled {
  at: number;
  readonly seq: number;
  readonly fn: () => void;
  readonly everyMs: number | null;
  cancelled: boolean;
}

/**
 * A Clock that moves only when a test says so: advance() runs every timer that falls due, in
 * time order, at its own time. Unit tests of the host, partitions, queues and the group
 * coordinator run on it instead of sleeping.
 */
export class FakeClock implements Clock {
  private nowMs: number;
  private seq = 0;
  private readonly timers: Scheduled[] = [];

  constructor(startMs = 1_700_000_000_000) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    return this.add(fn, ms, null);
  }

  setInterval(fn: () => void, ms: number): Timer {
    return this.add(fn, ms, Math.max(1, ms));
  }

  /** Timers not yet run or cancelled. */
  get pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Moves time forward by `ms`, running each timer that falls due at its time. */
  advance(ms: number): void {
    const end = this.nowMs + ms;
    for (;;) {
      const next = this.timers.filter((t) => !t.cancelled && t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (next === undefined) break;
      this.nowMs = Math.max(this.nowMs, next.at);
      if (next.everyMs === null) {
        next.cancelled = true;
      } else {
        next.at += next.everyMs;
      }
      next.fn();
    }
    this.nowMs = end;
    for (let i = this.timers.length - 1; i >= 0; i--) if (this.timers[i]!.cancelled) this.timers.splice(i, 1);
  }

  /** Moves time forward by `ms` as a process that stalled that long sees it (a GC pause, a
   *  starved CPU): no timer runs during the stall, and each one due runs once, late, after it
   *  (an interval then goes on from now, as Node's timers do). */
  stall(ms: number): void {
    this.nowMs += ms;
    const due = this.timers.filter((t) => !t.cancelled && t.at <= this.nowMs).sort((a, b) => a.at - b.at || a.seq - b.seq);
    for (const timer of due) {
      if (timer.cancelled) continue;
      if (timer.everyMs === null) timer.cancelled = true;
      else timer.at = this.nowMs + timer.everyMs;
      timer.fn();
    }
  }

  /** Moves time forward in `stepMs` steps, letting the event loop run between steps (so that
   *  I/O and promises started by the timers make progress; `yield` says how, one turn of the
   *  loop by default), until `done()` or `maxMs` passed. Returns whether `done()` held. */
  async advanceUntil(done: () => boolean, options: { stepMs: number; maxMs: number; yield?: () => Promise<unknown> }): Promise<boolean> {
    const pause = options.yield ?? (() => new Promise((resolve) => setImmediate(resolve)));
    for (let elapsed = 0; elapsed <= options.maxMs; elapsed += options.stepMs) {
      if (done()) return true;
      this.advance(options.stepMs);
      await pause();
    }
    return done();
  }

  private add(fn: () => void, ms: number, everyMs: number | null): Timer {
    const timer: Scheduled = { at: this.nowMs + Math.max(0, ms), seq: this.seq++, fn, everyMs, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }
}
