import * as hdr from 'hdr-histogram-js';

/** Latency percentiles of one run, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

/** Recorded latencies, kept in an HDR histogram at microsecond resolution (3 significant
 *  digits, up to an hour), so percentiles cost no memory per record. */
export class LatencyRecorder {
  private readonly histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });

  /** Records one latency, given in milliseconds (fractions kept to the microsecond). */
  recordMs(latencyMs: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(latencyMs * 1000)));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  summary(): LatencySummary {
    const ms = (us: number) => Math.round(us) / 1000;
    const h = this.histogram;
    if (h.totalCount === 0) return { count: 0, p50: 0, p99: 0, p999: 0, max: 0, mean: 0 };
    // A percentile is reported as the top of its bucket (3 significant digits), which can exceed
    // the exact maximum recorded: cap it there.
    const at = (percentile: number) => ms(Math.min(h.getValueAtPercentile(percentile), h.maxValue));
    return {
      count: h.totalCount,
      p50: at(50),
      p99: at(99),
      p999: at(99.9),
      max: ms(h.maxValue),
      mean: ms(h.mean),
    };
  }
}

/** Records per second and megabytes (10^6 bytes of record values) per second. */
export function rates(records: number, bytes: number, seconds: number): { recordsPerSecond: number; megabytesPerSecond: number } {
  if (seconds <= 0) return { recordsPerSecond: 0, megabytesPerSecond: 0 };
  return { recordsPerSecond: Math.round(records / seconds), megabytesPerSecond: Math.round((bytes / seconds / 1e6) * 100) / 100 };
}

/** The median of a non-empty list (the mean of the middle two for an even length). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
