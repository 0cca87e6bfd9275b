import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  AFTER_FAULT_MS,
  anomalies,
  invalidatingAnomalies,
  quantile,
  type Anomaly,
  type AnomalyCounts,
  type AnomalyExample,
  type OutcomeCounts,
  type Timeline,
  type Verdict,
} from './checker.js';
import type { Finding, InjectedFault } from './faults.js';
import type { FinalReadResult } from './final-read.js';
import type { FaultKind } from './schedule.js';

/** Short column headers for the terminal table, in `anomalies` order. */
const shortNames: Readonly<Record<Anomaly, string>> = {
  lost: 'lost',
  duplicated: 'dup',
  unexpected: 'unexp',
  'nonmonotonic-send': 'reord',
  'inconsistent-offsets': 'incons',
  G1a: 'G1a',
  'lost-on-node': 'lost-n',
  unknown: 'unknown',
  unseen: 'unseen',
  'poll-skip': 'skip',
  'nonmonotonic-poll': 'nm-poll',
  'group-offset-regressed': 'g-regr',
  'group-behind': 'g-behind',
  'group-unconsumed': 'g-uncons',
  'queue-redelivered-after-ack': 'q-reack',
  'queue-nonmonotonic-delivery': 'q-count',
  'queue-unacked': 'q-unack',
  'mqtt-lost': 'm-lost',
  'mqtt-unexpected': 'm-unexp',
  'mqtt-reordered': 'm-reord',
  'half-visible-before-commit': 'h-early',
  'half-visible-after-rollback': 'h-rolled',
  'half-duplicated': 'h-dup',
  'half-lost-commit': 'h-lost',
  'half-undecided': 'h-undec',
  'txn-aborted-read': 't-abort',
  'txn-torn': 't-torn',
  'txn-lost-commit': 't-lost',
  'txn-duplicated': 't-dup',
  'txn-unprocessed': 't-unproc',
  'txn-cycle': 't-G1c',
};

/** The anomalies a verdict's tables show: the MQTT, half-message and transaction ones only when
 *  the run had that workload (or, from another history, found one), so the usual tables stay
 *  narrow. */
function shownAnomalies(verdict: Verdict): Anomaly[] {
  return anomalies.filter((name) => {
    if (verdict.counts[name] > 0) return true;
    if (name.startsWith('mqtt-')) return verdict.mqtt !== null;
    if (name.startsWith('half-')) return verdict.halves !== null;
    if (name.startsWith('txn-')) return verdict.txns !== null;
    return true;
  });
}

/**
 * Renders the run as one self-contained HTML page: inline CSS, an inline SVG timeline drawn
 * here (no scripts, fonts or CDNs, so the report opens anywhere, offline, years later), the
 * verdict table with examples, and unavailability per fault.
 */
export function renderReport(verdict: Verdict, timeline: Timeline, options: { title?: string; run?: RunInfo } = {}): string {
  const title = options.title ?? 'Herald chaos run';
  const status = verdict.valid ? 'VALID' : 'INVALID';
  const run = options.run;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}: ${status}</title>
