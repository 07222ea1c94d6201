import type { EntityManager } from 'typeorm';
import { InstallationEntity, ProviderEntity, type InstallationRow, type ProviderRow } from '@acc/db';
import type { Period } from './periods.js';
import { periodSums } from '../rollups/rollup-period-sums.js';

export interface DefinitionInUse {
  installation_id: string;
  metric_definition_id: string;
  metric_name: string;
  metric_description: string | null;
  unit_type: string;
  metric_type: string;
}

export interface CapacityOf {
  installation_id: string;
  metric_definition_id: string;
  value: string;
  registered_on: Date;
}

/** One period to sum: which installation and definition, the window and its capacity. */
export interface PeriodKey extends Period {
  installationId: string;
  definitionId: string;
}

/** Sums narrowed to one group or one user (§5 group/user reports). */
export interface MetricOwnerFilter {
  groupId?: string;
  userId?: string;
}

export interface PeriodSum {
  /** Exact decimal text. */
  total: string;
  /** roundHalfUp(total / capacity, 4) * 100 as exact decimal text; null without a (non-zero) capacity. */
  usage: string | null;
}

export class ReportRepository {
  constructor(private readonly m: EntityManager) {}

  installationsOfProject(projectId: string, providerId?: string): Promise<InstallationRow[]> {
    return this.m.getRepository(InstallationEntity).find({
      where: providerId === undefined ? { projectId } : { projectId, providerId },
      order: { registeredOn: 'ASC', id: 'ASC' },
    });
  }

  installationsOfProvider(providerId: string): Promise<InstallationRow[]> {
    return this.m.getRepository(InstallationEntity).find({ where: { providerId }, order: { registeredOn: 'ASC', id: 'ASC' } });
  }

  /** The project's associated providers, in association order. */
  async providersOfProject(projectId: string): Promise<ProviderRow[]> {
    const ids: { provider_id: string }[] = await this.m.query(
      'SELECT provider_id FROM project_providers WHERE project_id = $1 ORDER BY associated_at, provider_id',
      [projectId],
    );
    if (ids.length === 0) return [];
    const rows = await this.m
      .getRepository(ProviderEntity)
      .createQueryBuilder('p')
      .where('p.id IN (:...ids)', { ids: ids.map((r) => r.provider_id) })
      .getMany();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((r) => byId.get(r.provider_id)).filter((r): r is ProviderRow => r !== undefined);
  }

  /**
   * Every definition an installation's metrics use, over ALL its metrics (§5: no window, no group/user
   * filter). Definitions are a small catalogue, so each (installation, definition) pair is one index probe.
   * The probe is a LATERAL `LIMIT 1`, not `WHERE EXISTS`: the planner estimates `unnest` at one row and
   * turns EXISTS into a hash aggregate over a sequential scan of the whole metrics table, which made
   * every report cost as much as the table (bench/README.md, "Bottlenecks").
   */
  definitionsInUse(installationIds: readonly string[]): Promise<DefinitionInUse[]> {
    return this.m.query(
      `SELECT i.id AS installation_id, md.id AS metric_definition_id, md.metric_name, md.metric_description, md.unit_type, md.metric_type
         FROM unnest($1::text[]) WITH ORDINALITY AS i(id, n)
         CROSS JOIN metric_definitions md
         CROSS JOIN LATERAL (SELECT 1 FROM metrics m WHERE m.installation_id = i.id AND m.metric_definition_id = md.id LIMIT 1) used
        ORDER BY i.n, md.created_at, md.id`,
      [installationIds],
    );
  }

  capacitiesOf(installationIds: readonly string[]): Promise<CapacityOf[]> {
    return this.m.query(
      `SELECT installation_id, metric_definition_id, value::text AS value, registered_on
         FROM capacities WHERE installation_id = ANY($1::text[])
        ORDER BY registered_on, created_at`,
      [installationIds],
    );
  }

  /**
   * Σ value per period from the rollups (`periodSums`: whole buckets, raw rows only near a period's
   * edges), then each usage in one statement. Totals and the division stay in numeric, so totals carry
   * no binary noise and rounding is exact half-up, as §5 prescribes.
   */
  async sums(periods: readonly PeriodKey[], owner: MetricOwnerFilter): Promise<PeriodSum[]> {
    if (periods.length === 0) return [];
    const totals = await periodSums(
      this.m,
      periods.map((p) => ({ installationId: p.installationId, definitionId: p.definitionId, from: p.from, to: p.to })),
      owner,
    );
    const out: PeriodSum[] = totals.map((total) => ({ total, usage: null }));
    const withCapacity = periods.flatMap((p, n) => (p.capacity !== null && Number(p.capacity) !== 0 ? [n] : []));
    if (withCapacity.length === 0) return out;
    const rows: { n: number; usage: string }[] = await this.m.query(
      `SELECT p.n, (round(p.total / p.cap, 4) * 100)::text AS usage
         FROM unnest($1::int[], $2::numeric[], $3::numeric[]) AS p(n, total, cap)`,
      [withCapacity, withCapacity.map((n) => totals[n]), withCapacity.map((n) => periods[n].capacity)],
    );
    for (const r of rows) out[Number(r.n)].usage = r.usage;
    return out;
  }
}
