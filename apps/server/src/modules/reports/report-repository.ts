import type { EntityManager } from 'typeorm';
import { InstallationEntity, ProviderEntity, type InstallationRow, type ProviderRow } from '@acc/db';
import type { Period } from './periods.js';

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
   * Σ value per period in one statement: the periods travel as parallel arrays, and each sums, in a
   * LATERAL subquery (an index range scan on its installation, definition and start), the metrics lying
   * wholly inside [from, to]; periods without any metric are dropped and keep their default. A plain
   * JOIN let the planner hash-join the periods against a sequential scan of the whole table. Values are
   * summed and divided in numeric, so totals carry no binary noise and rounding is exact half-up. Each
   * double goes through its text form, the shortest that reads back as the same double (what JSON
   * shows for it), because a direct cast to numeric keeps only 15 significant digits.
   */
  async sums(periods: readonly PeriodKey[], owner: MetricOwnerFilter): Promise<PeriodSum[]> {
    const out: PeriodSum[] = periods.map((p) => ({ total: '0', usage: p.capacity !== null && Number(p.capacity) !== 0 ? '0' : null }));
    if (periods.length === 0) return out;
    const params: unknown[] = [
      periods.map((p) => p.installationId),
      periods.map((p) => p.definitionId),
      periods.map((p) => p.from),
      periods.map((p) => p.to),
      periods.map((p) => p.capacity),
    ];
    let ownerSql = '';
    if (owner.groupId !== undefined) ownerSql += ` AND m.group_id = $${params.push(owner.groupId)}`;
    if (owner.userId !== undefined) ownerSql += ` AND m.user_id = $${params.push(owner.userId)}`;
    const rows: { n: string; total: string; usage: string | null }[] = await this.m.query(
      `SELECT p.n, s.total::text AS total, (round(s.total / NULLIF(p.cap, 0), 4) * 100)::text AS usage
         FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::numeric[]) WITH ORDINALITY AS p(inst, def, f, t, cap, n)
         CROSS JOIN LATERAL (
           SELECT sum(m.value::text::numeric) AS total FROM metrics m
            WHERE m.installation_id = p.inst AND m.metric_definition_id = p.def
              AND m.time_period_start >= p.f AND m.time_period_start <= p.t
              AND m.time_period_end >= p.f AND m.time_period_end <= p.t${ownerSql}
         ) s
        WHERE s.total IS NOT NULL`,
      params,
    );
    for (const r of rows) out[Number(r.n) - 1] = { total: r.total, usage: r.usage };
    return out;
  }
}