<style>${css}</style>
</head>
<body>
<h1>${escapeHtml(title)} <span class="status ${verdict.valid ? 'valid' : 'invalid'}">${status}</span></h1>
${renderSummary(verdict)}
${run === undefined ? '' : renderRun(run)}
<h2>Timeline</h2>
${renderTimeline(timeline)}
<h2>Verdict</h2>
${renderVerdictTable(verdict)}
${renderExamples(verdict)}
<h2>Unavailability per fault</h2>
${renderFaultTable(verdict)}
${run === undefined ? '' : renderFindings(run)}
</body>
</html>
`;
}

const css = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #1d232a; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; }
.status { padding: 2px 10px; border-radius: 4px; color: #fff; font-size: 15px; vertical-align: middle; }
.status.valid { background: #2e7d32; } .status.invalid { background: #c62828; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #d5dbe1; padding: 3px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #f1f4f7; }
td.bad { background: #fde0e0; color: #8e0000; font-weight: 600; }
td.note { background: #fff6db; }
tr.total td { font-weight: 600; border-top: 2px solid #8a96a3; }
dl.summary { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; }
dl.summary dt { color: #5b6773; } dl.summary dd { margin: 0; }
svg { background: #fbfcfd; border: 1px solid #d5dbe1; }
svg text { font: 11px system-ui, sans-serif; fill: #3c4650; }
.fault-band { fill: #f4a261; fill-opacity: 0.22; }
.fault-label { fill: #9a4a12; }
.leader-marker { stroke: #7b1fa2; stroke-width: 1; stroke-dasharray: 3 3; }
.series-throughput { fill: none; stroke: #1565c0; stroke-width: 1.6; }
.series-p99 { fill: none; stroke: #c62828; stroke-width: 1.2; }
.axis, .tick { stroke: #8a96a3; stroke-width: 1; } .grid { stroke: #e6eaee; stroke-width: 1; }
.legend { margin: 6px 0; color: #5b6773; }
.swatch { display: inline-block; width: 18px; height: 3px; vertical-align: middle; margin: 0 4px 0 12px; }
details { margin: 6px 0; } code { font-size: 12px; }
`;

function renderSummary(verdict: Verdict): string {
  const { sends, polls, availability, latency } = verdict;
  const rows: [string, string][] = [
    ['duration', `${formatNumber(verdict.durationMs / 1000, 1)} s`],
    ['sends', `${sends.invoked} invoked: ${sends.ok} ok, ${sends.fail} failed, ${sends.info} unknown, ${sends.pending} pending`],
    ['polls', `${polls.invoked} invoked: ${polls.ok} ok, ${polls.fail} failed, ${polls.info} unknown; ${verdict.recordsRead} records read`],
    ['throughput', `${formatNumber(availability.okSendsPerSecond, 1)} ok sends/s`],
    ['latency', `p50 ${formatMs(latency.p50Ms)}, p99 ${formatMs(latency.p99Ms)}, max ${formatMs(latency.maxMs)}`],
    ['faults', `${availability.faults.length} (${availability.unrecoveredFaults} never recovered)`],
    ['unavailability', `max ${formatMs(availability.unavailableMsMax)}, median ${formatMs(availability.unavailableMsMedian)}`],
    ['leader changes', String(availability.leaderChanges)],
    ...consumerSummary(verdict),
  ];
  return `<dl class="summary">${rows.map(([term, detail]) => `<dt>${term}</dt><dd>${escapeHtml(detail)}</dd>`).join('')}</dl>`;
}

/**
 * One line per consumer group and queue subscription of the verdict: what the group consumed
 * (and how much twice), what the subscription delivered, redelivered, acked and nacked.
 */
