import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { ApelRecord } from './parser.js';
import { measurementTime } from './record-repository.js';
import { ApelSummaryRepository } from './summary-repository.js';
import { retriedTransaction } from '../transaction.js';

/** The two metric definitions the bridge writes (unit `s`, type `aggregated`), seeded on first use. */
export const APEL_DEFINITIONS = {
  wall: { name: 'APEL wall-clock time', description: 'Daily wall-clock seconds of the VMs reported through APEL cloud accounting.' },
  cpu: { name: 'APEL CPU time', description: 'Daily CPU seconds of the VMs reported through APEL cloud accounting.' },
} as const;

const UNIT_TYPE = 's';
const METRIC_TYPE = 'aggregated';
/** System-owned rows carry an empty creator, like the seeded catalogue and EOSC-synced providers. */
const CREATOR = '';

/** 24 hex characters, the id format clients expect, derived from `parts` so recomputes hit the same row. */
export const deterministicId = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24);

export const apelMetricId = (installationId: string, definitionId: string, day: string) =>
  deterministicId('apel-metric', installationId, definitionId, day);

const dayOf = (d: Date) => d.toISOString().slice(0, 10);

interface InstallationInfo {
  id: string;
  project_id: string;
  provider_id: string;
  installation: string;
  infrastructure: string | null;
  resource_id: string | null;
  acronym: string;
}

/**
 * Optional bridge from APEL to ARGO metrics (`ACC_APEL_SITE_MAP`: SiteName → installation id). After a
 * message is stored, every installation one of its sites maps to gets its daily wall-clock and CPU
 * totals recomputed from the §3 summaries, as one metric per (installation, definition, UTC day).
 * Several sites may map to one installation; their totals are added.
 *
 * Only days from the earliest day the message touched are recomputed: a new snapshot on day D
 * changes the kept snapshot of D and the delta of the VM's next kept day, never an earlier day.
 */
export class ApelArgoBridge {
  private definitions?: { wall: string; cpu: string };
  private readonly sitesByInstallation = new Map<string, string[]>();

  constructor(
    private readonly db: DataSource,
    private readonly siteMap: Readonly<Record<string, string>>,
    private readonly log: (message: string) => void = () => {},
  ) {
    for (const [site, installation] of Object.entries(siteMap)) {
      const sites = this.sitesByInstallation.get(installation) ?? [];
      sites.push(site);
      this.sitesByInstallation.set(installation, sites);
    }
  }

  get enabled(): boolean {
    return this.sitesByInstallation.size > 0;
  }

  /** Never throws: the message is already stored, and the next message recomputes the same days. */
  async afterMessage(records: readonly ApelRecord[]): Promise<void> {
    const firstDay = new Map<string, string>();
    for (const r of records) {
      const installation = Object.hasOwn(this.siteMap, r.siteName) ? this.siteMap[r.siteName] : undefined;
      if (installation === undefined) continue;
      const day = dayOf(measurementTime(r));
      const seen = firstDay.get(installation);
      if (seen === undefined || day < seen) firstDay.set(installation, day);
    }
    for (const [installation, fromDay] of firstDay) {
      try {
        await this.recompute(installation, fromDay);
      } catch (err) {
        this.log(`APEL → ARGO: recomputing installation ${installation} failed: ${(err as Error).message}`);
      }
    }
  }

