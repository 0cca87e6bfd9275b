import { expect, it } from 'vitest';
import { check } from '../src/checker.js';
import type { HistoryEvent } from '../src/history.js';

/**
 * A clean synthetic history of `eventCount` events: 8 producers send round-robin to 4
 * partitions (invoke + ok, two events per send), and 4 consumers, one per partition, poll 4
 * records at a time, a fifth of the events.
 */
function syntheticHistory(eventCount: number): HistoryEvent[] {
  const partitions = 4;
  const producers = 8;
  const sendCount = Math.floor((eventCount * 0.8) / 2);
  const events: HistoryEvent[] = [];
  const logs: string[][] = Array.from({ length: partitions }, () => []);
  const readUpTo = new Array<number>(partitions).fill(0);
  let time = 0;
  for (let i = 0; i < sendCount; i++) {
    const partition = i % partitions;
    const producer = `p${i % producers}`;
    const value = `${producer}-${Math.floor(i / producers)}`;
    const fields = { process: producer, f: 'send', topic: 'bench', partition, value, producer } as const;
    events.push({ time: (time += 0.01), type: 'invoke', ...fields });
    const log = logs[partition]!;
    events.push({ time: time + 2, type: 'ok', ...fields, offset: log.length });
    log.push(value);
    // Every 4 sends to a partition, its consumer polls the 4 new records.
    if (partition === partitions - 1 && i % 16 === 15) {
      for (let p = 0; p < partitions; p++) {
        const from = readUpTo[p]!;
        const records = logs[p]!.slice(from).map((v, k) => ({ partition: p, offset: from + k, value: v }));
        readUpTo[p] = logs[p]!.length;
        events.push({ time: (time += 0.01), type: 'invoke', process: `c${p}`, f: 'poll', topic: 'bench' });
        events.push({ time: (time += 0.01), type: 'ok', process: `c${p}`, f: 'poll', topic: 'bench', records });
      }
    }
  }
  return events;
}

// Shows that the checker is linear enough for long runs. Method: a clean 1,000,000-event
// history; the bound is on CPU time, generous (machines vary by several times), and the wall
// time is printed beside it: on a machine shared with other work (a load average of 20 made the
// wall time 76 s) only the CPU time says something about the checker.
it('checks a 1,000,000-event history in seconds of CPU', { timeout: 300_000 }, () => {
  const history = syntheticHistory(1_000_000);
  expect(history.length).toBeGreaterThanOrEqual(990_000);
  const startMs = performance.now();
  const cpuStart = process.cpuUsage();
  const verdict = check(history);
  const cpu = process.cpuUsage(cpuStart);
  const elapsedMs = performance.now() - startMs;
  console.log(`check() of ${history.length.toLocaleString('en-US')} events took ${elapsedMs.toFixed(0)} ms `
    + `(${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU)`);
  expect(verdict.valid).toBe(true);
  expect(verdict.sends.ok).toBe(400_000);
  expect(verdict.recordsRead).toBe(400_000);
  expect((cpu.user + cpu.system) / 1000).toBeLessThan(20_000);
});
