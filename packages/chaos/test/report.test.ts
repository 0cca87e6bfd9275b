import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, computeTimeline } from '../src/checker.js';
import { renderReport, renderTerminalSummary, writeReportDir } from '../src/report.js';
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
