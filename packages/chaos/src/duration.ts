const unitsMs: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration as `herald chaos run --duration` takes it: a number with a unit (`500ms`,
 * `60s`, `10m`, `1h`, `1m30s`), or a bare number of seconds. Throws RangeError naming the input.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1_000);
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let totalMs = 0;
  let consumed = 0;
  for (let match = part.exec(trimmed); match !== null; match = part.exec(trimmed)) {
    totalMs += Number(match[1]) * unitsMs[match[2]!]!;
    consumed = part.lastIndex;
  }
  if (consumed === 0 || consumed !== trimmed.length) {
    throw new RangeError(`"${text}" is not a duration; write e.g. 90s, 10m, 1m30s or 500ms`);
  }
  return Math.round(totalMs);
}
