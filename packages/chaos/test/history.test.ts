import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  HistoryFormatError,
  HistoryWriter,
  parseHistoryLine,
  readHistory,
  writeHistory,
  type HistoryEvent,
} from '../src/history.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'herald-history-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One event of every shape the format has. */
const everyShape: HistoryEvent[] = [
  { time: 0.25, type: 'invoke', f: 'send', process: 'p1', topic: 'orders', partition: 0, value: 'p1-0', producer: 'p1' },
  { time: 1.5, type: 'ok', f: 'send', process: 'p1', topic: 'orders', partition: 0, value: 'p1-0', producer: 'p1', offset: 0 },
  { time: 2, type: 'invoke', f: 'send', process: 'p1', topic: 'orders', partition: 1, value: 'p1-1', producer: 'p1' },
  { time: 3, type: 'fail', f: 'send', process: 'p1', topic: 'orders', partition: 1, value: 'p1-1', producer: 'p1', error: 'NotEnoughReplicas' },
  { time: 4, type: 'invoke', f: 'send', process: 'p1', topic: 'orders', partition: 1, value: 'p1-2', producer: 'p1' },
  { time: 5, type: 'info', f: 'send', process: 'p1', topic: 'orders', partition: 1, value: 'p1-2', producer: 'p1', error: 'timeout' },
  { time: 6, type: 'invoke', f: 'poll', process: 'c1', topic: 'orders', reset: true },
  { time: 7, type: 'ok', f: 'poll', process: 'c1', topic: 'orders', records: [{ partition: 0, offset: 0, value: 'p1-0' }], final: true },
  { time: 8, type: 'fault', name: 'kill', phase: 'start', target: '2' },
  { time: 9, type: 'leader', topic: 'orders', partition: 0, leader: 3, term: 4 },
  { time: 10, type: 'leader', partition: 1, leader: null, term: 4 },
  { time: 11, type: 'fault', name: 'kill', phase: 'end' },
  { time: 12, type: 'invoke', f: 'consume', process: 'g1', topic: 'orders', group: 'billing' },
  { time: 13, type: 'ok', f: 'consume', process: 'g1', topic: 'orders', group: 'billing', records: [{ partition: 0, offset: 0, value: 'p1-0' }] },
  { time: 14, type: 'invoke', f: 'commit', process: 'g1-commit', topic: 'orders', group: 'billing', offsets: [{ partition: 0, offset: 1 }] },
  { time: 15, type: 'fail', f: 'commit', process: 'g1-commit', topic: 'orders', group: 'billing', offsets: [{ partition: 0, offset: 1 }], error: 'FencedGeneration' },
  { time: 16, type: 'invoke', f: 'offsets', process: 'offsets', topic: 'orders', group: 'billing' },
  { time: 17, type: 'ok', f: 'offsets', process: 'offsets', topic: 'orders', group: 'billing', offsets: [{ partition: 0, offset: 1 }], final: true, endOffsets: [{ partition: 0, offset: 1 }] },
  { time: 18, type: 'invoke', f: 'deliver', process: 'q1', topic: 'orders', subscription: 'workers' },
  { time: 19, type: 'ok', f: 'deliver', process: 'q1', topic: 'orders', subscription: 'workers', partition: 0, offset: 0, deliveryCount: 2, value: 'p1-0' },
  { time: 20, type: 'invoke', f: 'nack', process: 'q1-s0', topic: 'orders', subscription: 'workers', member: 'q1', partition: 0, offset: 0, deliveryCount: 2, delayMs: 200 },
  { time: 21, type: 'info', f: 'nack', process: 'q1-s0', topic: 'orders', subscription: 'workers', member: 'q1', partition: 0, offset: 0, deliveryCount: 2, delayMs: 200, error: 'Unavailable' },
  { time: 22, type: 'invoke', f: 'subscription', process: 'describe', topic: 'orders', subscription: 'workers' },
  {
    time: 23,
    type: 'ok',
    f: 'subscription',
    process: 'describe',
    topic: 'orders',
    subscription: 'workers',
    partitions: [{ partition: 0, ackFloor: 1, highWatermark: 1, unacked: 0, deadLettered: 0, redelivered: 1 }],
    final: true,
  },
  { time: 24, type: 'invoke', f: 'poll', process: 'final-n2', topic: 'orders', reset: true },
  { time: 25, type: 'ok', f: 'poll', process: 'final-n2', topic: 'orders', records: [], final: true, node: 2, partitions: [1] },
];

