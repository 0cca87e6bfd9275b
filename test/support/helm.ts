// Renders deploy/helm/herald the way `helm template` does, for tests on machines with no helm
// binary (and no Go toolchain to build one). No npm package renders Helm charts: the JavaScript
// Go-template engines implement a few actions and no functions, and the one that runs Go's own
// text/template (compiled to WebAssembly) cannot take Sprig's or Helm's functions. So this is a
// small interpreter of the subset of Go templates (text/template) and of Helm's functions that
// the chart uses, checked against Go's documented semantics in test/helm/helm-render.test.ts.
// A chart template that steps outside the subset fails to render, loudly, naming what is missing.
//
// The subset (deploy/helm/herald/README.md lists it for chart authors):
//   actions    {{ pipeline }}, {{ if }}/{{ else if }}/{{ else }}/{{ end }}, {{ range }} (lists and
//              maps, with `$v :=` or `$k, $v :=`, and {{ else }}), {{ with }}, {{ define }}, and
//              {{ $x := pipeline }}; trim markers {{- and -}}; comments {{/* */}}
//   operands   .Field.Chains, $, $var.Field, "strings", numbers, true, false, nil, ( pipelines )
//   functions  include, toYaml, indent, nindent, quote, default, required, printf (%s %d %v %q),
//              int, add, add1, sub, until, eq, ne, lt, gt, and, or, not, empty, contains,
//              trunc, trimSuffix, b64enc, dict, get
//   objects    .Values (values.yaml, deep-merged with the test's values), .Release.Name,
//              .Release.Namespace, .Release.Service, .Chart.Name, .Chart.Version, .Chart.AppVersion

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, parseAllDocuments, stringify as toYamlText } from 'yaml';

type Operand =
  | { readonly kind: 'field'; readonly base: string | null; readonly path: readonly string[] }
  | { readonly kind: 'function'; readonly name: string }
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'pipeline'; readonly pipeline: Pipeline };
type Command = readonly Operand[];
interface Pipeline {
  readonly variables: readonly string[];
  readonly declares: boolean;
  readonly commands: readonly Command[];
}
type TemplateNode =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'action'; readonly pipeline: Pipeline }
  | { readonly kind: 'if'; readonly branches: readonly { readonly condition: Pipeline; readonly body: TemplateNode[] }[]; readonly otherwise: TemplateNode[] }
  | { readonly kind: 'range' | 'with'; readonly pipeline: Pipeline; readonly body: TemplateNode[]; readonly otherwise: TemplateNode[] };

/** An error in a chart's template: what went wrong and where. */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

// ---- Lexing: text and actions, with trim markers and comments applied --------------------------

type Piece = { readonly kind: 'text'; text: string } | { readonly kind: 'action'; readonly source: string; readonly line: number };

function split(template: string, file: string): Piece[] {
  const pieces: Piece[] = [];
  let at = 0;
  let trimNext = false;
  for (;;) {
    const open = template.indexOf('{{', at);
    let text = template.slice(at, open === -1 ? undefined : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open === -1) {
      pieces.push({ kind: 'text', text });
      return pieces;
    }
    const close = template.indexOf('}}', open);
    if (close === -1) throw new TemplateError(`${file}: an action opened on line ${lineOf(template, open)} is never closed`);
    let source = template.slice(open + 2, close);
    if (/^-\s/.test(source)) {
      text = text.replace(/\s+$/, '');
      source = source.slice(1);
    }
    trimNext = /\s-$/.test(source);
    if (trimNext) source = source.slice(0, -1);
    pieces.push({ kind: 'text', text });
    source = source.trim();
    if (!(source.startsWith('/*') && source.endsWith('*/'))) pieces.push({ kind: 'action', source, line: lineOf(template, open) });
    at = close + 2;
  }
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

const TOKEN = /\s*(?:("(?:[^"\\]|\\.)*")|(`[^`]*`)|(-?\d+(?:\.\d+)?)|(:=|=|\||\(|\)|,)|(\$[A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)|(\.(?:[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)?)|([A-Za-z_][A-Za-z0-9_]*))/y;

function tokenize(source: string, where: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const match = TOKEN.exec(source);
    if (match === null) throw new TemplateError(`${where}: cannot read "${source.slice(TOKEN.lastIndex).trim()}"`);
    tokens.push(match.slice(1).find((t) => t !== undefined)!);
  }
  return tokens;
}

