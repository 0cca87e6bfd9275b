import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, computeTimeline } from '../src/checker.js';
import { renderKindTable, renderReport, renderTerminalSummary, unavailabilityByKind, writeReportDir, writeReportFiles, type RunInfo } from '../src/report.js';
import { faultKinds, type FaultKind } from '../src/schedule.js';
import { HistoryBuilder, values } from './support/history-builder.js';
import { htmlProblems } from './support/html-check.js';

/** A run with three faults (one named to need escaping), two leader changes and one lost value. */
function sampleRun(): HistoryBuilder {
  const h = new HistoryBuilder();
  let offset = 0;
  for (let t = 0; t < 9_000; t += 100) {
    h.send('p1', 0, `p1-${t}`, { type: 'ok', offset: offset++ }, { invokeAt: t + 1, doneAt: t + 3 + (t % 700) / 10 });
  }
  h.fault('kill', 'start', 9_001, '2')
    .leader(0, 1, 1, 9_002)
    .leader(0, 3, 2, 9_003)
    .fault('kill', 'end', 9_004, '2')
    .fault('partition', 'start', 9_005, '1|2,3')
    .fault('partition', 'end', 9_006, '1|2,3')
    .fault('<b>&"odd"', 'start', 9_007)
    .leader(0, 1, 3, 9_008)
    .send('p2', 1, 'p2-0', { type: 'ok', offset: 0 }, { invokeAt: 9_009, doneAt: 9_010 })
    .send('p2', 1, 'p2-1', { type: 'ok', offset: 1 }, { invokeAt: 9_011, doneAt: 9_012 })
    .pollRun('c1', 0, values('p1', 0), 0)
    .poll('c1', [{ partition: 1, offset: 1, value: 'p2-1' }]);
  return h;
}

