// How the CLI prints: aligned tables for people, one JSON document (or one JSON line per item
// in a stream) for programs.

/** Formats rows under headers as columns separated by two spaces. */
export function formatTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

/** Writes a line to stdout. */
export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Writes a value as pretty JSON (a document) to stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes a value as one JSON line to stdout (streams: produce, consume). */
export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** A list of node ids for a table cell: "1,2,3", or "-" when empty. */
export function ids(list: readonly number[]): string {
  return list.length === 0 ? '-' : list.join(',');
}

/** A node id for a table cell: "-" for 0 (none known). */
export function nodeId(id: number): string {
  return id === 0 ? '-' : String(id);
}
