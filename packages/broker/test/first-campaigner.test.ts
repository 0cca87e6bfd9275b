import { describe, expect, it } from 'vitest';
import { firstCampaigner } from '../src/host/host.js';

describe('firstCampaigner', () => {
  it('picks a live voter, the same whatever the order of the voters', () => {
    for (let g = 0; g < 100; g++) {
      const id = `topic-${g}/${g % 7}`;
      const picked = firstCampaigner(id, [1, 2, 3], (node) => node !== 1);
      expect([2, 3]).toContain(picked);
      expect(firstCampaigner(id, [3, 1, 2], (node) => node !== 1)).toBe(picked);
    }
  });

  it('spreads groups evenly over the live voters', () => {
    const counts = new Map<number, number>();
    for (let g = 0; g < 3_000; g++) {
      const picked = firstCampaigner(`0a1b2c3d-${g}/${g % 10}`, [1, 2, 3, 4, 5], (node) => node !== 3);
      counts.set(picked, (counts.get(picked) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([1, 2, 4, 5]);
    for (const n of counts.values()) expect(Math.abs(n - 750)).toBeLessThan(120);
  });

  it('answers 0 when no voter is live, and the only live voter otherwise', () => {
    expect(firstCampaigner('g', [1, 2, 3], () => false)).toBe(0);
    expect(firstCampaigner('g', [1, 2, 3], (node) => node === 2)).toBe(2);
  });
});
