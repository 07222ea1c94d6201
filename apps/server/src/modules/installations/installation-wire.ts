import type { Installation, InstallationCapacity } from '@acc/contracts';
import type { CapacityRow, InstallationRow, MetricDefinitionRow } from '@acc/db';
import { toMetricDefinitionWire } from '../metric-definitions/metric-definition-wire.js';
import { formatInstant } from '../metrics/instants.js';
import type { InstallationRepository } from './installation-repository.js';

export const toCapacityWire = (c: CapacityRow): InstallationCapacity => ({
  id: c.id,
  installation_id: c.installationId,
  metric_definition_id: c.metricDefinitionId,
  // numeric arrives as exact decimal text; the wire carries a JSON number.
  value: Number(c.value),
  registered_on: formatInstant(c.registeredOn),
});

/** What an installation's wire form embeds besides its own row. */
export interface InstallationDetails {
  definitions: Map<string, MetricDefinitionRow>;
  /** Present only where §4.6 lists capacities: get-by-id, /installations/all and search. */
  capacities?: Map<string, CapacityRow[]>;
}

export async function loadDetails(repo: InstallationRepository, rows: InstallationRow[], withCapacities: boolean): Promise<InstallationDetails> {
  const definitionIds = [...new Set(rows.map((r) => r.unitOfAccess).filter((id): id is string => id !== null))];
  const definitions = new Map((await repo.definitions(definitionIds)).map((d) => [d.id, d]));
  if (!withCapacities) return { definitions };
  const capacities = new Map<string, CapacityRow[]>(rows.map((r) => [r.id, []]));
  for (const c of await repo.capacities(rows.map((r) => r.id))) capacities.get(c.installationId)?.push(c);
  return { definitions, capacities };
}

export function toInstallationWire(row: InstallationRow, details: InstallationDetails): Installation {
  // A unit_of_access whose definition was deleted is omitted rather than shown dangling (§4.6).
  const definition = row.unitOfAccess === null ? undefined : details.definitions.get(row.unitOfAccess);
  const capacities = details.capacities?.get(row.id);
  return {
    id: row.id,
    project: row.projectId,
    organisation: row.providerId,
    infrastructure: row.infrastructure,
    installation: row.installation,
    ...(row.resourceId !== null && { resource: row.resourceId }),
    external_id: row.externalId,
    ...(definition && { unit_of_access: toMetricDefinitionWire(definition) }),
    ...(capacities && { capacities: capacities.map(toCapacityWire) }),
  };
}

/** Rows to wire, loading what they embed in two queries for the whole page. */
export async function toInstallationsWire(repo: InstallationRepository, rows: InstallationRow[], withCapacities: boolean): Promise<Installation[]> {
  const details = await loadDetails(repo, rows, withCapacities);
  return rows.map((r) => toInstallationWire(r, details));
}
