// Shows that quotas throttle as Kafka's do: the delay is (rate − quota) / quota × window, zero
// within the quota, capped at the window, per principal with User:* as the default; and that a
// client that keeps to its quota is never delayed. Method: a fake clock.

import { describe, expect, it } from 'vitest';
import { QuotaManager, RateMeter, throttleMs, type Principal, type Quota } from '../src/index.js';

function manager(quotas: Record<string, Quota>) {
  const clock = { now: 1_000_000 };
  const quotaManager = new QuotaManager(() => clock.now);
  quotaManager.setQuotas(new Map(Object.entries(quotas)) as Map<Principal, Quota>);
  return { clock, quotas: quotaManager };
}

describe('RateMeter', () => {
  it('measures over at least samples − 1 windows, then over the live samples', () => {
    const meter = new RateMeter({ samples: 11, sampleMs: 1_000 });
    meter.record(10_000, 0);
    expect(meter.measure(0)).toEqual({ perSecond: 1_000, windowMs: 10_000 });
    meter.record(10_000, 10_500);
    expect(meter.measure(10_500)).toEqual({ perSecond: 20_000 / 10.5, windowMs: 10_500 });
    // The first sample falls out of the window at 11 s.
    expect(meter.measure(11_000).perSecond).toBe(1_000);
    expect(meter.isIdle(11_000)).toBe(false);
    expect(meter.isIdle(21_000)).toBe(true);
  });
});

describe('throttleMs', () => {
  it.each([
    [2_000, 1_000, 10_000, 10_000],
    [1_500, 1_000, 10_000, 5_000],
    [1_000, 1_000, 10_000, 0],
    [500, 1_000, 10_000, 0],
    [100_000, 1_000, 10_000, 11_000],
  ])('rate %d over quota %d across %d ms → %d ms', (rate, quota, windowMs, expected) => {
    expect(throttleMs(rate, quota, windowMs, 11_000)).toBe(expected);
  });
});

describe('QuotaManager', () => {
  it('delays a principal over its produce quota by the time that brings it back', () => {
    const { quotas } = manager({ 'User:alice': { produceBytesPerSecond: 1_000 } });
    // 20,000 bytes at once over the minimum window of 10 s: 2,000 B/s, twice the quota.
    expect(quotas.record('User:alice', 'produce', 20_000)).toBe(10_000);
    expect(quotas.rate('User:alice', 'produce')).toBe(2_000);
  });

  it('never delays a producer that keeps under its quota', () => {
    // At exactly the quota a request counted at the start of a sample briefly measures above it
    // (the sample holds it before its time has passed), as in Kafka; 90% never does.
    const { clock, quotas } = manager({ 'User:alice': { produceBytesPerSecond: 1_000 } });
    let delayed = 0;
    for (let i = 0; i < 600; i++) {
      delayed += quotas.record('User:alice', 'produce', 90);
      clock.now += 100; // 900 B/s
    }
    expect(delayed).toBe(0);
  });

  it('slows a producer at twice its quota to its quota once it waits as told', () => {
    const { clock, quotas } = manager({ 'User:alice': { produceBytesPerSecond: 1_000 } });
    const start = clock.now;
    let bytes = 0;
    for (let i = 0; i < 200; i++) {
      const delay = quotas.record('User:alice', 'produce', 200);
      bytes += 200;
      clock.now += 100 + delay; // sends 2,000 B/s when not held back
    }
    const rate = (bytes * 1000) / (clock.now - start);
    expect(rate).toBeGreaterThan(900);
    expect(rate).toBeLessThan(1_100);
  });

  it('takes each kind from the principal, else from User:*, else no limit', () => {
    const { quotas } = manager({ 'User:*': { fetchBytesPerSecond: 100, requestsPerSecond: 5 }, 'User:alice': { fetchBytesPerSecond: 1_000_000 } });
    expect(quotas.limit('User:alice', 'fetch')).toBe(1_000_000);
    expect(quotas.limit('User:alice', 'request')).toBe(5);
    expect(quotas.limit('User:bob', 'fetch')).toBe(100);
    expect(quotas.limit('User:bob', 'produce')).toBeUndefined();
    expect(quotas.record('User:bob', 'produce', 1e9)).toBe(0);
    expect(quotas.record('User:alice', 'fetch', 2_000)).toBe(0);
    expect(quotas.record('User:bob', 'fetch', 2_000)).toBeGreaterThan(0);
    // 5 requests/s over 10 s is 50 requests before any delay.
    const delays = Array.from({ length: 51 }, () => quotas.record('User:carol', 'request', 1));
    expect(delays.slice(0, 50).every((d) => d === 0)).toBe(true);
    expect(delays[50]).toBeGreaterThan(0);
  });

  it('forgets meters of idle principals and of principals without a quota any more', () => {
    const { clock, quotas } = manager({ 'User:*': { requestsPerSecond: 5 } });
    quotas.record('User:a', 'request', 1);
    quotas.record('User:b', 'request', 1);
    expect(quotas.prune()).toBe(2);
    clock.now += 11_000;
    quotas.record('User:b', 'request', 1);
    expect(quotas.prune()).toBe(1);
    quotas.setQuotas(new Map());
    expect(quotas.prune()).toBe(0);
    expect(quotas.rate('User:b', 'request')).toBe(0);
  });

  it('refuses quotas that are not positive numbers', () => {
    const { quotas } = manager({});
    expect(() => quotas.setQuotas(new Map([['User:a', { produceBytesPerSecond: 0 }]]))).toThrow(/quotas\[User:a\].produceBytesPerSecond: must be a positive number/);
    expect(() => quotas.setQuotas(new Map([['User:a', { requestsPerSecond: Number.NaN }]]))).toThrow(/requestsPerSecond/);
  });
});
