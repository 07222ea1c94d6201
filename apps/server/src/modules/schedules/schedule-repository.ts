import type { EntityManager } from 'typeorm';
import { ReportScheduleEntity, type ReportScheduleRow } from '@acc/db';

/** A schedule as listings, access and the runner see it: never its secret; an installation scope with its project and provider. */
export type ReportScheduleRecord = Omit<ReportScheduleRow, 'webhookSecret'> & {
  installationProjectId: string | null;
  installationProviderId: string | null;
};

const COLUMNS = `s.id, s.name, s.installation_id, s.project_id, s.provider_id, s.every, s.tz, s.webhook_url, s.enabled, s.last_period_end,
  s.creator_id, s.created_at, s.updated_at, i.project_id AS installation_project_id, i.provider_id AS installation_provider_id`;
const FROM = 'FROM report_schedules s LEFT JOIN installations i ON i.id = s.installation_id';

interface Raw {
  id: string;
  name: string;
  installation_id: string | null;
  project_id: string | null;
  provider_id: string | null;
  every: string;
  tz: string;
  webhook_url: string;
  enabled: boolean;
  last_period_end: string;
  creator_id: string;
  created_at: Date;
  updated_at: Date;
  installation_project_id: string | null;
  installation_provider_id: string | null;
}

const toRecord = (r: Raw): ReportScheduleRecord => ({
  id: r.id,
  name: r.name,
  installationId: r.installation_id,
  projectId: r.project_id,
  providerId: r.provider_id,
  every: r.every,
  tz: r.tz,
  webhookUrl: r.webhook_url,
  enabled: r.enabled,
  lastPeriodEnd: r.last_period_end,
  creatorId: r.creator_id,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
  installationProjectId: r.installation_project_id,
  installationProviderId: r.installation_provider_id,
});

export type ReportScheduleChanges = Partial<
  Pick<ReportScheduleRow, 'name' | 'every' | 'tz' | 'webhookUrl' | 'webhookSecret' | 'enabled' | 'lastPeriodEnd'>
>;

/** SQL of report schedules; the secret leaves only for signing, never through these records. */
export class ReportScheduleRepository {
  constructor(private readonly m: EntityManager) {}

  async insert(row: Omit<ReportScheduleRow, 'createdAt' | 'updatedAt'>): Promise<void> {
    await this.m.getRepository(ReportScheduleEntity).insert(row);
  }

  async find(id: string): Promise<ReportScheduleRecord | undefined> {
    const rows: Raw[] = await this.m.query(`SELECT ${COLUMNS} ${FROM} WHERE s.id = $1`, [id]);
    return rows[0] && toRecord(rows[0]);
  }

  /** Every schedule in creation order; the caller filters by access (schedules are few). */
  async all(): Promise<ReportScheduleRecord[]> {
    const rows: Raw[] = await this.m.query(`SELECT ${COLUMNS} ${FROM} ORDER BY s.created_at, s.id`);
    return rows.map(toRecord);
  }

  /** The enabled schedules: the runner's candidates. */
  async enabled(): Promise<ReportScheduleRecord[]> {
    const rows: Raw[] = await this.m.query(`SELECT ${COLUMNS} ${FROM} WHERE s.enabled ORDER BY s.created_at, s.id`);
    return rows.map(toRecord);
  }

  /**
   * Locks the schedule's row for the rest of the transaction and moves its last sent period from `from`
   * to `to`; false when another run moved it first (or the schedule changed or went away), so that run's
   * event is the only one.
   */
  async claimPeriod(id: string, from: string, to: string): Promise<boolean> {
    const rows: { last_period_end: string; enabled: boolean }[] = await this.m.query(
      'SELECT last_period_end, enabled FROM report_schedules WHERE id = $1 FOR UPDATE',
      [id],
    );
    if (rows.length === 0 || !rows[0].enabled || rows[0].last_period_end !== from) return false;
    await this.m.getRepository(ReportScheduleEntity).update({ id }, { lastPeriodEnd: to });
    return true;
  }

  async update(id: string, changes: ReportScheduleChanges): Promise<void> {
    const set: Record<string, unknown> = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    await this.m.getRepository(ReportScheduleEntity).update({ id }, { ...set, updatedAt: () => 'clock_timestamp()' });
  }

  async delete(id: string): Promise<void> {
    await this.m.getRepository(ReportScheduleEntity).delete({ id });
  }
}