// ---- Parsing ------------------------------------------------------------------------------------

function parsePipeline(tokens: string[], where: string): Pipeline {
  let variables: string[] = [];
  let declares = false;
  const assign = tokens.findIndex((t) => t === ':=' || t === '=');
  if (assign !== -1 && tokens.slice(0, assign).every((t) => t === ',' || /^\$[A-Za-z0-9_]*$/.test(t))) {
    variables = tokens.slice(0, assign).filter((t) => t !== ',');
    declares = tokens[assign] === ':=';
    tokens = tokens.slice(assign + 1);
  }
  const commands: Command[] = [];
  let command: Operand[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === '|') {
      commands.push(command);
      command = [];
    } else if (token === '(') {
      let depth = 1;
      let j = i + 1;
      for (; j < tokens.length && depth > 0; j++) depth += tokens[j] === '(' ? 1 : tokens[j] === ')' ? -1 : 0;
      if (depth !== 0) throw new TemplateError(`${where}: unbalanced parentheses`);
      command.push({ kind: 'pipeline', pipeline: parsePipeline(tokens.slice(i + 1, j - 1), where) });
      i = j - 1;
    } else {
      command.push(operand(token, where));
    }
  }
  commands.push(command);
  if (commands.some((c) => c.length === 0)) throw new TemplateError(`${where}: an empty command in a pipeline`);
  return { variables, declares, commands };
}

function operand(token: string, where: string): Operand {
  if (token.startsWith('"')) return { kind: 'literal', value: JSON.parse(token) as string };
  if (token.startsWith('`')) return { kind: 'literal', value: token.slice(1, -1) };
  if (/^-?\d/.test(token)) return { kind: 'literal', value: Number(token) };
  if (token === 'true' || token === 'false') return { kind: 'literal', value: token === 'true' };
  if (token === 'nil') return { kind: 'literal', value: null };
  if (token.startsWith('.')) return { kind: 'field', base: null, path: token === '.' ? [] : token.slice(1).split('.') };
  if (token.startsWith('$')) {
    const [base, ...path] = token.split('.');
    return { kind: 'field', base: base!, path };
  }
  if (/^[A-Za-z_]/.test(token)) return { kind: 'function', name: token };
  throw new TemplateError(`${where}: unexpected "${token}"`);
}

/** Parses a template into its nodes and its {{ define }}d templates. */
function parseTemplate(template: string, file: string, defines: Map<string, TemplateNode[]>): TemplateNode[] {
  const pieces = split(template, file);
  let at = 0;
  // Parses nodes up to one of `stops` (an action keyword), which it returns with its action.
  const parseUntil = (stops: readonly string[]): { nodes: TemplateNode[]; stop?: { keyword: string; tokens: string[]; where: string } } => {
    const nodes: TemplateNode[] = [];
    while (at < pieces.length) {
      const piece = pieces[at++]!;
      if (piece.kind === 'text') {
        if (piece.text !== '') nodes.push({ kind: 'text', text: piece.text });
        continue;
      }
      const where = `${file}:${piece.line}`;
      const tokens = tokenize(piece.source, where);
      const keyword = tokens[0] ?? '';
      if (stops.includes(keyword)) return { nodes, stop: { keyword, tokens: tokens.slice(1), where } };
      if (keyword === 'end' || keyword === 'else') throw new TemplateError(`${where}: {{ ${keyword} }} without an open action`);
      if (keyword === 'if') {
        const branches: { condition: Pipeline; body: TemplateNode[] }[] = [];
        let condition = parsePipeline(tokens.slice(1), where);
        for (;;) {
          const part = parseUntil(['else', 'end']);
          branches.push({ condition, body: part.nodes });
          if (part.stop === undefined) throw new TemplateError(`${where}: {{ if }} without {{ end }}`);
          if (part.stop.keyword === 'end') {
            nodes.push({ kind: 'if', branches, otherwise: [] });
            break;
          }
          if (part.stop.tokens[0] === 'if') {
            condition = parsePipeline(part.stop.tokens.slice(1), part.stop.where);
            continue;
          }
          const last = parseUntil(['end']);
          if (last.stop === undefined) throw new TemplateError(`${where}: {{ if }} without {{ end }}`);
          nodes.push({ kind: 'if', branches, otherwise: last.nodes });
          break;
        }
      } else if (keyword === 'range' || keyword === 'with') {
        const pipeline = parsePipeline(tokens.slice(1), where);
        const body = parseUntil(['else', 'end']);
        if (body.stop === undefined) throw new TemplateError(`${where}: {{ ${keyword} }} without {{ end }}`);
        const otherwise = body.stop.keyword === 'else' ? parseUntil(['end']) : { nodes: [], stop: body.stop };
        if (otherwise.stop === undefined) throw new TemplateError(`${where}: {{ ${keyword} }} without {{ end }}`);
        nodes.push({ kind: keyword, pipeline, body: body.nodes, otherwise: otherwise.nodes });
      } else if (keyword === 'define') {
        const name = tokens[1];
        if (name === undefined || !name.startsWith('"')) throw new TemplateError(`${where}: {{ define }} needs a quoted name`);
        const body = parseUntil(['end']);
        if (body.stop === undefined) throw new TemplateError(`${where}: {{ define ${name} }} without {{ end }}`);
        defines.set(JSON.parse(name) as string, body.nodes);
      } else if (['template', 'block', 'break', 'continue'].includes(keyword)) {
        throw new TemplateError(`${where}: {{ ${keyword} }} is outside the subset this renderer implements (use include)`);
      } else {
        nodes.push({ kind: 'action', pipeline: parsePipeline(tokens, where) });
      }
    }
    return { nodes };
  };
  const { nodes, stop } = parseUntil([]);
  if (stop !== undefined) throw new TemplateError(`${stop.where}: unexpected {{ ${stop.keyword} }}`);
  return nodes;
}