describe('renderReport', () => {
  // Shows that the page is self-contained and well formed, with one band per fault and one
  // marker per leader change. Method: render the sample run and count the SVG's elements.
  it('draws fault bands and leader markers in a self-contained page', () => {
    const h = sampleRun();
    const verdict = check(h.events);
    const html = renderReport(verdict, computeTimeline(h.events));
    expect(htmlProblems(html)).toEqual([]);
    expect(html.match(/<svg[\s>]/g)).toHaveLength(1);
    expect(html.match(/class="fault-band"/g)).toHaveLength(3);
    expect(html.match(/class="leader-marker"/g)).toHaveLength(2);
    expect(html).toContain('&lt;b&gt;&amp;&quot;odd&quot;');
    expect(html).not.toContain('<b>&"odd"');
    expect(html).not.toMatch(/<script|<link|@import|src=|href=/i);
    expect(html.match(/https?:\/\/[^"]+/g)).toEqual(['http://www.w3.org/2000/svg']); // the SVG namespace only
    expect(html).toContain('INVALID');
    expect(html).toMatch(/<td>total<\/td>/);
  });

  it('says so when there is nothing to report', () => {
    const h = new HistoryBuilder().sendAll('p1', 0, ['a'], 0).pollRun('c1', 0, ['a'], 0);
    const html = renderReport(check(h.events), computeTimeline(h.events));
    expect(htmlProblems(html)).toEqual([]);
    expect(html).toContain('No anomalies.');
    expect(html).toContain('No faults in this run.');
    expect(html).not.toContain('class="fault-band"');
  });
});

/** Run information as runChaos() records it, with one finding and one noted fault. */
function sampleRunInfo(): RunInfo {
  return {
    command: 'herald chaos run --nodes 3 --duration 10s --faults kill,corrupt --seed 4 --partitions 2 --producers 2',
    seed: 4,
    nodes: 3,
    partitions: 2,
    producers: 2,
    durationMs: 10_000,
    faultKinds: ['kill', 'corrupt'],
    startedAt: '2026-01-02T03:04:05.678Z',
    interrupted: false,
    faultCounts: { ...Object.fromEntries(faultKinds.map((kind) => [kind, 0])), kill: 1, corrupt: 1 } as Record<FaultKind, number>,
    unavailableKinds: [{ kind: 'clock-jump', reason: 'libfaketime is missing' }],
    scheduled: 3,
    skipped: [{ kind: 'kill', atMs: 9_500, reason: 'out of time' }],
    injected: [
      { kind: 'kill', target: '2', startMs: 9_001, endMs: 9_004, notes: [] },
      { kind: 'corrupt', target: '3', startMs: 9_005, endMs: 9_006, notes: ['node 3 killed; flipped 000012.log@17 0x01→0x80 <&>'] },
    ],
    findings: [{ time: 9_005.5, node: 3, kind: 'corruption-detected', message: 'node 3 detected the damage and runs: entry 6 failed its checksum' }],
    brokerFindings: 0,
    finalRead: { complete: true, partitions: [] },
    replicaReads: [{ node: 1, result: { complete: true, partitions: [] } }],
  };
}

describe('renderReport with run information', () => {
  // Shows the run's own sections: the command to repeat it, faults by kind, findings and fault
  // notes, escaped, in a page that stays well formed.
  it('shows the command, the faults by kind, the findings and the notes', () => {
    const h = sampleRun();
    const html = renderReport(check(h.events), computeTimeline(h.events), { run: sampleRunInfo() });
    expect(htmlProblems(html)).toEqual([]);
    expect(html).toContain('<h2>Run</h2>');
    expect(html).toContain('--seed 4');
    expect(html).toContain('2 (kill 1, corrupt 1) of 3 scheduled; skipped 1 out of time');
    expect(html).toContain('[corruption-detected] node 3 detected the damage');
    expect(html).toContain('0x01→0x80 &lt;&amp;&gt;');
    expect(html).toContain('complete; each node alone: node 1 complete');
    expect(html).toContain('<dt>clock-jump left out</dt><dd>libfaketime is missing</dd>');
  });
});

describe('unavailabilityByKind', () => {
  it('gives median and max per fault kind over the faults that recovered', () => {
    const h = new HistoryBuilder();
    let offset = 0;
    const ack = (at: number, doneAt: number) => h.send('p1', 0, `v${offset}`, { type: 'ok', offset: offset++ }, { invokeAt: at, doneAt });
    h.fault('kill', 'start', 1_000, '1').fault('kill', 'end', 1_500, '1');
    ack(1_001, 1_100);
    h.fault('kill', 'start', 2_000, '2').fault('kill', 'end', 2_500, '2');
    ack(2_001, 2_300);
    h.fault('kill', 'start', 3_000, '3').fault('kill', 'end', 3_500, '3');
    ack(3_001, 3_200);
    h.fault('pause', 'start', 4_000, '1').fault('pause', 'end', 4_500, '1');
    ack(4_001, 4_050);
    const verdict = check(h.events);
    expect(unavailabilityByKind(verdict)).toEqual([
      // The first kill's window runs until 6,500: 1,100 to 2,300 is its longest gap.
      { kind: 'kill', count: 3, recovered: 3, medianMs: 200, maxMs: 300, maxGapMs: 1_200 },
      { kind: 'pause', count: 1, recovered: 1, medianMs: 50, maxMs: 50, maxGapMs: 50 },
    ]);
    expect(renderKindTable(verdict).split('\n')[1]).toMatch(/^kill\s+3\s+3\s+200 ms\s+300 ms\s+1,200 ms$/);
  });
});

describe('htmlProblems, used by these tests', () => {
  it.each([
    { html: '<div><span></div>', problem: /closes <span>/ },
    { html: '<p class="a>x</p>', problem: /bad attributes|stray/ },
    { html: '<p>a & b</p>', problem: /unescaped &/ },
    { html: '<svg><rect></svg>', problem: /closes <rect>/ },
  ])('catches $problem', ({ html, problem }) => {
    expect(htmlProblems(html).join('\n')).toMatch(problem);
  });
});

describe('renderTerminalSummary', () => {
  // Shows the terminal table lines up: header, one row per partition, and the total, equally wide.
  it('prints a fixed-width table with the verdict and the first example', () => {
    const h = sampleRun();
    const summary = renderTerminalSummary(check(h.events));
    const lines = summary.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^chaos verdict: INVALID/);
    const table = lines.slice(1, 5);
    expect(table.map((line) => line.split(/\s+/)[0])).toEqual(['partition', 'orders/0', 'orders/1', 'total']);
    expect(new Set(table.map((line) => line.length)).size).toBe(1);
    expect(summary).toMatch(/lost: orders\/1; value p2-0; offset 0/);
  });
});

describe('consumer figures', () => {
  /** A group that consumed one record twice and a subscription that redelivered a nacked one. */
  function consumerRun(): HistoryBuilder {
    return new HistoryBuilder()
      .sendAll('p1', 0, values('p1', 2), 0)
      .consumeRun('g1', 'billing', 0, values('p1', 2), 0)
      .consumeRun('g2', 'billing', 0, ['p1-1'], 1)
      .commit('g2-commit', 'billing', [{ partition: 0, offset: 2 }])
      .commit('g1-commit', 'billing', [{ partition: 0, offset: 1 }], 'fail')
      .offsets('offsets', 'billing', [{ partition: 0, offset: 2 }], { endOffsets: [{ partition: 0, offset: 2 }] })
      .deliver('q1', 'workers', 0, 0, 1)
      .ack('q1-s0', 'q1', 'workers', 0, 0, 1, 'ok', { nack: true })
      .deliver('q2', 'workers', 0, 0, 2)
      .ack('q2-s0', 'q2', 'workers', 0, 0, 2)
      .deliverAndAckAll('q1', 'workers', 0, 1, 2)
      .describe('workers', [{ partition: 0, ackFloor: 2, highWatermark: 2, unacked: 0 }], { final: true })
      .pollRun('c1', 0, values('p1', 2), 0, { final: true });
  }

  // Shows the group's and the queue's figures in the page and in the terminal: consumed,
  // processed twice, commits by outcome; deliveries, redeliveries, acks, nacks, dead letters.
  it('shows what the group consumed and what the queue delivered, in the page and the terminal', () => {
    const h = consumerRun();
    const verdict = check(h.events);
    expect(verdict.valid).toBe(true);
    const group = 'group billing: 3 records consumed (2 distinct), 1 processed twice; commits 1 ok, 1 refused, 0 unknown; 1 offset reads; final committed 0:2 of ends 0:2';
    const queue = 'queue workers: 3 deliveries of 2 records (1 redeliveries); acks 2 ok, 0 refused, 0 unknown; nacks 1 ok, 0 refused, 0 unknown; 0 dead-lettered';
    const html = renderReport(verdict, computeTimeline(h.events));
    expect(htmlProblems(html)).toEqual([]);
    expect(html).toContain(`<dt>group billing</dt><dd>${group.slice('group billing: '.length)}</dd>`);
    expect(html).toContain(`<dt>queue workers</dt><dd>${queue.slice('queue workers: '.length)}</dd>`);
    expect(html).toContain('<th>queue-redelivered-after-ack</th>');
    const lines = renderTerminalSummary(verdict).split('\n');
    expect(lines.slice(1, 3)).toEqual([group, queue]);
    expect(lines[3]).toMatch(/q-reack\s+q-count\s+q-unack$/);
  });
});

describe('writeReportFiles', () => {
  it('leaves a history already in the folder alone and stores the run in verdict.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-report-files-'));
    try {
      const h = sampleRun();
      const historyPath = join(dir, 'history.jsonl');
      await writeFile(historyPath, 'the history\n');
      await writeReportFiles(dir, { historyPath, verdict: check(h.events), html: '<p>x</p>', run: sampleRunInfo() });
      expect(await readFile(historyPath, 'utf8')).toBe('the history\n');
      const stored = JSON.parse(await readFile(join(dir, 'verdict.json'), 'utf8')) as { valid: boolean; run: RunInfo };
      expect(stored.run.seed).toBe(4);
      expect(stored.valid).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('writeReportDir', () => {
  it('writes history, verdict and report under chaos-reports/<ISO time>/', async () => {
    const root = await mkdtemp(join(tmpdir(), 'herald-report-'));
    try {
      const h = sampleRun();
      const historyPath = join(root, 'run.jsonl');
      await writeFile(historyPath, h.events.map((event) => JSON.stringify(event)).join('\n'));
      const verdict = check(h.events);
      const dir = await writeReportDir(root, { historyPath, verdict, html: '<p>x</p>', startedAt: new Date('2026-01-02T03:04:05.678Z') });
      expect(dir).toBe(join(root, 'chaos-reports', '2026-01-02T03-04-05.678Z'));
      expect((await readdir(dir)).sort()).toEqual(['history.jsonl', 'report.html', 'verdict.json']);
      expect(JSON.parse(await readFile(join(dir, 'verdict.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(verdict)));
      expect(await readFile(join(dir, 'history.jsonl'), 'utf8')).toBe(await readFile(historyPath, 'utf8'));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
