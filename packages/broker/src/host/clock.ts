/** A timer started by a Clock; cancel() is idempotent. */
export interface Timer {
  cancel(): void;
}

/**
 * Where the broker's time comes from: the wall clock for timestamps and lease deadlines, and
 * timers for timeouts and periodic work. Injected into the host, the partitions, the queue
 * leaders, the meta group and the group coordinator, so that their unit tests run on a
 * controlled clock (test/support/fake-clock.ts) instead of sleeping.
 */
export interface Clock {
  /** Epoch milliseconds: the system clock, but never stepping (steadyWallClock). */
  now(): number;
  /** Runs `fn` once after `ms`. The timer does not keep the process alive. */
  setTimeout(fn: () => void, ms: number): Timer;
  /** Runs `fn` every `ms`. The timer does not keep the process alive. */
  setInterval(fn: () => void, ms: number): Timer;
}

/** How fast the broker's clock may close a gap to the system clock: 1 % of the time elapsed
 *  (10 ms a second), twenty times what NTP daemons slew (ntpd and chrony: at most 500 ppm). */
export const CLOCK_SLEW_MAX = 0.01;

/**
 * A wall clock that never steps: it runs on the monotonic clock, and follows the system clock's
 * changes at most CLOCK_SLEW_MAX faster or slower than real time, so it never runs backwards
 * either. An NTP daemon's slewing is followed exactly; a step of the system clock (a clock set
 * by hand, a VM restored from a snapshot, the chaos harness's clock-jump) is not taken at once,
 * only worked off gradually. The broker stamps queue leases and nack delays with this clock
 * (QueueLease `nowMs`, `untilMs`): a leader whose system clock jumped 8 minutes ahead would
 * otherwise park every record it nacked for 8 minutes once the clock came back, and a lease
 * deadline from a clock that jumped back would outlive the ack timeout by the jump. Ticks and
 * timers use the monotonic clock already. `wall` and `monotonic` are the sources (tests pass
 * their own); both in milliseconds.
 */
export function steadyWallClock(wall: () => number = Date.now, monotonic: () => number = () => performance.now()): () => number {
  let lastMonotonic = monotonic();
  let last = wall();
  return () => {
    const at = monotonic();
    const elapsed = Math.max(0, at - lastMonotonic);
    lastMonotonic = at;
    const predicted = last + elapsed;
    const most = elapsed * CLOCK_SLEW_MAX;
    last = predicted + Math.min(most, Math.max(-most, wall() - predicted));
    return Math.floor(last);
  };
}

/** The real clock: steadyWallClock() for the time, Node's timers for timeouts. */
export const systemClock: Clock = {
  now: steadyWallClock(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  },
  setInterval(fn, ms) {
    const handle = setInterval(fn, ms);
    handle.unref?.();
    return { cancel: () => clearInterval(handle) };
  },
};

/** Resolves after `ms` on `clock`, or at once when `signal` aborts. */
export function delay(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted === true) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      timer.cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, ms);
    signal?.addEventListener('abort', done);
  });
}

/**
 * A one-shot timer for work that falls due at known times (a transaction's timeout, a half
 * message's check-back, a member's session timeout): armed for the earliest time asked, moved
 * nearer when a nearer one is asked, and not armed at all while nothing is due. It replaces a
 * fixed poll, which woke an idle node several times a second for nothing (issue #17). `fire`
 * runs once per arming; it asks again (at()) for the next time it finds due.
 */
export class Alarm {
  private timer: Timer | undefined;
  /** When the armed timer goes off (clock.now() milliseconds); Infinity when not armed. */
  private dueMs = Number.POSITIVE_INFINITY;
  private cancelled = false;

  constructor(
    private readonly clock: Clock,
    private readonly fire: () => void,
  ) {}

  /** When the alarm goes off next (clock.now() milliseconds), or Infinity when it is not armed. */
  get due(): number {
    return this.dueMs;
  }

  /** Makes the alarm go off at `atMs` (clock.now() milliseconds; now if that has passed) unless
   *  it is armed for that time or earlier already. Nothing after cancel(). */
  at(atMs: number): void {
    if (this.cancelled || atMs >= this.dueMs) return;
    this.timer?.cancel();
    this.dueMs = atMs;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.dueMs = Number.POSITIVE_INFINITY;
      this.fire();
    }, Math.max(0, atMs - this.clock.now()));
  }

  /** Disarms the alarm for good. */
  cancel(): void {
    this.cancelled = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.dueMs = Number.POSITIVE_INFINITY;
  }
}

/**
 * A sweep over many sources of work that falls due at known times (the half messages of every
 * partition led here, its queue subscriptions): it runs when the earliest source is due, and
 * never sooner than `gapMs` after its last run, which bounds the rate at which work overdue
 * (a check that failed, a proposal still committing) is retried. `sweep` does what is due at
 * `nowMs` and answers when the next work is due (Infinity: none; the sweep sleeps until a
 * source says otherwise with due()).
 */
export class DueSweep {
  private readonly alarm: Alarm;
  private lastMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    private readonly gapMs: number,
    sweep: (nowMs: number) => number,
  ) {
    this.alarm = new Alarm(clock, () => {
      this.lastMs = clock.now();
      this.due(sweep(this.lastMs));
    });
  }

  /** A source has work due at `atMs` (clock.now() milliseconds): the sweep runs by then, or
   *  `gapMs` after its last run if that is later. */
  due(atMs: number): void {
    this.alarm.at(Math.max(atMs, this.lastMs + this.gapMs));
  }

  /** Stops the sweep for good. */
  cancel(): void {
    this.alarm.cancel();
  }
}
