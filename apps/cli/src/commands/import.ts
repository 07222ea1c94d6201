import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { AccServiceError, type MetricInput } from '@acc/client';
import { createClient } from '../config.js';
import { CsvSyntaxError, csvRecords } from '../csv.js';
import { CliError, out, UsageError } from '../io.js';
import { progressBar } from '../progress.js';
import { failWith, globalsOf } from '../util.js';
import { HELP } from './metrics.js';

const MAX_CHUNK = 1000;

/** A problem with the input file, reported as "Error in <file> <where>: <detail>" (where: "line 3", "header"). */
class InputError extends CliError {
  constructor(
    readonly where: string | undefined,
    readonly detail: string,
    exitCode = 1,
  ) {
    super(detail, exitCode);
  }
}
const lineError = (line: number, detail: string) => new InputError(`line ${line}`, detail);

const REQUIRED_COLUMNS = ['metric_definition_id', 'time_period_start', 'time_period_end', 'value'];
const OPTIONAL_COLUMNS = ['group_id', 'user_id'];

/**
 * A header without a required column would fail on every line, so it is reported once, as a header
 * problem and a usage error, naming what was found and what is expected.
 */
function checkHeader(header: string[], defaultDefinition: string | undefined): void {
  const optional = defaultDefinition === undefined ? OPTIONAL_COLUMNS : ['metric_definition_id', ...OPTIONAL_COLUMNS];
  const required = REQUIRED_COLUMNS.filter((c) => !optional.includes(c));
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length === 0) return;
  const found = header.filter((c) => c !== '');
  throw new InputError(
    'header',
    `missing column(s) ${missing.join(', ')}; found ${found.length ? found.join(', ') : 'no columns'}; expected ${required.join(', ')} (optional: ${optional.join(', ')})`,
    2,
  );
}

interface Parsed {
  metric: MetricInput;
  line: number;
}

async function* decodedChunks(path: string, onBytes: (n: number) => void): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const buf of createReadStream(path) as AsyncIterable<Buffer>) {
    onBytes(buf.length);
    yield decoder.write(buf);
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

async function* jsonlObjects(chunks: AsyncIterable<string>): AsyncGenerator<{ value: Record<string, unknown>; line: number }> {
  let buffer = '';
  let line = 0;
  const parse = (text: string, at: number) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw lineError(at, (e as Error).message);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw lineError(at, 'expected a JSON object');
    return value as Record<string, unknown>;
  };
  for await (const chunk of chunks) {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const text = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      line++;
      if (text) yield { value: parse(text, line), line };
    }
  }
  line++;
  if (buffer.trim()) yield { value: parse(buffer.trim(), line), line };
}

async function* csvObjects(
  chunks: AsyncIterable<string>,
  defaultDefinition: string | undefined,
): AsyncGenerator<{ value: Record<string, unknown>; line: number }> {
  let header: string[] | undefined;
  try {
    for await (const rec of csvRecords(chunks)) {
      if (!header) {
        header = rec.fields.map((f) => f.trim());
        checkHeader(header, defaultDefinition);
        continue;
      }
      if (rec.fields.length !== header.length) throw lineError(rec.line, `expected ${header.length} fields, found ${rec.fields.length}`);
      yield { value: Object.fromEntries(header.map((h, i) => [h, rec.fields[i]])), line: rec.line };
    }
  } catch (e) {
    // csv-parse's messages already name the line.
    if (e instanceof CsvSyntaxError) throw new InputError(undefined, e.message);
    throw e;
  }
  if (!header) checkHeader([], defaultDefinition);
}

// eslint-disable-next-line @typescript-eslint/no-base-to-string -- CSV and JSON cells are scalars; anything else fails the server's checks as its text
const text = (v: unknown) => (v === undefined || v === null ? '' : String(v).trim());

function toMetric(o: Record<string, unknown>, line: number, defaultDefinition: string | undefined): Parsed {
  const metric_definition_id = text(o.metric_definition_id) || defaultDefinition;
  if (!metric_definition_id) throw lineError(line, 'metric_definition_id is missing (or pass --metricdefid)');
  const value = typeof o.value === 'number' ? o.value : text(o.value) === '' ? Number.NaN : Number(text(o.value));
  if (!Number.isFinite(value)) throw lineError(line, `value must be a number, found ${JSON.stringify(o.value ?? null)}`);
  const metric: MetricInput = { metric_definition_id, time_period_start: text(o.time_period_start), time_period_end: text(o.time_period_end), value };
  if (text(o.group_id)) metric.group_id = text(o.group_id);
  if (text(o.user_id)) metric.user_id = text(o.user_id);
  return { metric, line };
}