export function consumerSummary(verdict: Verdict): [string, string][] {
  const rows: [string, string][] = [];
  const outcomes = (counts: OutcomeCounts, refused = 'failed'): string =>
    `${counts.ok} ok, ${counts.fail} ${refused}, ${counts.info + counts.pending} unknown`;
  for (const g of verdict.groups) {
    const final = g.final === null
      ? 'no final read'
      : `final committed ${g.final.offsets.map((o) => `${o.partition}:${o.offset}`).join(' ') || 'none'} of ends ${g.final.endOffsets.map((o) => `${o.partition}:${o.offset}`).join(' ')}`;
    rows.push([
      `group ${g.group}`,
      `${g.consumed} records consumed (${g.distinct} distinct), ${g.processedTwice} processed twice; commits ${outcomes(g.commits, 'refused')}; `
        + `${g.offsetReads.ok} offset reads; ${final}`,
    ]);
  }
  for (const q of verdict.queues) {
    const dead = q.deadLettered === null ? 'no final description' : `${q.deadLettered} dead-lettered`;
    rows.push([
      `queue ${q.subscription}`,
      `${q.deliveries.ok} deliveries of ${q.distinct} records (${q.redeliveries} redeliveries); acks ${outcomes(q.acks, 'refused')}; `
        + `nacks ${outcomes(q.nacks, 'refused')}; ${dead}`,
    ]);
  }
  const { mqtt, halves, txns } = verdict;
  if (mqtt !== null) {
    rows.push([
      'mqtt',
      `QoS 1 publishes ${outcomes(mqtt.publishes)}; the persistent subscriber received ${mqtt.received} messages (${mqtt.distinct} distinct, `
        + `${mqtt.duplicates} duplicates, ${mqtt.unknownReceived} of unknown publishes)${mqtt.drained ? '' : '; it never drained'}`,
    ]);
  }
  if (halves !== null) {
    const listed = halves.listed === null ? 'no final listing' : `listed ${Object.entries(halves.listed).map(([state, n]) => `${n} ${state}`).join(', ') || 'none'}`;
    rows.push([
      'half messages',
      `sends ${outcomes(halves.sends)}; producer decisions ${outcomes(halves.ends, 'refused')}; check-backs answered ${halves.checkAnswers.commit} commit, `
        + `${halves.checkAnswers.rollback} rollback, ${halves.checkAnswers.unknown} unknown; ${listed}; ${halves.visible} visible${halves.finalRead ? '' : ' (no complete final read)'}`,
    ]);
  }
  if (txns !== null) {
    rows.push([
      'transactions',
      `${txns.invoked.write} multi-partition and ${txns.invoked.process} read-process-write: ${txns.committed} committed, ${txns.aborted} aborted on purpose, `
        + `${txns.failed} failed, ${txns.unknown} unknown (${txns.unknownCommitted} of them committed); ${txns.processedOnce} of ${txns.inputs} committed inputs processed exactly once; `
        + `${txns.dependencies} write-read dependencies${txns.finalRead ? '' : ' (no complete final read)'}`,
    ]);
  }
  return rows;
}

/** What a chaos run did besides the history: its settings, the faults as injected, what the
 *  harness saw of the nodes, and how far the final reads got. */
export interface RunInfo {
  /** The command that repeats the run (the same schedule; timing within it varies). */
  readonly command: string;
  readonly seed: number;
  readonly nodes: number;
  readonly partitions: number;
  readonly producers: number;
  /** Members of the consumer group and of the queue subscription (0: that workload was off;
   *  absent in reports from before these workloads). */
  readonly groupMembers?: number;
  readonly queueMembers?: number;
  /** The workloads added to the built-in ones (ExtraWorkload.name; absent in older reports). */
  readonly workloads?: readonly string[];
  readonly durationMs: number;
  /** The kinds the schedule was drawn from: those asked for that this machine can inject. */
  readonly faultKinds: readonly FaultKind[];
  /** Kinds asked for that this machine cannot inject, and why (absent in older reports). */
  readonly unavailableKinds?: readonly { readonly kind: FaultKind; readonly reason: string }[];
  /** ISO time. */
  readonly startedAt: string;
  /** Stopped early (Ctrl-C): no final read, so unread values are `unseen`, not `lost`. */
  readonly interrupted: boolean;
  readonly faultCounts: Readonly<Record<FaultKind, number>>;
  /** Faults in the seeded schedule; some may be skipped (see `skipped`). */
  readonly scheduled: number;
  /** Faults not injected: `out of time` (the schedule was pushed back past --duration by
   *  faults that ran long), `cluster not whole` (the previous fault never fully healed) or, for
   *  a data-loss fault, `replicas repairing` (replicas still repairing a lost log). */
  readonly skipped: readonly { readonly kind: FaultKind; readonly atMs: number; readonly reason: string }[];
  readonly injected: readonly InjectedFault[];
  readonly findings: readonly Finding[];
  /** How many findings point at the broker (crashes, no convergence, incomplete reads). */
  readonly brokerFindings: number;
  readonly finalRead: FinalReadResult | null;
  readonly replicaReads: readonly { readonly node: number; readonly result: FinalReadResult }[];
}