// ---- Evaluation ---------------------------------------------------------------------------------

/** Go's template truth: false, 0, nil, and empty strings, lists and maps are false. */
function truth(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** How an action prints a value (Helm prints a missing value as nothing). */
function print(value: unknown, where: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TemplateError(`${where}: prints a ${Array.isArray(value) ? 'list' : 'map'}; use toYaml`);
}

function indent(spaces: unknown, text: unknown): string {
  const pad = ' '.repeat(Number(spaces));
  return pad + String(text).replaceAll('\n', `\n${pad}`);
}

function printf(format: string, ...args: unknown[]): string {
  let next = 0;
  return format.replace(/%([sdvq%])/g, (_, verb: string) => {
    if (verb === '%') return '%';
    const value = args[next++];
    if (verb === 'd') return String(Math.trunc(Number(value)));
    if (verb === 'q') return JSON.stringify(String(value));
    return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value ?? '');
  });
}

function compare(name: string, a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b) throw new TemplateError(`${name}: cannot compare ${typeof a} with ${typeof b}`);
  return name === 'lt' ? (a as number) < (b as number) : (a as number) > (b as number);
}

/** Template variables: a control structure's body opens a scope, which ends with it (Go's rule). */
class Scope {
  private readonly variables = new Map<string, unknown>();

  constructor(private readonly parent?: Scope) {}

  has(name: string): boolean {
    return this.variables.has(name) || (this.parent?.has(name) ?? false);
  }

  get(name: string): unknown {
    return this.variables.has(name) ? this.variables.get(name) : this.parent?.get(name);
  }

  /** `$x := value`: a variable of this scope. */
  declare(name: string, value: unknown): void {
    this.variables.set(name, value);
  }

  /** `$x = value`: the variable where it was declared. */
  assign(name: string, value: unknown): void {
    if (this.variables.has(name)) this.variables.set(name, value);
    else if (this.parent !== undefined) this.parent.assign(name, value);
    else throw new TemplateError(`${name} is assigned before it is declared`);
  }
}

/** The scope a template starts with: `$` is its data. */
function rootScope(data: unknown): Scope {
  const scope = new Scope();
  scope.declare('$', data);
  return scope;
}

class Renderer {
  constructor(private readonly defines: Map<string, TemplateNode[]>) {}