describe('history', () => {
  // Shows that every event shape survives a write and a read unchanged.
  it('round-trips every event shape', async () => {
    const path = join(dir, 'history.jsonl');
    await writeHistory(path, everyShape);
    expect(await readHistory(path)).toEqual(everyShape);
    expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(everyShape.length + 1);
  });

  // Shows that many concurrent appenders, far more than the stream buffers, all land, and close()
  // flushes. Method: 50,000 appends started at once (each waits for 'drain' when it must).
  it('keeps every event from concurrent appenders', async () => {
    const path = join(dir, 'history.jsonl');
    const writer = new HistoryWriter(path);
    const appends: Promise<void>[] = [];
    for (let i = 0; i < 50_000; i++) {
      appends.push(writer.append({ time: i, type: 'leader', partition: i % 7, leader: 1, term: i }));
    }
    await Promise.all(appends);
    await writer.close();
    const events = await readHistory(path);
    expect(events).toHaveLength(50_000);
    expect(events[49_999]).toMatchObject({ term: 49_999 });
    await expect(writer.append(everyShape[0]!)).rejects.toThrow(/closed/);
  });

  // Shows that the reader names the line of a bad event and what is wrong with it. Method: a
  // valid first line, a blank line, then one bad line per case at line 3.
  it.each([
    { line: '{"time": 1, "type": "ok", "f": "send", "process": "p1", "topic": "t", "partition": 0, "value": "v", "producer": "p1"}', reason: /offset/ },
    { line: '{"time": 1, "type": "ok", "f": "poll", "process": "c1", "topic": "t", "records": [{"partition": 0, "offset": -1, "value": "v"}]}', reason: /records\[0\]\.offset/ },
    { line: '{"time": -3, "type": "fault", "name": "kill", "phase": "start"}', reason: /time/ },
    { line: '{"time": 1, "type": "fault", "name": "kill", "phase": "middle"}', reason: /phase/ },
    { line: '{"time": 1, "type": "commit"}', reason: /type must be/ },
    { line: '{"time": 1, "type": "ok", "f": "commit", "process": "g1", "topic": "t", "group": "g"}', reason: /offsets must be an array/ },
    { line: '{"time": 1, "type": "ok", "f": "offsets", "process": "o", "topic": "t", "group": "g", "offsets": [], "final": true}', reason: /endOffsets/ },
    { line: '{"time": 1, "type": "ok", "f": "deliver", "process": "q1", "topic": "t", "subscription": "s", "partition": 0, "offset": 3, "value": "v"}', reason: /deliveryCount/ },
    { line: '{"time": 1, "type": "invoke", "f": "ack", "process": "q1-s0", "topic": "t", "subscription": "s", "partition": 0, "offset": 3, "deliveryCount": 1}', reason: /member/ },
    { line: '{"time": 1, "type": "ok", "f": "subscription", "process": "d", "topic": "t", "subscription": "s", "partitions": [{"partition": 0}]}', reason: /ackFloor/ },
    { line: '{"time": 1, "type": "invoke", "f": "lease", "process": "q1", "topic": "t"}', reason: /f must be one of/ },
    { line: '{"time": 1, "type": "ok", "f": "poll", "process": "final-n2", "topic": "t", "records": [], "final": true, "node": 2, "partitions": [-1]}', reason: /partitions must be/ },
    { line: '{"time": 1, "type": "invoke", "f": "send", "process": "p1", "topic": "t", "partition": 0', reason: /not JSON/ },
  ])('reports a bad line by number: $reason', async ({ line, reason }) => {
    const path = join(dir, 'bad.jsonl');
    await writeFile(path, `${JSON.stringify(everyShape[0])}\n\n${line}\n`);
    const error = await readHistory(path).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(HistoryFormatError);
    expect((error as HistoryFormatError).lineNumber).toBe(3);
    expect((error as HistoryFormatError).message).toMatch(reason);
    expect((error as HistoryFormatError).message).toContain(`${path}:3:`);
  });

  it('parses a single line', () => {
    expect(parseHistoryLine(JSON.stringify(everyShape[1]), 1)).toEqual(everyShape[1]);
    expect(() => parseHistoryLine('[]', 7)).toThrow(/history:7: an event must be a JSON object/);
  });
});