function renderRun(run: RunInfo): string {
  const counts = Object.entries(run.faultCounts).filter(([, n]) => n > 0).map(([kind, n]) => `${kind} ${n}`).join(', ');
  const reads = run.finalRead === null ? 'not done' : run.finalRead.complete ? 'complete' : 'INCOMPLETE';
  const replicas = run.replicaReads.map((r) => `node ${r.node} ${r.result.complete ? 'complete' : 'INCOMPLETE'}`).join(', ');
  const rows: [string, string][] = [
    ['command', run.command],
    ['started', run.startedAt],
    ['cluster', `${run.nodes} nodes, ${run.partitions} partitions (replication factor ${run.nodes}), ${run.producers} producers`
      + `${run.groupMembers === undefined ? '' : `, ${run.groupMembers} group members`}${run.queueMembers === undefined ? '' : `, ${run.queueMembers} queue members`}`],
    ...(run.workloads ?? []).map((name): [string, string] => ['workload', name]),
    ['faults injected', `${run.injected.length}${counts === '' ? '' : ` (${counts})`} of ${run.scheduled} scheduled${run.skipped.length === 0 ? '' : `; skipped ${skippedSummary(run)}`}`],
    ...(run.unavailableKinds ?? []).map(({ kind, reason }): [string, string] => [`${kind} left out`, reason]),
    ['final read', `${reads}${replicas === '' ? '' : `; each node alone: ${replicas}`}`],
    ['findings', `${run.findings.length} (${run.brokerFindings} about the broker)${run.interrupted ? '; run interrupted' : ''}`],
  ];
  return `<h2>Run</h2><dl class="summary">${rows.map(([term, detail]) => `<dt>${term}</dt><dd>${escapeHtml(detail)}</dd>`).join('')}</dl>`;
}

/** Skipped faults by reason: `12 out of time, 1 cluster not whole`. */
export function skippedSummary(run: RunInfo): string {
  const byReason = new Map<string, number>();
  for (const s of run.skipped) byReason.set(s.reason, (byReason.get(s.reason) ?? 0) + 1);
  return [...byReason].map(([reason, n]) => `${n} ${reason}`).join(', ');
}

function renderFindings(run: RunInfo): string {
  const findings = run.findings.length === 0
    ? '<p>None: every node ran until the harness stopped it.</p>'
    : `<ul>${run.findings.map((f) => `<li><code>${escapeHtml(`${formatNumber(f.time / 1000, 1)} s [${f.kind}] ${f.message}`)}</code></li>`).join('')}</ul>`;
  const noted = run.injected.filter((f) => f.notes.length > 0);
  const notes = noted.length === 0
    ? ''
    : `<h2>Fault notes</h2><ul>${noted.map((f) => `<li><code>${escapeHtml(`${formatNumber(f.startMs / 1000, 1)} s ${f.kind} ${f.target}: ${f.notes.join('; ')}`)}</code></li>`).join('')}</ul>`;
  return `<h2>Findings</h2>${findings}${notes}`;
}

// Timeline geometry, in SVG user units.
const plot = { width: 960, height: 310, left: 60, right: 64, top: 44, bottom: 36 } as const;

/**
 * The timeline as an inline SVG: ok sends/s (left axis) and p99 latency (right axis) per bucket,
 * fault windows as shaded bands labelled by fault name, leader changes as dashed markers.
 */
