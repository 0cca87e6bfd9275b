// Where a process's time went, from a V8 CPU profile (`node --cpu-prof`): self time grouped
// into categories (GC, idle, LevelDB, protobuf, gRPC, raft, ...), and the top self-time
// functions. A sample counts towards the category of its innermost frame that matches a rule,
// walking from the leaf outwards, so that a Buffer copy made by the storage adapter counts as a
// Buffer copy, and a protobuf call made by grpc-js counts as protobuf.
//
//   node --import tsx scripts/bench/cpu-profile.ts PROFILE.cpuprofile [--window FUNCTION | --after FUNCTION | --between FROM_US TO_US] [--top N] [--markdown]
//
// --window FUNCTION keeps only the samples between the first and the last one whose stack holds
// FUNCTION (e.g. prepareProduce: the span of the produce workload on a broker); --after FUNCTION
// keeps those from the first such sample to the end (e.g. onVerdict: a failover, up to the
// stop); --between keeps the samples between two monotonic clock readings in microseconds
// (process.hrtime in the same boot: test/bench/scale.ts prints its idle and failover windows so).
// Besides self time, the top functions by total time (their callees included) are listed.
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  parent?: number;
  children?: number[];
}
interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Rules, most specific first; a frame matches when its URL (or, for url '', its name) does. */
const RULES: readonly { category: string; test: (f: CallFrame) => boolean }[] = [
  { category: 'GC', test: (f) => f.functionName === '(garbage collector)' },
  { category: 'idle (waiting for I/O: fsync in LevelDB’s thread, peers, network)', test: (f) => f.functionName === '(idle)' },
  { category: 'Buffer copies / allocation', test: (f) => f.url === 'node:buffer' || /^(copy|concat|allocUnsafe|allocUnsafeSlow|_copyActual)$/.test(f.functionName) && f.url === '' },
  { category: 'LevelDB (classic-level: WriteBatch building, native calls)', test: (f) => /classic-level|abstract-level|level-transcoder|level-supports|module-error/.test(f.url) },
  { category: 'protobuf encode/decode', test: (f) => /protobufjs|@protobufjs|proto-loader|long\/|\/long@/.test(f.url) },
  { category: 'CRC32C / compression', test: (f) => /crc32|snappy|lz4|zstd|node:zlib/.test(f.url) },
  { category: 'gRPC / HTTP2', test: (f) => /@grpc\/grpc-js|node:internal\/http2|node:http2/.test(f.url) },
  { category: 'sockets & streams (node:net, streams)', test: (f) => /node:net|node:internal\/stream_base_commons|node:internal\/streams|node:stream/.test(f.url) },
  { category: 'raft core (packages/raft)', test: (f) => f.url.includes('/packages/raft/') },
  { category: 'storage adapter (packages/storage)', test: (f) => f.url.includes('/packages/storage/') },
  { category: 'record-batch codec (packages/protocol)', test: (f) => f.url.includes('/packages/protocol/') },
  { category: 'host loop (broker/src/host)', test: (f) => f.url.includes('/packages/broker/src/host/') },
  { category: 'peer transport (broker/src/transport)', test: (f) => f.url.includes('/packages/broker/src/transport/') },
  { category: 'partition state machine (broker/src/partition)', test: (f) => f.url.includes('/packages/broker/src/partition/') },
  { category: 'metrics / logging', test: (f) => /\/packages\/broker\/src\/metrics\/|prom-client|pino|sonic-boom/.test(f.url) },
  { category: 'API handlers (broker/src/api)', test: (f) => f.url.includes('/packages/broker/src/api/') },
  { category: 'broker, other', test: (f) => f.url.includes('/packages/broker/') },
  { category: 'client SDK (packages/client)', test: (f) => f.url.includes('/packages/client/') },
  { category: 'nats client', test: (f) => /node_modules\/nats\/|nats@/.test(f.url) },
  { category: 'bench driver (packages/cli)', test: (f) => f.url.includes('/packages/cli/') },
  { category: 'module loading / compiling (startup)', test: (f) => /node:internal\/modules|esbuild|tsx/.test(f.url) || /^(compileFunction|wrapSafe|compileSourceTextModule)$/.test(f.functionName) },
  { category: 'timers / microtasks / promises', test: (f) => /node:internal\/timers|node:internal\/process\/task_queues/.test(f.url) || /^(runMicrotasks|processTicksAndRejections)$/.test(f.functionName) },
];

const args = process.argv.slice(2);
const valued = ['--window', '--after', '--top', '--between'];
const file = args.find((a, i) => !a.startsWith('--') && !valued.includes(args[i - 1]!) && args[i - 2] !== '--between');
if (file === undefined) {
  process.stderr.write('usage: cpu-profile.ts PROFILE.cpuprofile [--window FUNCTION | --after FUNCTION | --between FROM_US TO_US] [--top N] [--markdown]\n');
  process.exit(2);
}
const windowFunction = args.includes('--window') ? args[args.indexOf('--window') + 1] : undefined;
const afterFunction = args.includes('--after') ? args[args.indexOf('--after') + 1] : undefined;
const between = args.includes('--between') ? [Number(args[args.indexOf('--between') + 1]), Number(args[args.indexOf('--between') + 2])] : undefined;
const top = args.includes('--top') ? Number(args[args.indexOf('--top') + 1]) : 20;
const markdown = args.includes('--markdown');

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
for (const node of profile.nodes) for (const child of node.children ?? []) byId.get(child)!.parent = node.id;