/**
 * The key depends only on the installation, the chunk's position and its content, so rerunning the same
 * import replays the chunks the server already stored (no duplicates) and sends the rest: resumable.
 */
export const chunkKey = (installation: string, index: number, metrics: MetricInput[]) =>
  `acc-import-${createHash('sha256')
    .update(JSON.stringify([installation, index, metrics]))
    .digest('hex')
    .slice(0, 48)}`;

export function registerImport(program: Command): void {
  const metrics = program.commands.find((c) => c.name() === 'metrics')!;
  metrics
    .command('import')
    .description(
      'push metrics from a CSV (header: metric_definition_id,time_period_start,time_period_end,value[,group_id,user_id]) or JSON Lines file, in bulk requests; rerunning the same file with the same --chunk-size within 24 hours resumes without duplicates',
    )
    .argument('<file>', 'FILE.csv or FILE.jsonl')
    .requiredOption('--installation <id>', HELP.installation)
    .option('--metricdefid <id>', 'metric definition for records that do not name one')
    .option(
      '--chunk-size <n>',
      `metrics per bulk request (1..${MAX_CHUNK})`,
      (v) => {
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > MAX_CHUNK)
          throw new InvalidArgumentError(`must be an integer between 1 and ${MAX_CHUNK}.`);
        return Number(v);
      },
      MAX_CHUNK,
    )
    .addOption(new Option('--format <format>', 'file format (default: from the extension)').choices(['csv', 'jsonl']))
    .action(async (file: string, o: { installation: string; metricdefid?: string; chunkSize: number; format?: 'csv' | 'jsonl' }, cmd: Command) => {
      const g = globalsOf(cmd);
      const format = o.format ?? (/\.csv$/i.test(file) ? 'csv' : /\.(jsonl|ndjson)$/i.test(file) ? 'jsonl' : undefined);
      if (!format) throw new UsageError(`cannot tell the format of ${file}: use a .csv or .jsonl file, or --format`);
      let size: number;
      try {
        size = statSync(file).size;
      } catch (e) {
        throw new CliError(`Error while reading ${file}: ${(e as Error).message}`);
      }
      const acc = createClient(g);
      const target = acc.installation(o.installation).metrics;
      let bytes = 0;
      let sent = 0;
      let created = 0;
      let requests = 0;
      const bar = progressBar('[{bar}] {percentage}% | {sent} metric(s) sent', Math.max(size, 1), { sent: 0 });
      const chunks = decodedChunks(file, (n) => (bytes += n));
      const objects = format === 'csv' ? csvObjects(chunks, o.metricdefid) : jsonlObjects(chunks);
      let chunk: Parsed[] = [];
      let index = 0;

      const flush = async () => {
        if (chunk.length === 0) return;
        const list = chunk.map((p) => p.metric);
        const lines = chunk.map((p) => p.line);
        try {
          const result = await target.addMany(list, { idempotencyKey: chunkKey(o.installation, index, list) });
          if (!result.replayed) created += list.length;
        } catch (e) {
          // The server names failing elements by index in the chunk; the user wants file lines.
          const where = e instanceof AccServiceError ? e.errorMessage.match(/^\[(\d+)\]/) : null;
          const detail = where ? ` (line ${lines[Number(where[1])]})` : ` (lines ${lines[0]}-${lines.at(-1)})`;
          failWith(`Error while importing metrics from ${file}${detail}`)(e);
        }
        sent += list.length;
        requests++;
        index++;
        chunk = [];
        bar.update(bytes, { sent });
      };

      try {
        for await (const { value, line } of objects) {
          chunk.push(toMetric(value, line, o.metricdefid));
          if (chunk.length >= o.chunkSize) await flush();
        }
        await flush();
      } catch (e) {
        if (e instanceof InputError) throw new CliError(`Error in ${file}${e.where ? ` ${e.where}` : ''}: ${e.detail}`, e.exitCode);
        throw e;
      } finally {
        bar.stop();
      }
      // A replayed chunk was stored by an earlier run of the same import: the server stored nothing now.
      const existing = sent - created;
      if (g.output === 'json') {
        out(
          JSON.stringify(
            { file: basename(file), installation: o.installation, metrics: sent, new: created, already_there: existing, requests },
            null,
            2,
          ),
        );
      } else {
        out(
          `Sent ${sent} metric(s) from ${basename(file)} to installation ${o.installation} in ${requests} request(s): ${created} new, ${existing} already there.`,
        );
      }
    });
}