export function renderTimeline(timeline: Timeline): string {
  const innerWidth = plot.width - plot.left - plot.right;
  const innerHeight = plot.height - plot.top - plot.bottom;
  const bottom = plot.top + innerHeight;
  const endMs = Math.max(timeline.durationMs, timeline.buckets.length * timeline.bucketMs, 1);
  const x = (ms: number): number => plot.left + (Math.min(Math.max(ms, 0), endMs) / endMs) * innerWidth;
  // The last bucket may cover less than bucketMs of the run: divide by the time it covers, or
  // every chart would end in a false dip.
  const rates = timeline.buckets.map((bucket) => {
    const coveredMs = Math.min(timeline.bucketMs, Math.max(timeline.durationMs - bucket.startMs, 1));
    return (bucket.okSends * 1000) / coveredMs;
  });
  const rateTicks = niceTicks(Math.max(1, ...rates));
  const rateMax = rateTicks[rateTicks.length - 1]!;
  const p99s = timeline.buckets.map((bucket) => bucket.latencyP99Ms);
  const latencyTicks = niceTicks(Math.max(1, ...p99s.filter((ms): ms is number => ms !== null)));
  const latencyMax = latencyTicks[latencyTicks.length - 1]!;
  const yRate = (rate: number): number => bottom - (rate / rateMax) * innerHeight;
  const yLatency = (ms: number): number => bottom - (ms / latencyMax) * innerHeight;
  const mid = (startMs: number): number => x(startMs + timeline.bucketMs / 2);

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${plot.width}" height="${plot.height}" viewBox="0 0 ${plot.width} ${plot.height}" role="img" aria-label="ok sends per second and p99 latency over time">`);
  for (const tick of rateTicks) {
    const y = fixed(yRate(tick));
    parts.push(`<line class="grid" x1="${plot.left}" y1="${y}" x2="${plot.left + innerWidth}" y2="${y}"/>`);
    parts.push(`<text x="${plot.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${String(tick)}</text>`);
  }
  for (const tick of latencyTicks) {
    const y = fixed(yLatency(tick));
    parts.push(`<text x="${plot.left + innerWidth + 6}" y="${y}" dominant-baseline="middle">${String(tick)}</text>`);
  }
  for (const tick of niceTicks(endMs / 1000)) {
    if (tick * 1000 > endMs) continue;
    const tx = fixed(x(tick * 1000));
    parts.push(`<line class="tick" x1="${tx}" y1="${bottom}" x2="${tx}" y2="${bottom + 4}"/>`);
    parts.push(`<text x="${tx}" y="${bottom + 16}" text-anchor="middle">${String(tick)}</text>`);
  }
  parts.push(`<text x="${plot.left}" y="12">ok sends/s</text>`);
  parts.push(`<text x="${plot.left + innerWidth}" y="12" text-anchor="end">p99 latency (ms)</text>`);
  parts.push(`<text x="${plot.left + innerWidth / 2}" y="${plot.height - 4}" text-anchor="middle">time (s)</text>`);

  timeline.faults.forEach((fault, i) => {
    const x1 = x(fault.startMs);
    const width = Math.max(1, x(fault.endMs) - x1);
    const what = `${fault.name}${fault.target === undefined ? '' : ` ${fault.target}`}`;
    const when = `${formatNumber(fault.startMs / 1000, 2)}–${formatNumber(fault.endMs / 1000, 2)} s`;
    parts.push(`<rect class="fault-band" x="${fixed(x1)}" y="${plot.top}" width="${fixed(width)}" height="${innerHeight}"><title>${escapeHtml(`${what}, ${when}`)}</title></rect>`);
    // Two label rows, so neighbouring short faults do not print over each other.
    parts.push(`<text class="fault-label" x="${fixed(x1 + 2)}" y="${plot.top - 4 - (i % 2) * 12}">${escapeHtml(fault.name)}</text>`);
  });
  for (const change of timeline.leaderChanges) {
    const lx = fixed(x(change.time));
    const what = `${change.partition}: leader ${change.from ?? 'none'} → ${change.to} (term ${change.term}) at ${formatNumber(change.time / 1000, 2)} s`;
    parts.push(`<line class="leader-marker" x1="${lx}" y1="${plot.top}" x2="${lx}" y2="${bottom}"><title>${escapeHtml(what)}</title></line>`);
  }

  const ratePoints = timeline.buckets.map((bucket, i) => `${fixed(mid(bucket.startMs))},${fixed(yRate(rates[i]!))}`);
  if (ratePoints.length > 0) parts.push(`<path class="series-throughput" d="M${ratePoints.join('L')}"/>`);
  // p99 has no value in an empty bucket: break the line there rather than draw a false zero.
  let latencyPath = '';
  let penUp = true;
  timeline.buckets.forEach((bucket, i) => {
    const ms = p99s[i];
    if (ms === null || ms === undefined) {
      penUp = true;
      return;
    }
    latencyPath += `${penUp ? 'M' : 'L'}${fixed(mid(bucket.startMs))},${fixed(yLatency(ms))}`;
    penUp = false;
  });
  if (latencyPath !== '') parts.push(`<path class="series-p99" d="${latencyPath}"/>`);

  parts.push(`<line class="axis" x1="${plot.left}" y1="${bottom}" x2="${plot.left + innerWidth}" y2="${bottom}"/>`);
  parts.push(`<line class="axis" x1="${plot.left}" y1="${plot.top}" x2="${plot.left}" y2="${bottom}"/>`);
  parts.push(`<line class="axis" x1="${plot.left + innerWidth}" y1="${plot.top}" x2="${plot.left + innerWidth}" y2="${bottom}"/>`);
  parts.push('</svg>');
  const legend = `<div class="legend"><span class="swatch" style="background:#1565c0"></span>ok sends/s`
    + `<span class="swatch" style="background:#c62828"></span>p99 latency`
    + `<span class="swatch" style="background:#f4a261;opacity:.5;height:10px"></span>fault window`
    + `<span class="swatch" style="border-top:1px dashed #7b1fa2;height:0"></span>leader change`
    + ` &nbsp;(bucket ${timeline.bucketMs} ms)</div>`;
  return `${parts.join('\n')}\n${legend}`;
}

