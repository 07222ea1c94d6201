import { stringify } from 'csv-stringify/sync';
import { out } from './io.js';

export const FORMATS = ['text', 'json', 'table', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

export interface Column<T> {
  name: string;
  get: (item: T) => unknown;
}

/** Columns straight from item fields. */
export const fields = <T extends object>(...names: string[]): Column<T>[] =>
  names.map((name) => ({ name, get: (item: T) => (item as Record<string, unknown>)[name] }));

// eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects took the branch before; what is left are scalars (and functions, never sent)
const cell = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

const TABLE_CELL_MAX = 40;
const cut = (s: string) => (s.length > TABLE_CELL_MAX ? `${s.slice(0, TABLE_CELL_MAX - 1).trimEnd()}…` : s);

/** Aligned columns, two spaces apart, no trailing blanks; a header row even when there are no rows. */
export function formatTable(header: string[], rows: string[][], limit = true): string {
  const shown = [header, ...rows].map((r) => r.map((c) => (limit ? cut(c.replace(/\s+/g, ' ')) : c)));
  const widths = header.map((_, i) => Math.max(...shown.map((r) => [...(r[i] ?? '')].length)));
  return shown
    .map((r) =>
      r
        .map((c, i) => c + ' '.repeat(widths[i] - [...c].length))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * One RFC 4180 record, without its line end. Cells are made text first, so csv-stringify's own casts
 * (booleans as 1/empty, dates as epoch milliseconds) never apply; it quotes a field holding a quote,
 * comma or `\n`, and `quoted_match` adds the lone `\r` that RFC 4180 counts as a line break too.
 */
export const csvLine = (values: unknown[]): string => stringify([values.map(cell)], { eof: false, record_delimiter: 'unix', quoted_match: /\r/ });

/**
 * Prints a list in the chosen format as it streams in: text, csv and json never hold the whole list in
 * memory (json is written element by element, byte-identical to JSON.stringify(list, null, 2)); only the
 * table needs every row to align its columns.
 */
export async function printList<T extends object>(
  items: AsyncIterable<T> | Iterable<T>,
  format: Format,
  spec: { columns: Column<T>[]; text: (item: T) => string; empty?: string },
): Promise<number> {
  let count = 0;
  if (format === 'text') {
    for await (const item of items) {
      out(spec.text(item));
      count++;
    }
    if (count === 0 && spec.empty) out(spec.empty);
  } else if (format === 'csv') {
    out(csvLine(spec.columns.map((c) => c.name)));
    for await (const item of items) {
      out(csvLine(spec.columns.map((c) => c.get(item))));
      count++;
    }
  } else if (format === 'table') {
    const rows: string[][] = [];
    for await (const item of items) rows.push(spec.columns.map((c) => cell(c.get(item))));
    count = rows.length;
    out(
      formatTable(
        spec.columns.map((c) => c.name),
        rows,
      ),
    );
  } else {
    let first = true;
    for await (const item of items) {
      const body = JSON.stringify(item, null, 2).replace(/\n/g, '\n  ');
      process.stdout.write(`${first ? '[\n' : ',\n'}  ${body}`);
      first = false;
      count++;
    }
    out(first ? '[]' : '\n]');
  }
  return count;
}

/** One object: pretty JSON, a single-row table or csv, or the caller's text line. */
export function printOne<T extends object>(item: T, format: Format, spec: { columns: Column<T>[]; text: (item: T) => string }): void {
  if (format === 'json') out(JSON.stringify(item, null, 2));
  else if (format === 'csv') out(`${csvLine(spec.columns.map((c) => c.name))}\n${csvLine(spec.columns.map((c) => c.get(item)))}`);
  else if (format === 'table')
    out(
      formatTable(
        spec.columns.map((c) => c.name),
        [spec.columns.map((c) => cell(c.get(item)))],
      ),
    );
  else out(spec.text(item));
}
