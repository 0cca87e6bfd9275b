// Checks two layering rules that ESLint does not: the relative imports of packages/*/src form no
// cycle (type-only imports included: a cycle of types is still a cycle of concepts), and nothing
// in packages/broker/src outside host/ (and config/, whose `raft` is a settings section) reaches a RaftNode (`.raft.`): the group runtime
// (host/raft-group.ts) is the only way to the raft core. Run by `pnpm lint`; prints every
// violation and exits 1 if there is one.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const importPattern = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g;

function sources(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'gen') out.push(...sources(path));
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
      out.push(path);
    }
  }
  return out;
}

const graph = new Map();
for (const pkg of readdirSync(join(root, 'packages'))) {
  const src = join(root, 'packages', pkg, 'src');
  if (!existsSync(src)) continue;
  for (const file of sources(src)) {
    const text = readFileSync(file, 'utf8');
    const targets = [];
    for (const match of text.matchAll(importPattern)) {
      const target = resolve(dirname(file), match[1].replace(/\.js$/, '.ts'));
      if (existsSync(target)) targets.push(target);
    }
    graph.set(file, targets);
  }
}

// Tarjan's strongly connected components: every component with more than one file is a cycle.
let index = 0;
const indexOf = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
function visit(file) {
  indexOf.set(file, index);
  low.set(file, index);
  index++;
  stack.push(file);
  onStack.add(file);
  for (const next of graph.get(file) ?? []) {
    if (!indexOf.has(next)) {
      visit(next);
      low.set(file, Math.min(low.get(file), low.get(next)));
    } else if (onStack.has(next)) {
      low.set(file, Math.min(low.get(file), indexOf.get(next)));
    }
  }
  if (low.get(file) === indexOf.get(file)) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1) cycles.push(component);
  }
}
for (const file of graph.keys()) if (!indexOf.has(file)) visit(file);

const broker = join(root, 'packages', 'broker', 'src');
const raftReaches = [...graph.keys()].filter((file) => file.startsWith(broker) && !file.startsWith(join(broker, 'host')) && !file.startsWith(join(broker, 'config')) && /(?<!config)\.raft\./.test(readFileSync(file, 'utf8')));

for (const cycle of cycles) console.error(`import cycle: ${cycle.map((f) => relative(root, f)).join(' <-> ')}`);
for (const file of raftReaches) console.error(`${relative(root, file)} reaches a RaftNode (".raft."); go through RaftGroup (host/raft-group.ts)`);
if (cycles.length > 0 || raftReaches.length > 0) process.exit(1);
console.log(`layering: no import cycle in ${graph.size} files of packages/*/src; no raft access outside broker/src/host`);
