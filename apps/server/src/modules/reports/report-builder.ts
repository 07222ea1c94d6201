import type { AggregatedMetric, InstallationReport, ProviderReport, ReportPeriod } from '@acc/contracts';
import type { InstallationRow, ProviderRow } from '@acc/db';
import { formatInstant } from '../metrics/instants.js';
import { splitPeriods, type CapacityPoint } from './periods.js';
import type { DefinitionInUse, MetricOwnerFilter, PeriodKey, ReportRepository } from './report-repository.js';

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
export async function installationReports(repo: ReportRepository, installations: readonly InstallationRow[], w: ReportWindow): Promise<InstallationReport[]> {
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

  const dataOf = new Map<string, InstallationReport['data']>(ids.map((id) => [id, []]));
  for (const { definition: d, first, count } of entries) {
    const periods: ReportPeriod[] = [];
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
export function aggregate(items: Iterable<AggregatedMetric>): AggregatedMetric[] {
  const byDefinition = new Map<string, AggregatedMetric>();
  for (const item of items) {
    const seen = byDefinition.get(item.metric_definition_id);
    if (seen) seen.total_value += item.total_value;
    else byDefinition.set(item.metric_definition_id, { ...item });
  }
  return [...byDefinition.values()];
}

/** Every period's total of every installation, as aggregate input. */
function* periodTotals(reports: readonly InstallationReport[]): Iterable<AggregatedMetric> {
  for (const r of reports)
    for (const d of r.data) {
      const { periods, ...definition } = d;
      yield { ...definition, total_value: periods.reduce((sum, p) => sum + p.total_value, 0) };
    }
}

export function providerReport(provider: ProviderRow, data: InstallationReport[]): ProviderReport {
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