  /** Helm's functions (Sprig's, where Helm takes them from Sprig) of the subset. */
  private readonly functions: Record<string, (...args: unknown[]) => unknown> = {
    include: (name, data) => {
      const body = this.defines.get(String(name));
      if (body === undefined) throw new TemplateError(`include: no template "${String(name)}" is defined`);
      return this.render(body, data, rootScope(data));
    },
    // Helm's toYaml goes through JSON, which orders map keys.
    toYaml: (value) => (truth(value) || typeof value !== 'object' ? toYamlText(value, { sortMapEntries: true }).replace(/\n$/, '') : Array.isArray(value) ? '[]' : '{}'),
    indent: (spaces, text) => indent(spaces, text),
    nindent: (spaces, text) => `\n${indent(spaces, text)}`,
    quote: (...values) => values.map((v) => JSON.stringify(v === null || v === undefined ? '' : String(v))).join(' '),
    default: (fallback, value) => (truth(value) ? value : fallback),
    required: (message, value) => {
      if (value === null || value === undefined || value === '') throw new TemplateError(String(message));
      return value;
    },
    printf: (format, ...args) => printf(String(format), ...args),
    int: (value) => Math.trunc(Number(value ?? 0)),
    add: (...values) => values.reduce((sum: number, v) => sum + Number(v), 0),
    add1: (value) => Number(value) + 1,
    sub: (a, b) => Number(a) - Number(b),
    until: (count) => Array.from({ length: Number(count) }, (_, i) => i),
    eq: (a, ...others) => others.some((b) => a === b),
    ne: (a, b) => a !== b,
    lt: (a, b) => compare('lt', a, b),
    gt: (a, b) => compare('gt', a, b),
    and: (...values) => values.find((v) => !truth(v)) ?? values[values.length - 1],
    or: (...values) => values.find((v) => truth(v)) ?? values[values.length - 1],
    not: (value) => !truth(value),
    empty: (value) => !truth(value),
    contains: (part, text) => String(text).includes(String(part)),
    trunc: (length, text) => String(text).slice(0, Number(length)),
    trimSuffix: (suffix, text) => (String(text).endsWith(String(suffix)) ? String(text).slice(0, -String(suffix).length) : String(text)),
    b64enc: (text) => Buffer.from(String(text)).toString('base64'),
    // Sprig's dict and get: a missing key gets "", and get of something not a map is an error.
    dict: (...pairs) => Object.fromEntries(Array.from({ length: Math.floor(pairs.length / 2) }, (_, i) => [String(pairs[i * 2]), pairs[i * 2 + 1]])),
    get: (map, key) => {
      if (typeof map !== 'object' || map === null || Array.isArray(map)) throw new TemplateError(`get: ${JSON.stringify(map)} is not a map`);
      return (map as Record<string, unknown>)[String(key)] ?? '';
    },
  };

  render(nodes: readonly TemplateNode[], dot: unknown, scope: Scope): string {
    let out = '';
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          out += node.text;
          break;
        case 'action': {
          const value = this.pipeline(node.pipeline, dot, scope);
          if (node.pipeline.variables.length === 0) out += print(value, 'an action');
          break;
        }
        case 'if': {
          const inner = new Scope(scope);
          const branch = node.branches.find((b) => truth(this.pipeline(b.condition, dot, inner)));
          out += this.render(branch?.body ?? node.otherwise, dot, inner);
          break;
        }
        case 'with': {
          const inner = new Scope(scope);
          const value = this.pipeline(node.pipeline, dot, inner);
          out += truth(value) ? this.render(node.body, value, inner) : this.render(node.otherwise, dot, inner);
          break;
        }
        case 'range':
          out += this.range(node, dot, scope);
          break;
      }
    }
    return out;
  }

  private range(node: Extract<TemplateNode, { kind: 'with' | 'range' }>, dot: unknown, scope: Scope): string {
    const { variables, commands } = node.pipeline;
    const collection = this.pipeline({ variables: [], declares: false, commands }, dot, scope);
    let entries: [unknown, unknown][];
    if (Array.isArray(collection)) entries = collection.map((v, i) => [i, v]);
    else if (collection !== null && typeof collection === 'object') entries = Object.keys(collection).sort().map((k) => [k, (collection as Record<string, unknown>)[k]]);
    else if (collection === null || collection === undefined) entries = [];
    else throw new TemplateError(`range over a ${typeof collection}`);
    if (entries.length === 0) return this.render(node.otherwise, dot, new Scope(scope));
    let out = '';
    for (const [key, value] of entries) {
      const inner = new Scope(scope);
      if (variables.length === 1) inner.declare(variables[0]!, value);
      if (variables.length === 2) {
        inner.declare(variables[0]!, key);
        inner.declare(variables[1]!, value);
      }
      out += this.render(node.body, value, inner);
    }
    return out;
  }

  private pipeline(pipeline: Pipeline, dot: unknown, scope: Scope): unknown {
    let value: unknown;
    pipeline.commands.forEach((command, i) => {
      value = this.command(command, dot, scope, i === 0 ? [] : [value]);
    });
    if (pipeline.variables.length === 1) {
      if (pipeline.declares) scope.declare(pipeline.variables[0]!, value);
      else scope.assign(pipeline.variables[0]!, value);
    }
    return value;
  }

  private command(command: Command, dot: unknown, scope: Scope, piped: readonly unknown[]): unknown {
    const [head, ...rest] = command;
    if (head!.kind === 'function') {
      const fn = this.functions[head!.name];
      if (fn === undefined) throw new TemplateError(`function "${head!.name}" is outside the subset this renderer implements`);
      return fn(...rest.map((o) => this.operand(o, dot, scope)), ...piped);
    }
    if (rest.length > 0 || piped.length > 0) throw new TemplateError('only a function takes arguments');
    return this.operand(head!, dot, scope);
  }

  private operand(operand: Operand, dot: unknown, scope: Scope): unknown {
    switch (operand.kind) {
      case 'literal':
        return operand.value;
      case 'pipeline':
        return this.pipeline(operand.pipeline, dot, scope);
      case 'function':
        return this.command([operand], dot, scope, []);
      case 'field': {
        if (operand.base !== null && !scope.has(operand.base)) throw new TemplateError(`undefined variable ${operand.base}`);
        let value = operand.base === null ? dot : scope.get(operand.base);
        for (const key of operand.path) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
        return value;
      }
    }
  }
}