const categoryCache = new Map<number, string>();
function categoryOf(id: number): string {
  const cached = categoryCache.get(id);
  if (cached !== undefined) return cached;
  let category = 'other (Node internals, V8)';
  for (let at: ProfileNode | undefined = byId.get(id); at !== undefined; at = at.parent === undefined ? undefined : byId.get(at.parent)) {
    const rule = RULES.find((r) => r.test(at!.callFrame));
    if (rule !== undefined) {
      category = rule.category;
      break;
    }
  }
  categoryCache.set(id, category);
  return category;
}

function stackHas(id: number, name: string): boolean {
  for (let at: ProfileNode | undefined = byId.get(id); at !== undefined; at = at.parent === undefined ? undefined : byId.get(at.parent)) {
    if (at.callFrame.functionName === name) return true;
  }
  return false;
}

// Sample times, and the window.
const times: number[] = [];
let t = 0;
for (const delta of profile.timeDeltas) times.push((t += delta));
let from = 0;
let to = profile.samples.length - 1;
if (windowFunction !== undefined) {
  const hits = profile.samples.map((id, i) => (stackHas(id, windowFunction) ? i : -1)).filter((i) => i >= 0);
  if (hits.length === 0) throw new Error(`no sample has ${windowFunction} on its stack`);
  from = hits[0]!;
  to = hits[hits.length - 1]!;
} else if (afterFunction !== undefined) {
  from = profile.samples.findIndex((id) => stackHas(id, afterFunction));
  if (from < 0) throw new Error(`no sample has ${afterFunction} on its stack`);
} else if (between !== undefined) {
  from = times.findIndex((at) => profile.startTime + at >= between[0]!);
  to = times.findLastIndex((at) => profile.startTime + at <= between[1]!);
  if (from < 0 || to < from) throw new Error(`no sample between ${between[0]} and ${between[1]} (the profile spans ${profile.startTime} to ${profile.startTime + t})`);
}

const byCategory = new Map<string, number>();
const byFunction = new Map<string, { us: number; category: string }>();
const inclusive = new Map<string, number>();
let total = 0;
for (let i = from; i <= to; i++) {
  const id = profile.samples[i]!;
  const us = profile.timeDeltas[i + 1] ?? 0; // a sample lasts until the next one
  total += us;
  const category = categoryOf(id);
  byCategory.set(category, (byCategory.get(category) ?? 0) + us);
  const f = byId.get(id)!.callFrame;
  // Line numbers of TypeScript run under tsx are those of the transpiled code: left out.
  const where = f.url.replace(/^.*\/(node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?)/, '').replace(/^file:\/\/.*\/packages\//, 'packages/');
  const key = `${f.functionName || '(anonymous)'} ${where === '' ? '' : where.endsWith('.ts') ? where : `${where}:${f.lineNumber + 1}`}`;
  const entry = byFunction.get(key) ?? { us: 0, category };
  entry.us += us;
  byFunction.set(key, entry);
  // Total time: every function on the stack, once per sample (recursion counts once).
  const seen = new Set<string>();
  for (let at: ProfileNode | undefined = byId.get(id); at !== undefined; at = at.parent === undefined ? undefined : byId.get(at.parent)) {
    const name = `${at.callFrame.functionName || '(anonymous)'} ${at.callFrame.url.replace(/^.*\/packages\//, 'packages/').replace(/^.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '')}`;
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + us);
  }
}

const idle = [...byCategory].filter(([c]) => c.startsWith('idle')).reduce((s, [, us]) => s + us, 0);
const pct = (us: number) => `${((100 * us) / total).toFixed(1)} %`;
const lines: string[] = [];
const span = windowFunction !== undefined ? ` between the first and last ${windowFunction}` : afterFunction !== undefined ? ` from the first ${afterFunction} on` : between !== undefined ? ` in the window given` : '';
lines.push(`${file}: ${(total / 1e6).toFixed(2)} s of samples${span}, ${pct(total - idle)} busy`);
lines.push('');
if (markdown) lines.push('| category | share of wall time |', '|---|---|');
for (const [category, us] of [...byCategory].sort((a, b) => b[1] - a[1])) {
  lines.push(markdown ? `| ${category} | ${pct(us)} |` : `${pct(us).padStart(7)}  ${category}`);
}
lines.push('');
lines.push(`top ${top} functions by self time:`);
if (markdown) lines.push('', '| self | function | category |', '|---|---|---|');
for (const [key, { us, category }] of [...byFunction].sort((a, b) => b[1].us - a[1].us).slice(0, top)) {
  lines.push(markdown ? `| ${pct(us)} | \`${key}\` | ${category} |` : `${pct(us).padStart(7)}  ${key}  [${category}]`);
}
lines.push('');
lines.push(`top ${top} functions by total time (callees included):`);
if (markdown) lines.push('', '| total | function |', '|---|---|');
for (const [key, us] of [...inclusive].filter(([k]) => !/^\((root|program|idle)\)/.test(k)).sort((a, b) => b[1] - a[1]).slice(0, top)) {
  lines.push(markdown ? `| ${pct(us)} | \`${key}\` |` : `${pct(us).padStart(7)}  ${key}`);
}
process.stdout.write(`${lines.join('\n')}\n`);
