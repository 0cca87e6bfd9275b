import { describe, expect, it } from 'vitest';
import { ReplicationThrottle } from '../src/host/replication-throttle.js';

describe('the replication throttle for learners', () => {
  it('lets through what the rate allows, refills with time, and never bursts past a second of data', () => {
    let now = 0;
    const throttle = new ReplicationThrottle(() => now);
    expect(throttle.take(10_000_000)).toBe(true); // off: anything goes
    throttle.rate = 1_000;
    expect(throttle.take(1)).toBe(false); // the bucket starts empty
    now += 500;
    expect(throttle.take(400)).toBe(true);
    expect(throttle.take(200)).toBe(false);
    now += 10_000; // idle for long: still one second's worth at most
    expect(throttle.take(1_000)).toBe(true);
    expect(throttle.take(1)).toBe(false);
  });

  it('lets an Append larger than a second of data through once the bucket is full, in debt', () => {
    let now = 0;
    const throttle = new ReplicationThrottle(() => now);
    throttle.rate = 1_000;
    now += 1_000;
    expect(throttle.take(5_000)).toBe(true);
    now += 3_000;
    expect(throttle.take(1)).toBe(false); // 4,000 bytes of debt took 4 s to repay
    now += 1_001;
    expect(throttle.take(1)).toBe(true);
    throttle.rate = 0;
    expect(throttle.take(1_000_000)).toBe(true);
  });
});