function renderVerdictTable(verdict: Verdict): string {
  const shown = shownAnomalies(verdict);
  const header = `<tr><th>partition</th>${shown.map((name) => `<th>${name}</th>`).join('')}</tr>`;
  const row = (label: string, counts: AnomalyCounts, className = ''): string =>
    `<tr${className === '' ? '' : ` class="${className}"`}><td>${escapeHtml(label)}</td>${shown
      .map((name) => `<td${cellClass(name, counts[name])}>${counts[name]}</td>`)
      .join('')}</tr>`;
  const rows = verdict.partitions.map((partition) => row(partition.key, partition.counts));
  rows.push(row('total', verdict.counts, 'total'));
  return `<table><thead>${header}</thead><tbody>${rows.join('')}</tbody></table>
<p class="legend">Red counts make the run invalid; yellow ones are reported for judgement (unknown outcomes are never counted lost).</p>`;
}

function cellClass(name: Anomaly, count: number): string {
  if (count === 0) return '';
  return invalidatingAnomalies.has(name) ? ' class="bad"' : ' class="note"';
}

function renderExamples(verdict: Verdict): string {
  const sections = anomalies
    .filter((name) => verdict.counts[name] > 0)
    .map((name) => {
      const examples = verdict.examples[name];
      const items = examples.map((example) => `<li><code>${escapeHtml(describeExample(example))}</code></li>`).join('');
      const shown = examples.length < verdict.counts[name] ? ` (first ${examples.length} shown)` : '';
      return `<details${invalidatingAnomalies.has(name) ? ' open' : ''}><summary>${name}: ${verdict.counts[name]}${shown}</summary><ul>${items}</ul></details>`;
    });
  return sections.length === 0 ? '<p>No anomalies.</p>' : sections.join('\n');
}

/** One example on one line, for the report and the terminal. */
export function describeExample(example: AnomalyExample): string {
  const parts = [example.partition];
  if (example.values.length > 0) parts.push(`value ${example.values.join(', ')}`);
  if (example.offsets.length > 0) parts.push(`offset ${example.offsets.join(', ')}`);
  if (example.times.length > 0) parts.push(`at ${example.times.map((ms) => `${formatNumber(ms / 1000, 3)} s`).join(', ')}`);
  if (example.process !== undefined) parts.push(`process ${example.process}`);
  if (example.note !== undefined) parts.push(example.note);
  return parts.join('; ');
}

