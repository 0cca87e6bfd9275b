import { describe, expect, it } from 'vitest';
import { parseDuration } from '../src/duration.js';

describe('parseDuration', () => {
  it.each([
    { text: '60s', ms: 60_000 },
    { text: '10m', ms: 600_000 },
    { text: '1h', ms: 3_600_000 },
    { text: '500ms', ms: 500 },
    { text: '1m30s', ms: 90_000 },
    { text: '90', ms: 90_000 },
    { text: '1.5s', ms: 1_500 },
    { text: ' 2m ', ms: 120_000 },
  ])('reads $text as $ms ms', ({ text, ms }) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'ten minutes', '10x', '10m junk', 'm', '-5s'])('refuses %j, saying how to write one', (text) => {
    expect(() => parseDuration(text)).toThrow(/is not a duration; write e\.g\. 90s/);
  });
});
