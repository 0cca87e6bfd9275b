// Quotas per principal, enforced Kafka's way (KIP-13, KIP-124, KIP-219): each request is counted
// against a rate measured over a window of samples, and a principal over its quota is not
// refused but slowed: its answer is held back by the time that brings the measured rate back to
// the quota. Pure: time comes from an injected clock; the broker applies the delays.

import { invalidArgument } from '@herald/protocol';
import { ANY_USER, type Principal } from './principal.js';

/** What is measured: bytes produced, bytes fetched, requests. */
export const QuotaKind = { Produce: 'produce', Fetch: 'fetch', Request: 'request' } as const;
export type QuotaKind = (typeof QuotaKind)[keyof typeof QuotaKind];

/** A principal's quotas, per second; an absent field is no limit. Kafka's producer_byte_rate,
 *  consumer_byte_rate and (as a rate rather than Kafka's request time share) request_percentage. */
export interface Quota {
  readonly produceBytesPerSecond?: number;
  readonly fetchBytesPerSecond?: number;
  readonly requestsPerSecond?: number;
}

const FIELD_OF: Record<QuotaKind, keyof Quota> = {
  produce: 'produceBytesPerSecond',
  fetch: 'fetchBytesPerSecond',
  request: 'requestsPerSecond',
};

/** Checks a quota from outside: each present field a positive finite number. */
export function checkQuota(quota: Quota, field = 'quota'): Quota {
  for (const key of Object.values(FIELD_OF)) {
    const value = quota[key];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) throw invalidArgument(`${field}.${key}`, `must be a positive number (got ${value})`);
  }
  return quota;
}

/** How rates are measured: `samples` windows of `sampleMs` each (Kafka's quota.window.num = 11
 *  and quota.window.size.seconds = 1). */
export interface QuotaWindow {
  readonly samples: number;
  readonly sampleMs: number;
}

export const DEFAULT_QUOTA_WINDOW: QuotaWindow = { samples: 11, sampleMs: 1_000 };

/**
 * A rate over a sliding window of samples (Kafka's Rate over a SampledStat). Samples are aligned
 * to multiples of sampleMs. The rate divides the sum of the live samples by the time since the
 * oldest one started, but never by less than (samples − 1) windows, so that the first requests
 * of a quiet principal do not measure as a burst (Kafka's Rate.windowSize()).
 */
export class RateMeter {
  private readonly slots: { window: number; value: number }[];

  constructor(private readonly config: QuotaWindow) {
    this.slots = Array.from({ length: config.samples }, () => ({ window: -Infinity, value: 0 }));
  }

  /** Adds `value` at time `nowMs`. */
  record(value: number, nowMs: number): void {
    const window = Math.floor(nowMs / this.config.sampleMs);
    const slot = this.slots[window % this.config.samples]!;
    if (slot.window !== window) {
      slot.window = window;
      slot.value = 0;
    }
    slot.value += value;
  }

  /** The rate per second at `nowMs`, and the window it was measured over in milliseconds. */
  measure(nowMs: number): { readonly perSecond: number; readonly windowMs: number } {
    const current = Math.floor(nowMs / this.config.sampleMs);
    let total = 0;
    let oldest = current;
    for (const slot of this.slots) {
      if (slot.window > current - this.config.samples && slot.window <= current) {
        total += slot.value;
        oldest = Math.min(oldest, slot.window);
      }
    }
    const elapsedMs = nowMs - oldest * this.config.sampleMs;
    const windowMs = Math.max(elapsedMs, (this.config.samples - 1) * this.config.sampleMs);
    return { perSecond: (total * 1000) / windowMs, windowMs };
  }

  /** Whether nothing was recorded within the window before `nowMs`. */
  isIdle(nowMs: number): boolean {
    const current = Math.floor(nowMs / this.config.sampleMs);
    return this.slots.every((slot) => slot.window <= current - this.config.samples || slot.value === 0);
  }
}