  /** Rewrites the installation's APEL metrics for days ≥ `fromDay` (YYYY-MM-DD). */
  async recompute(installationId: string, fromDay: string): Promise<void> {
    const sites = this.sitesByInstallation.get(installationId) ?? [];
    const defs = await this.ensureDefinitions();
    await retriedTransaction(this.db, async (em) => {
      // Serialises recomputes of one installation, so the last to commit saw every stored message.
      await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`apel-argo:${installationId}`]);
      const [inst] = await em.query<InstallationInfo[]>(
        `SELECT i.id, i.project_id, i.provider_id, i.installation, i.infrastructure, i.resource_id, p.acronym
         FROM installations i JOIN projects p ON p.id = i.project_id WHERE i.id = $1`,
        [installationId],
      );
      if (!inst) {
        this.log(`APEL → ARGO: installation ${installationId} (ACC_APEL_SITE_MAP) does not exist; metrics not written`);
        return;
      }
      const totals = await new ApelSummaryRepository(em).dailyTotals(sites, fromDay);
      const rows: { id: string; def: string; day: string; value: number }[] = [];
      for (const t of totals) {
        rows.push({ id: apelMetricId(inst.id, defs.wall, t.day), def: defs.wall, day: t.day, value: t.wall });
        if (t.cpu !== null) rows.push({ id: apelMetricId(inst.id, defs.cpu, t.day), def: defs.cpu, day: t.day, value: t.cpu });
      }
      await upsertMetrics(em, inst, rows);
      // Days or CPU values that no longer exist (e.g. a replaced record moved to another site).
      await em.query(
        `DELETE FROM metrics
         WHERE installation_id = $1 AND metric_definition_id = ANY($2::text[]) AND creator_id = $3
           AND time_period_start >= $4::timestamptz AND NOT (id = ANY($5::text[]))`,
        [inst.id, [defs.wall, defs.cpu], CREATOR, `${fromDay}T00:00:00Z`, rows.map((r) => r.id)],
      );
    });
  }

  private async ensureDefinitions(): Promise<{ wall: string; cpu: string }> {
    if (this.definitions) return this.definitions;
    const ids = {
      wall: await ensureDefinition(this.db.manager, APEL_DEFINITIONS.wall),
      cpu: await ensureDefinition(this.db.manager, APEL_DEFINITIONS.cpu),
    };
    this.definitions = ids;
    return ids;
  }
}

/** The definition with this name and unit `s` (case-insensitive, as the unique index), created if absent. */
async function ensureDefinition(em: EntityManager, def: { name: string; description: string }): Promise<string> {
  // ON CONFLICT without a target also covers the (lower(unit_type), lower(metric_name)) index, so a
  // definition an administrator created under the same name is reused rather than duplicated.
  await em.query(
    `INSERT INTO metric_definitions (id, metric_name, metric_description, unit_type, metric_type, creator_id)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
    [deterministicId('apel-definition', def.name), def.name, def.description, UNIT_TYPE, METRIC_TYPE, CREATOR],
  );
  const [row] = await em.query<{ id: string }[]>(
    `SELECT id FROM metric_definitions WHERE lower(unit_type) = lower($1) AND lower(metric_name) = lower($2)`,
    [UNIT_TYPE, def.name],
  );
  if (!row) throw new Error(`metric definition ${def.name} could not be created`);
  return row.id;
}

async function upsertMetrics(
  em: EntityManager,
  inst: InstallationInfo,
  rows: readonly { id: string; def: string; day: string; value: number }[],
): Promise<void> {
  if (rows.length === 0) return;
  // One statement for every day (columns as unnested arrays): the rollup trigger then takes its bucket
  // locks once, in key order, so it cannot deadlock with a bulk push to the same installation.
  await em.query(
    `INSERT INTO metrics (installation_id, id, metric_definition_id, time_period_start, time_period_end, value, creator_id,
                          project_id, provider_id, project_acronym, installation_name, infrastructure, resource, resource_id)
     SELECT $1, u.id, u.def, u.start, u.start + interval '24 hours', u.value, $2, $3, $4, $5, $6, $7, $8, $9
       FROM unnest($10::text[], $11::text[], $12::timestamptz[], $13::float8[]) AS u(id, def, start, value)
     ON CONFLICT (installation_id, id) DO UPDATE SET
       metric_definition_id = EXCLUDED.metric_definition_id, time_period_start = EXCLUDED.time_period_start,
       time_period_end = EXCLUDED.time_period_end, value = EXCLUDED.value, project_id = EXCLUDED.project_id,
       provider_id = EXCLUDED.provider_id, project_acronym = EXCLUDED.project_acronym,
       installation_name = EXCLUDED.installation_name, infrastructure = EXCLUDED.infrastructure,
       resource = EXCLUDED.resource, resource_id = EXCLUDED.resource_id`,
    [
      inst.id,
      CREATOR,
      inst.project_id,
      inst.provider_id,
      inst.acronym,
      inst.installation,
      inst.infrastructure,
      inst.resource_id,
      `${inst.project_id}.${inst.provider_id}.${inst.id}`,
      rows.map((r) => r.id),
      rows.map((r) => r.def),
      rows.map((r) => `${r.day}T00:00:00Z`),
      rows.map((r) => r.value),
    ],
  );
}
