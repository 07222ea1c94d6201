import type { AggregatedMetric, InstallationReport, ProviderReport, ReportPeriod } from '@acc/contracts';
import type { InstallationRow, ProviderRow } from '@acc/db';
import { formatInstant } from '../metrics/instants.js';
import { sumDecimals } from './decimal.js';
import { splitPeriods, type CapacityPoint } from './periods.js';
import type { DefinitionInUse, MetricOwnerFilter, PeriodKey, ReportRepository } from './report-repository.js';

/*
 * Reports are built with every `total_value` still exact decimal text, so that sums of sums stay exact;
 * the *Wire functions turn them into JSON numbers once, when the report is answered.
 */
type ExactPeriod = Omit<ReportPeriod, 'total_value'> & { total_value: string };
type ExactDefinitionData = Omit<InstallationReport['data'][number], 'periods'> & { periods: ExactPeriod[] };
export type ExactInstallationReport = Omit<InstallationReport, 'data'> & { data: ExactDefinitionData[] };
export type ExactAggregated = Omit<AggregatedMetric, 'total_value'> & { total_value: string };
export type ExactProviderReport = Omit<ProviderReport, 'aggregated_metrics' | 'data'> & {
  aggregated_metrics: ExactAggregated[];
  data: ExactInstallationReport[];
};

export const installationWire = (r: ExactInstallationReport): InstallationReport => ({
  ...r,
  data: r.data.map((d) => ({ ...d, periods: d.periods.map((p) => ({ ...p, total_value: Number(p.total_value) })) })),
});
export const aggregatedWire = (list: readonly ExactAggregated[]): AggregatedMetric[] =>
  list.map((a) => ({ ...a, total_value: Number(a.total_value) }));
export const providerWire = (r: ExactProviderReport): ProviderReport => ({
  ...r,
  aggregated_metrics: aggregatedWire(r.aggregated_metrics),
  data: r.data.map(installationWire),
});

export interface ReportWindow {
  /** `start` at 00:00Z. */
  from: Date;
  /** `end` at 00:00Z: not end-of-day (§5). */
  to: Date;
  owner: MetricOwnerFilter;
}

const pairKey = (installationId: string, definitionId: string) => JSON.stringify([installationId, definitionId]);

/**
 * Installation reports for any set of installations with a fixed number of queries: definitions in use,
 * capacities, then every period's sum at once. Periods are split here (few capacities); metrics are
 * only ever summed in SQL.
 */
export async function installationReports(
  repo: ReportRepository,
  installations: readonly InstallationRow[],
  w: ReportWindow,
): Promise<ExactInstallationReport[]> {
  if (installations.length === 0) return [];
  const ids = installations.map((i) => i.id);
  const definitions = await repo.definitionsInUse(ids);
  const capacities = await repo.capacitiesOf(ids);

  const capsByPair = new Map<string, CapacityPoint[]>();
  for (const c of capacities) {
    const key = pairKey(c.installation_id, c.metric_definition_id);
    const list = capsByPair.get(key) ?? [];
    list.push({ registeredOn: c.registered_on, value: c.value });
    capsByPair.set(key, list);
  }

  const entries: { definition: DefinitionInUse; first: number; count: number }[] = [];
  const keys: PeriodKey[] = [];
  for (const d of definitions) {
    const periods = splitPeriods(w.from, w.to, capsByPair.get(pairKey(d.installation_id, d.metric_definition_id)) ?? []);
    entries.push({ definition: d, first: keys.length, count: periods.length });
    for (const p of periods) keys.push({ ...p, installationId: d.installation_id, definitionId: d.metric_definition_id });
  }
  const sums = await repo.sums(keys, w.owner);

  const dataOf = new Map<string, ExactDefinitionData[]>(ids.map((id) => [id, []]));
  for (const { definition: d, first, count } of entries) {
    const periods: ExactPeriod[] = [];
    for (let i = first; i < first + count; i++) {
      const { from, to, capacity } = keys[i];
      const { total, usage } = sums[i];
      periods.push({
        from: formatInstant(from),
        to: formatInstant(to),
        total_value: total,
        ...(capacity !== null && { capacity_value: Number(capacity) }),
        ...(usage !== null && { usage_percentage: Number(usage) }),
      });
    }
    dataOf.get(d.installation_id)!.push({
      metric_definition_id: d.metric_definition_id,
      metric_name: d.metric_name,
      metric_description: d.metric_description,
      unit_type: d.unit_type,
      metric_type: d.metric_type,
      periods,
    });
  }

  return installations.map((i) => ({
    installation_id: i.id,
    project: i.projectId,
    provider: i.providerId,
    installation: i.installation,
    infrastructure: i.infrastructure,
    resource: i.resourceId ?? '',
    external_id: i.externalId,
    data: dataOf.get(i.id)!,
  }));
}

/** Per-definition sums of the given (definition, total) pairs, in order of first appearance. */
export function aggregate(items: Iterable<ExactAggregated>): ExactAggregated[] {
  const byDefinition = new Map<string, { first: ExactAggregated; totals: string[] }>();
  for (const item of items) {
    const seen = byDefinition.get(item.metric_definition_id);
    if (seen) seen.totals.push(item.total_value);
    else byDefinition.set(item.metric_definition_id, { first: item, totals: [item.total_value] });
  }
  return [...byDefinition.values()].map(({ first, totals }) => ({ ...first, total_value: sumDecimals(totals) }));
}

/** Every period's total of every installation, as aggregate input. */
function* periodTotals(reports: readonly ExactInstallationReport[]): Iterable<ExactAggregated> {
  for (const r of reports)
    for (const d of r.data) {
      const { periods, ...definition } = d;
      yield { ...definition, total_value: sumDecimals(periods.map((p) => p.total_value)) };
    }
}

export function providerReport(provider: ProviderRow, data: ExactInstallationReport[]): ExactProviderReport {
  return {
    provider_id: provider.id,
    name: provider.name,
    website: provider.website,
    abbreviation: provider.abbreviation,
    logo: provider.logo,
    external_id: provider.externalId,
    aggregated_metrics: aggregate(periodTotals(data)),
    data,
  };
}