function renderFaultTable(verdict: Verdict): string {
  const faults = verdict.availability.faults;
  if (faults.length === 0) return '<p>No faults in this run.</p>';
  const rows = faults.map((fault) => {
    const worst = Object.entries(fault.partitions).sort((a, b) => (b[1] ?? Infinity) - (a[1] ?? Infinity))[0];
    const unavailable = fault.recovered ? formatMs(fault.unavailableMs) : 'never recovered';
    return `<tr><td>${escapeHtml(fault.name)}</td><td>${escapeHtml(fault.target ?? '')}</td>`
      + `<td>${formatNumber(fault.startMs / 1000, 2)}</td><td>${formatNumber((fault.endMs - fault.startMs) / 1000, 2)}${fault.ended ? '' : ' (open)'}</td>`
      + `<td${fault.recovered ? '' : ' class="bad"'}>${unavailable}</td><td>${escapeHtml(worst?.[0] ?? '')}</td></tr>`;
  });
  const { unavailableMsMax, unavailableMsMedian } = verdict.availability;
  return `<table><thead><tr><th>fault</th><th>target</th><th>start (s)</th><th>duration (s)</th><th>unavailable</th><th>worst partition</th></tr></thead>
<tbody>${rows.join('')}</tbody></table>
<p class="legend">Unavailable: from the fault's start to the first acknowledgement of a send invoked after it, on the worst-hit partition. Max ${formatMs(unavailableMsMax)}, median ${formatMs(unavailableMsMedian)}.</p>
<p class="legend">Longest gap: the longest time without any acknowledged send on the worst-hit partition while a fault of that kind was in force or within ${AFTER_FAULT_MS / 1000} s after it.</p>
<table><thead><tr><th>fault kind</th><th>count</th><th>recovered</th><th>median</th><th>max</th><th>longest gap</th></tr></thead>
<tbody>${unavailabilityByKind(verdict).map((row) => `<tr><td>${escapeHtml(row.kind)}</td><td>${row.count}</td><td${row.recovered < row.count ? ' class="bad"' : ''}>${row.recovered}</td><td>${formatMs(row.medianMs)}</td><td>${formatMs(row.maxMs)}</td><td>${formatMs(row.maxGapMs)}</td></tr>`).join('')}</tbody></table>`;
}

/** Unavailability of one fault kind over its recovered faults. */
export interface KindUnavailability {
  readonly kind: string;
  readonly count: number;
  readonly recovered: number;
  readonly medianMs: number | null;
  readonly maxMs: number | null;
  /** The longest time without an acknowledged send during or just after a fault of this kind
   *  (FaultAvailability.longestGapMs), over the faults that recovered. */
  readonly maxGapMs: number | null;
}

/** Unavailability per fault kind (median and max over the faults of that kind that recovered). */
export function unavailabilityByKind(verdict: Verdict): KindUnavailability[] {
  const byKind = new Map<string, { count: number; times: number[]; gaps: number[] }>();
  for (const fault of verdict.availability.faults) {
    let entry = byKind.get(fault.name);
    if (!entry) {
      entry = { count: 0, times: [], gaps: [] };
      byKind.set(fault.name, entry);
    }
    entry.count += 1;
    if (fault.unavailableMs !== null) entry.times.push(fault.unavailableMs);
    // Absent from reports older than the measure.
    if (fault.longestGapMs !== null && fault.longestGapMs !== undefined) entry.gaps.push(fault.longestGapMs);
  }
  return [...byKind].map(([kind, { count, times, gaps }]) => {
    const sorted = Float64Array.from(times).sort();
    return {
      kind,
      count,
      recovered: times.length,
      medianMs: quantile(sorted, 0.5),
      maxMs: sorted.length === 0 ? null : sorted[sorted.length - 1]!,
      maxGapMs: gaps.length === 0 ? null : Math.max(...gaps),
    };
  });
}