// ---- Charts -------------------------------------------------------------------------------------

/** A plain object (a YAML mapping). */
function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `base` with `overrides` merged in, maps key by key (as Helm merges --values files). */
export function mergeValues(base: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) merged[key] = isMap(value) && isMap(merged[key]) ? mergeValues(merged[key], value) : value;
  return merged;
}

/** Renders one template text with its helpers' defines, for tests of the renderer itself. */
export function renderTemplate(template: string, data: unknown, helpers = ''): string {
  const defines = new Map<string, TemplateNode[]>();
  parseTemplate(helpers, 'helpers', defines);
  const nodes = parseTemplate(template, 'template', defines);
  return new Renderer(defines).render(nodes, data, rootScope(data));
}

/** One Kubernetes object of a rendered chart, with the template it came from. */
export interface Manifest {
  readonly template: string;
  readonly object: Record<string, unknown> & { kind: string; apiVersion: string; metadata: { name: string } };
}

/** Renders a chart as `helm template <release> <chart> --namespace <namespace> --values ...` does:
 *  every template but the `_` helpers, split into YAML documents, empty ones dropped. */
export function renderChart(chartDir: string, release: { name: string; namespace: string }, values: Record<string, unknown> = {}): Manifest[] {
  const chart = parseYaml(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as { name: string; version: string; appVersion: string };
  const defaults = (parseYaml(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) ?? {}) as Record<string, unknown>;
  const data = {
    Values: mergeValues(defaults, values),
    Release: { Name: release.name, Namespace: release.namespace, Service: 'Helm' },
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion },
  };
  const defines = new Map<string, TemplateNode[]>();
  const templatesDir = join(chartDir, 'templates');
  const files = readdirSync(templatesDir).sort();
  const parsed = files.map((file) => ({ file, nodes: parseTemplate(readFileSync(join(templatesDir, file), 'utf8'), `templates/${file}`, defines) }));
  const renderer = new Renderer(defines);
  const manifests: Manifest[] = [];
  for (const { file, nodes } of parsed) {
    if (file.startsWith('_') || !/\.ya?ml$/.test(file)) continue;
    let text: string;
    try {
      text = renderer.render(nodes, data, rootScope(data));
    } catch (err) {
      throw new TemplateError(`templates/${file}: ${(err as Error).message}`);
    }
    for (const document of parseAllDocuments(text)) {
      if (document.errors.length > 0) throw new TemplateError(`templates/${file} renders invalid YAML: ${document.errors[0]!.message}\n${text}`);
      const object = document.toJS() as Manifest['object'] | null;
      if (object !== null) manifests.push({ template: file, object });
    }
  }
  return manifests;
}