/**
 * The throttle of a measured rate against a quota (Kafka's ClientQuotaManager.throttleTime):
 * (rate − quota) / quota × window, in milliseconds, 0 when within the quota, and at most the
 * whole window (samples × sampleMs) so that one huge request cannot stall a principal longer.
 */
export function throttleMs(perSecond: number, quotaPerSecond: number, windowMs: number, maxMs: number): number {
  if (perSecond <= quotaPerSecond) return 0;
  return Math.min(maxMs, Math.ceil(((perSecond - quotaPerSecond) / quotaPerSecond) * windowMs));
}

/**
 * Quotas per principal and the rates they are measured against. The broker calls record() for
 * each request (its bytes for produce and fetch, 1 for a request) after serving it, and delays
 * the answer by the returned milliseconds; Kafka counts the bytes of a throttled request too, so
 * a client that ignores the delay only pushes its own delays further.
 *
 * A principal's quota for a kind is its own if set, else that of `User:*` (Kafka's default user
 * quota), else none. Meters exist only for principals with some quota; prune() drops idle ones.
 */
export class QuotaManager {
  private quotas: ReadonlyMap<Principal, Quota> = new Map();
  private readonly meters = new Map<string, RateMeter>();
  private readonly maxThrottleMs: number;

  constructor(
    private readonly clock: () => number,
    private readonly window: QuotaWindow = DEFAULT_QUOTA_WINDOW,
  ) {
    if (!Number.isInteger(window.samples) || window.samples < 2) throw invalidArgument('window.samples', 'must be an integer of at least 2');
    if (!Number.isInteger(window.sampleMs) || window.sampleMs < 1) throw invalidArgument('window.sampleMs', 'must be a positive integer');
    this.maxThrottleMs = window.samples * window.sampleMs;
  }

  /** Replaces every quota (as the meta group holds them; `User:*` is the default). Meters of
   *  principals that lost their quotas are dropped. */
  setQuotas(quotas: ReadonlyMap<Principal, Quota>): void {
    this.quotas = new Map([...quotas].map(([principal, quota]) => [principal, checkQuota(quota, `quotas[${principal}]`)]));
    for (const key of [...this.meters.keys()]) {
      const [principal, kind] = splitKey(key);
      if (this.limit(principal, kind) === undefined) this.meters.delete(key);
    }
  }

  /** The quota of `principal` for `kind`, per second, or undefined for no limit. */
  limit(principal: Principal, kind: QuotaKind): number | undefined {
    const field = FIELD_OF[kind];
    return this.quotas.get(principal)?.[field] ?? this.quotas.get(ANY_USER)?.[field];
  }

  /** Counts `amount` (bytes, or 1 request) of `kind` for `principal` now, and returns how long
   *  to hold the answer back, in milliseconds (0: within the quota, or no quota). */
  record(principal: Principal, kind: QuotaKind, amount: number): number {
    const quota = this.limit(principal, kind);
    if (quota === undefined) return 0;
    const now = this.clock();
    const key = `${kind}\0${principal}`;
    let meter = this.meters.get(key);
    if (meter === undefined) {
      meter = new RateMeter(this.window);
      this.meters.set(key, meter);
    }
    meter.record(amount, now);
    const { perSecond, windowMs } = meter.measure(now);
    return throttleMs(perSecond, quota, windowMs, this.maxThrottleMs);
  }

  /** The measured rate of `kind` for `principal`, per second (0 when it has no quota). */
  rate(principal: Principal, kind: QuotaKind): number {
    return this.meters.get(`${kind}\0${principal}`)?.measure(this.clock()).perSecond ?? 0;
  }

  /** Drops the meters of principals idle for a whole window; returns how many are left. */
  prune(): number {
    const now = this.clock();
    for (const [key, meter] of this.meters) if (meter.isIdle(now)) this.meters.delete(key);
    return this.meters.size;
  }
}

function splitKey(key: string): [Principal, QuotaKind] {
  const at = key.indexOf('\0');
  return [key.slice(at + 1) as Principal, key.slice(0, at) as QuotaKind];
}
