import type { Command } from 'commander';
import type { AggregatedMetric, GenericProviderReport, InstallationReport, ProjectReport, ProviderReport } from '@acc/client';
import { createClient } from '../config.js';
import { out } from '../io.js';
import { csvLine, formatTable, type Format } from '../output.js';
import { failWith, globalsOf } from '../util.js';

interface Row {
  project: string;
  provider: string;
  installation_id: string;
  installation: string;
  metric_definition_id: string;
  metric_name: string;
  unit_type: string;
  from: string;
  to: string;
  total_value: number;
  capacity_value?: number;
  usage_percentage?: number;
}

const rowsOf = (r: InstallationReport): Row[] =>
  r.data.flatMap((d) =>
    d.periods.map((p) => ({
      project: r.project,
      provider: r.provider,
      installation_id: r.installation_id,
      installation: r.installation,
      metric_definition_id: d.metric_definition_id,
      metric_name: d.metric_name,
      unit_type: d.unit_type,
      from: p.from,
      to: p.to,
      total_value: p.total_value,
      capacity_value: p.capacity_value,
      usage_percentage: p.usage_percentage,
    })),
  );

const BAR = 10;
const usageCell = (pct: number | undefined) => {
  if (pct === undefined || pct === null) return '-';
  const filled = Math.max(0, Math.min(BAR, Math.round(pct / (100 / BAR))));
  // Over 100% the bar is full and marked, so overuse stands out in a wall of numbers.
  return `${pct.toFixed(2)}% [${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}]${pct > 100 ? ' !' : ''}`;
};
const day = (instant: string) => (instant.endsWith('T00:00:00Z') ? instant.slice(0, 10) : instant);
const num = (n: number | undefined) => (n === undefined || n === null ? '-' : String(n));

function usageTable(rows: Row[], withInstallation: boolean): string {
  const header = [...(withInstallation ? ['INSTALLATION'] : []), 'METRIC', 'UNIT', 'FROM', 'TO', 'TOTAL', 'CAPACITY', 'USAGE'];
  const body = rows.map((r) => [
    ...(withInstallation ? [r.installation] : []),
    r.metric_name,
    r.unit_type,
    day(r.from),
    day(r.to),
    num(r.total_value),
    num(r.capacity_value),
    usageCell(r.usage_percentage),
  ]);
  return body.length === 0 ? '  (no metrics)' : formatTable(header, body, false).replace(/^/gm, '  ');
}

const totalsTable = (aggregated: AggregatedMetric[]) =>
  aggregated.length === 0
    ? '  (no metrics)'
    : formatTable(
        ['METRIC', 'UNIT', 'TOTAL'],
        aggregated.map((a) => [a.metric_name, a.unit_type, num(a.total_value)]),
        false,
      ).replace(/^/gm, '  ');

function installationText(r: InstallationReport): string {
  return `Installation ${r.installation} (ID: ${r.installation_id}) — project ${r.project}, provider ${r.provider}\n${usageTable(rowsOf(r), false)}`;
}

function providerText(r: ProviderReport): string {
  const rows = r.data.flatMap(rowsOf);
  return `Provider ${r.name} (ID: ${r.provider_id})\n${usageTable(rows, true)}\n  Totals:\n${totalsTable(r.aggregated_metrics).replace(/^/gm, '  ')}`;
}

function projectText(r: ProjectReport): string {
  const parts = [`Project ${r.acronym} — ${r.title} (ID: ${r.id})`, ...r.data.map((p) => providerText(p).replace(/^/gm, '  '))];
  parts.push(`Project totals:\n${totalsTable(r.aggregated_metrics)}`);
  return parts.join('\n');
}

function genericText(r: GenericProviderReport): string {
  return [...r.reports.map(providerText), `Totals across projects:\n${totalsTable(r.aggregated_metrics)}`].join('\n');
}

const CSV_HEADER = [
  'project',
  'provider',
  'installation_id',
  'installation',
  'metric_definition_id',
  'metric_name',
  'unit_type',
  'from',
  'to',
  'total_value',
  'capacity_value',
  'usage_percentage',
] as const;

function printReport<R extends object>(report: R, format: Format, text: (r: R) => string, installations: (r: R) => InstallationReport[]): void {
  if (format === 'json') return out(JSON.stringify(report, null, 2));
  if (format === 'csv') {
    const rows = installations(report).flatMap(rowsOf);
    return out([csvLine([...CSV_HEADER]), ...rows.map((r) => csvLine(CSV_HEADER.map((k) => r[k])))].join('\n'));
  }
  out(text(report));
}

interface Range {
  start: string;
  end: string;
}

export function registerReport(program: Command): void {
  const report = program.command('report').description('usage reports with capacity, over a period');
  const range = (c: Command) =>
    c
      .requiredOption('--start <yyyy-MM-dd>', 'first day of the period')
      .requiredOption('--end <yyyy-MM-dd>', 'end of the period (midnight, exclusive)');

  range(
    report
      .command('installation')
      .description('usage of one installation, per metric definition and capacity period')
      .argument('<id>', 'installation id'),
  ).action(async (id: string, o: Range, cmd: Command) => {
    const g = globalsOf(cmd);
    const r = await createClient(g).installation(id).report(o).catch(failWith('Error while fetching the report'));
    printReport(r, g.output, installationText, (x) => [x]);
  });

  range(
    report.command('project').description('usage of a project: every provider and installation, with totals').argument('<id>', 'project id'),
  ).action(async (id: string, o: Range, cmd: Command) => {
    const g = globalsOf(cmd);
    const r = await createClient(g).project(id).report(o).catch(failWith('Error while fetching the report'));
    printReport(r, g.output, projectText, (x) => x.data.flatMap((p) => p.data));
  });

  range(
    report
      .command('provider')
      .description('usage of a provider within --project, or across all its projects (provider representatives)')
      .argument('<id>', 'provider id')
      .option('--project <id>', 'restrict to this project'),
  ).action(async (id: string, o: Range & { project?: string }, cmd: Command) => {
    const g = globalsOf(cmd);
    const acc = createClient(g);
    if (o.project !== undefined) {
      const r = await acc.project(o.project).provider(id).report(o).catch(failWith('Error while fetching the report'));
      printReport(r, g.output, providerText, (x) => x.data);
    } else {
      const r = await acc.provider(id).report(o).catch(failWith('Error while fetching the report'));
      printReport(r, g.output, genericText, (x) => x.reports.flatMap((p) => p.data));
    }
  });
}