/** The per-kind unavailability as a fixed-width table for the terminal. */
export function renderKindTable(verdict: Verdict): string {
  const rows = unavailabilityByKind(verdict);
  if (rows.length === 0) return 'no faults\n';
  const width = Math.max(5, ...rows.map((row) => row.kind.length));
  const lines = [`${'fault'.padEnd(width)}  count  recovered  unavailable median      max  longest gap`];
  for (const row of rows) {
    lines.push(`${row.kind.padEnd(width)}  ${String(row.count).padStart(5)}  ${String(row.recovered).padStart(9)}  ${formatMs(row.medianMs).padStart(18)}  ${formatMs(row.maxMs).padStart(7)}  ${formatMs(row.maxGapMs).padStart(11)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A short fixed-width summary for the terminal: status line, counts per partition, availability. */
export function renderTerminalSummary(verdict: Verdict): string {
  const lines: string[] = [];
  const { sends, availability } = verdict;
  lines.push(`chaos verdict: ${verdict.valid ? 'VALID' : 'INVALID'}  `
    + `(${formatNumber(verdict.durationMs / 1000, 1)} s; sends ${sends.ok} ok, ${sends.fail} failed, ${sends.info + sends.pending} unknown; `
    + `${verdict.recordsRead} records read)`);
  for (const [label, text] of consumerSummary(verdict)) lines.push(`${label}: ${text}`);
  const labelWidth = Math.max(9, ...verdict.partitions.map((partition) => partition.key.length));
  const shown = shownAnomalies(verdict);
  const widths = shown.map((name) => Math.max(shortNames[name].length, 5));
  const line = (label: string, cells: readonly string[]): string =>
    `${label.padEnd(labelWidth)}  ${cells.map((cell, i) => cell.padStart(widths[i]!)).join(' ')}`;
  lines.push(line('partition', shown.map((name) => shortNames[name])));
  for (const partition of verdict.partitions) lines.push(line(partition.key, shown.map((name) => String(partition.counts[name]))));
  lines.push(line('total', shown.map((name) => String(verdict.counts[name]))));
  lines.push(`faults ${availability.faults.length}, unavailable max ${formatMs(availability.unavailableMsMax)} `
    + `median ${formatMs(availability.unavailableMsMedian)}, never recovered ${availability.unrecoveredFaults}; `
    + `leader changes ${availability.leaderChanges}; latency p50 ${formatMs(verdict.latency.p50Ms)} p99 ${formatMs(verdict.latency.p99Ms)}`);
  for (const name of anomalies) {
    if (!invalidatingAnomalies.has(name)) continue;
    const first = verdict.examples[name][0];
    if (first !== undefined) lines.push(`  ${name}: ${describeExample(first)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** What writeReportDir() stores. */
export interface ReportFiles {
  /** The run's history file; copied as history.jsonl unless it already is that file. */
  readonly historyPath: string;
  readonly verdict: Verdict;
  readonly html: string;
  /** The run's start, naming the folder; defaults to now. */
  readonly startedAt?: Date;
  /** Stored in verdict.json under `run`. */
  readonly run?: RunInfo;
}

/** The folder name of a run's report: its start as an ISO time, colons made dashes so the name
 *  is a valid path on every filesystem. */
export function reportDirName(startedAt: Date): string {
  return startedAt.toISOString().replaceAll(':', '-');
}

/**
 * Writes `history.jsonl`, `verdict.json` and `report.html` into `<rootDir>/chaos-reports/<ISO
 * time>/` and returns that folder.
 */
export async function writeReportDir(rootDir: string, files: ReportFiles): Promise<string> {
  const dir = join(rootDir, 'chaos-reports', reportDirName(files.startedAt ?? new Date()));
  await writeReportFiles(dir, files);
  return dir;
}

/** Writes the report files into `dir` (created if needed). */
export async function writeReportFiles(dir: string, files: ReportFiles): Promise<void> {
  await mkdir(dir, { recursive: true });
  const historyTarget = join(dir, 'history.jsonl');
  const verdict = files.run === undefined ? files.verdict : { ...files.verdict, run: files.run };
  await Promise.all([
    resolve(files.historyPath) === resolve(historyTarget) ? Promise.resolve() : copyFile(files.historyPath, historyTarget),
    writeFile(join(dir, 'verdict.json'), `${JSON.stringify(verdict, null, 2)}\n`),
    writeFile(join(dir, 'report.html'), files.html),
  ]);
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => htmlEntities[char]!);
}

const htmlEntities: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Axis ticks from 0 to a round number at or above `max`, about five steps. */
function niceTicks(max: number): number[] {
  const rough = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= rough) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let tick = 0; tick < max + step; tick += step) {
    ticks.push(Number(tick.toPrecision(12)));
    if (tick >= max) break;
  }
  return ticks;
}

const fixed = (n: number): string => n.toFixed(1);

function formatNumber(n: number, digits: number): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function formatMs(ms: number | null): string {
  if (ms === null) return 'n/a';
  return ms >= 10_000 ? `${formatNumber(ms / 1000, 1)} s` : `${formatNumber(ms, 0)} ms`;
}
