import type { Prng } from '../types.js';

/** A seeded pseudo-random generator (mulberry32, public domain): 32 bits of state, fast, and the
 *  same sequence for the same seed on every machine. Every random choice in the simulator comes
 *  from one of these, so a seed replays exactly. */
export class SeededPrng implements Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniformly distributed number in [0, 1). */
  float(): number {
    return this.nextUint32() / 4_294_967_296;
  }

  /** A uniformly distributed integer in [min, max], both inclusive. */
  nextInt(min: number, max: number): number {
    if (max < min) throw new RangeError(`nextInt: max ${max} is below min ${min}`);
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.float() < p;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    const item = items[this.nextInt(0, items.length - 1)];
    if (item === undefined) throw new RangeError('pick from an empty array');
    return item;
  }

  /** The items in a random order (Fisher-Yates); the input is left alone. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.nextInt(0, i);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  /** An independent generator derived from this seed and a label, so that (for example) each
   *  node's election timeouts do not shift when the schedule draws one more number. */
  static derive(seed: number, label: number): SeededPrng {
    // splitmix-style mixing of the two inputs into one 32-bit seed.
    let h = (seed ^ Math.imul(label + 0x9e3779b9, 0x85ebca6b)) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
    h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
    return new SeededPrng((h ^ (h >>> 16)) >>> 0);
  }
}
