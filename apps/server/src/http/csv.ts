import { stringify, type Options } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';
import { CSV_MEDIA_TYPE, type CsvTable } from '@acc/contracts';

/** RFC 4180: CRLF between records, and any field holding a quote, comma or line break quoted. */
const OPTIONS: Options = { record_delimiter: 'windows', quoted_match: /[\r\n]/ };

export const CSV_CONTENT_TYPE = `${CSV_MEDIA_TYPE}; charset=utf-8`;

/** The q-value an Accept header gives `type` (`type/*` and `*` count only when `wildcards`); 0 when absent. */
function qualityOf(accept: string, type: string, wildcards: boolean): number {
  let best = 0;
  for (const range of accept.split(',')) {
    const [media, ...params] = range.split(';').map((s) => s.trim().toLowerCase());
    const matches = media === type || (wildcards && (media === '*/*' || media === `${type.split('/')[0]}/*`));
    if (!matches) continue;
    const q = params.find((p) => p.startsWith('q='));
    const value = q === undefined ? 1 : Number(q.slice(2));
    if (Number.isFinite(value)) best = Math.max(best, value);
  }
  return best;
}

/**
 * True when the client asks for CSV by name (`Accept: text/csv`) at least as much as for JSON; `*\/*` and
 * no Accept at all keep answering JSON, as every client so far expects.
 */
export function wantsCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  const csv = qualityOf(accept, CSV_MEDIA_TYPE, false);
  return csv > 0 && csv >= qualityOf(accept, 'application/json', false);
}

/** A whole table as one CSV text with its header row. */
export const csvText = (table: CsvTable): string => stringifySync([table.columns, ...table.rows], OPTIONS);

/** A CSV stream: the header row, then whatever records are written to it. */
export function csvStream(columns: readonly string[]) {
  const stream = stringify(OPTIONS);
  stream.write(columns);
  return stream;
}
