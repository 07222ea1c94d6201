import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { plot } from 'asciichart';
import type { FreshnessRow, UsageAnswer, UsageOptions, UsageSeries } from '@acc/client';
import { createClient } from '../config.js';
import { out, UsageError } from '../io.js';
import { csvLine, fields, formatTable, printList } from '../output.js';
import { failWith, globalsOf } from '../util.js';

const WINDOWS = ['hour', 'day', 'week', 'month', 'quarter', 'year', 'total'] as const;
const GROUP_KEYS = ['installation', 'provider', 'project', 'group_id', 'user_id'] as const;
const AGGREGATIONS = ['sum', 'count', 'avg', 'min', 'max'] as const;
/** A chart is at most this many columns of data; longer series are averaged down to it. */
const CHART_WIDTH = 100;

interface UsageFlags {
  project?: string;
  installation?: string;
  provider?: string;
  start: string;
  end: string;
  window?: UsageOptions['window'];
  tz?: string;
  metricDefinitionId?: string[];
  groupBy?: string[];
  groupId?: string;
  userId?: string;
  aggregation?: UsageOptions['aggregation'];
  fill?: UsageOptions['fill'];
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
/** `--group-by provider --group-by installation` or `--group-by provider,installation`; the server checks the keys. */
const collectKeys = (value: string, previous: string[] | undefined) => [...(previous ?? []), ...value.split(',').map((s) => s.trim())];

/** The group keys in the order the answer's `group` objects hold them (the order asked). */
const groupKeysOf = (answer: UsageAnswer) => Object.keys(answer.series[0]?.group ?? {});
const groupLabel = (s: UsageSeries) =>
  Object.entries(s.group)
    .map(([k, v]) => `${k}=${v ?? '-'}`)
    .join(' ');
const value = (v: number | null) => (v === null ? '' : String(v));

/** usage-api.md §3's CSV shape: one row per point. */
function usageCsv(answer: UsageAnswer): string {
  const keys = groupKeysOf(answer);
  const header = ['metric_definition_id', 'metric_name', 'unit_type', ...keys, 'window_start', 'window_end', 'value', 'count'];
  const rows = answer.series.flatMap((s) =>
    s.points.map((p) => [s.metric_definition_id, s.metric_name, s.unit_type, ...keys.map((k) => s.group[k]), p.start, p.end, p.value, p.count]),
  );
  return [csvLine(header), ...rows.map(csvLine)].join('\n');
}

function usageTable(answer: UsageAnswer): string {
  if (answer.series.length === 0) return '(no metrics)';
  const keys = groupKeysOf(answer);
  const header = ['METRIC', 'UNIT', ...keys.map((k) => k.toUpperCase()), 'START', 'END', answer.aggregation.toUpperCase(), 'COUNT'];
  const rows = answer.series.flatMap((s) =>
    s.points.map((p) => [s.metric_name, s.unit_type, ...keys.map((k) => s.group[k] ?? '-'), p.start, p.end, value(p.value), String(p.count)]),
  );
  return formatTable(header, rows, false);
}

/** Averages neighbouring windows so a long series fits the terminal; empty windows (null) stay gaps. */
function resample(values: (number | null)[], width: number): number[] {
  const nums = values.map((v) => (v === null ? Number.NaN : v));
  if (nums.length <= width) return nums;
  const out: number[] = [];
  for (let i = 0; i < width; i++) {
    const slice = nums.slice(Math.floor((i * nums.length) / width), Math.floor(((i + 1) * nums.length) / width)).filter((v) => !Number.isNaN(v));
    out.push(slice.length === 0 ? Number.NaN : slice.reduce((a, b) => a + b, 0) / slice.length);
  }
  return out;
}

/** One line chart per series (asciichart), titled with its metric and group, with the range under it. */
function usageChart(answer: UsageAnswer): string {
  if (answer.series.length === 0) return '(no metrics)';
  return answer.series
    .map((s) => {
      const title = `${s.metric_name} (${s.unit_type})${Object.keys(s.group).length > 0 ? ` ${groupLabel(s)}` : ''} — ${answer.aggregation} per ${answer.window}, total ${value(s.total)}`;
      const values = resample(
        s.points.map((p) => p.value),
        CHART_WIDTH,
      );
      const first = s.points[0];
      const last = s.points[s.points.length - 1];
      const range = first && last ? `${first.start} … ${last.end} (${s.points.length} windows, ${answer.tz})` : '';
      // A single point (window=total) or a flat line still draws: asciichart needs a span, so give it one.
      const body = values.some((v) => !Number.isNaN(v)) ? plot(values.length === 1 ? [values[0], values[0]] : values, { height: 8 }) : '(no values)';
      return [title, body, range].join('\n');
    })
    .join('\n\n');
}

const oneOf =
  <T extends string>(name: string, values: readonly T[]) =>
  (v: string): T => {
    if (!(values as readonly string[]).includes(v)) throw new InvalidArgumentError(`${name} must be one of ${values.join(', ')}.`);
    return v as T;
  };

const positiveInteger = (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('must be a positive integer.');
  return Number(v);
};

export function registerUsage(program: Command): void {
  program
    .command('usage')
    .description('usage over time in windows (hour … year, total): of a project, installation or provider, or of everything you may see')
    .option('--project <id>', 'a project (with --provider: that provider within the project)')
    .option('--installation <id>', 'one installation')
    .option('--provider <id>', 'a provider across its projects (provider representatives), or within --project')
    .requiredOption('--start <date|instant>', 'yyyy-MM-dd (00:00 in --tz) or an ISO-8601 instant; inclusive')
    .requiredOption('--end <date|instant>', 'as --start; exclusive')
    .addOption(new Option('--window <w>', 'window length').choices(WINDOWS))
    .option('--tz <zone>', 'IANA time zone of dates and windows (default UTC)')
    .option('--metric-definition-id <id>', 'only this definition (repeatable)', collect)
    .option('--group-by <keys>', `split series by ${GROUP_KEYS.join(', ')} (repeatable or comma-separated)`, collectKeys)
    .option('--group-id <id>', 'only metrics of this group')
    .option('--user-id <id>', 'only metrics of this user')
    .addOption(new Option('--aggregation <a>', 'of the values in a window').argParser(oneOf('aggregation', AGGREGATIONS)))
    .addOption(new Option('--fill <f>', 'zero: every window; none: only windows with metrics').choices(['zero', 'none']))
    .addHelpText('after', '\n--output: text or table (default), csv, json, or chart (one terminal line chart per series).')
    .action(async (o: UsageFlags, cmd: Command) => {
      const g = globalsOf(cmd);
      if (o.installation !== undefined && (o.project !== undefined || o.provider !== undefined))
        throw new UsageError('--installation cannot be combined with --project or --provider.');
      const options: UsageOptions = {
        start: o.start,
        end: o.end,
        window: o.window,
        tz: o.tz,
        metricDefinitionId: o.metricDefinitionId,
        groupBy: o.groupBy as UsageOptions['groupBy'],
        groupId: o.groupId,
        userId: o.userId,
        aggregation: o.aggregation,
        fill: o.fill,
      };
      const acc = createClient(g);
      const answer = await (
        o.installation !== undefined
          ? acc.installation(o.installation).usage(options)
          : o.project !== undefined && o.provider !== undefined
            ? acc.project(o.project).provider(o.provider).usage(options)
            : o.project !== undefined
              ? acc.project(o.project).usage(options)
              : o.provider !== undefined
                ? acc.provider(o.provider).usage(options)
                : acc.usage(options)
      ).catch(failWith('Error while fetching usage'));
      const format = String(cmd.optsWithGlobals<{ output?: string }>().output);
      if (format === 'json') out(JSON.stringify(answer, null, 2));
      else if (format === 'csv') out(usageCsv(answer));
      else if (format === 'chart') out(usageChart(answer));
      else out(usageTable(answer));
    });

  program
    .command('freshness')
    .description('the installations you may see, stalest first (never-reported first): who stopped reporting')
    .option('--stale-after-hours <n>', 'only installations silent for at least n hours', positiveInteger)
    .action(async (o: { staleAfterHours?: number }, cmd: Command) => {
      const g = globalsOf(cmd);
      const rows = createClient(g).freshness({ staleAfterHours: o.staleAfterHours, pageSize: g.pageSize });
      const columns = fields<FreshnessRow>(
        'installation_id',
        'installation',
        'project',
        'provider',
        'last_pushed_at',
        'last_period_end',
        'metrics_last_24h',
      );
      await printList(rows, g.output === 'text' ? 'table' : g.output, {
        columns,
        text: (r) => r.installation,
        empty: '(no installations)',
      }).catch(failWith('Error while fetching freshness'));
    });
}
