import type { EntityManager } from 'typeorm';
import { AlertRuleEntity, type AlertRuleRow } from '@acc/db';

/** A rule as listings and access see it: never its secret; an installation scope with its project and provider. */
export type AlertRuleRecord = Omit<AlertRuleRow, 'webhookSecret'> & { installationProjectId: string | null; installationProviderId: string | null };

/** A rule's own columns (alias `r`), without its webhook and secret: what evaluation reads. */
export const RULE_COLUMNS = `r.id, r.name, r.kind, r.installation_id, r.project_id, r.provider_id, r.metric_definition_id, r.threshold_percent,
  r.threshold_value, r.usage_window, r.tz, r.silence_minutes, r.enabled, r.state, r.last_value, r.updated_at`;

const COLUMNS = `${RULE_COLUMNS}, r.webhook_url, r.creator_id, r.created_at,
  i.project_id AS installation_project_id, i.provider_id AS installation_provider_id`;

/** The row of `RULE_COLUMNS` as the driver returns it (numerics may come as text). */
export interface RuleRaw {
  id: string;
  name: string;
  kind: string;
  installation_id: string | null;
  project_id: string | null;
  provider_id: string | null;
  metric_definition_id: string | null;
  threshold_percent: number | null;
  threshold_value: number | string | null;
  usage_window: string | null;
  tz: string | null;
  silence_minutes: number | null;
  enabled: boolean;
  state: string;
  last_value: number | string | null;
  updated_at: Date | string;
}

interface Raw extends RuleRaw {
  webhook_url: string;
  creator_id: string;
  created_at: Date;
  installation_project_id: string | null;
  installation_provider_id: string | null;
}

export type RuleFields = Pick<
  AlertRuleRow,
  | 'id'
  | 'name'
  | 'kind'
  | 'installationId'
  | 'projectId'
  | 'providerId'
  | 'metricDefinitionId'
  | 'thresholdPercent'
  | 'thresholdValue'
  | 'usageWindow'
  | 'tz'
  | 'silenceMinutes'
  | 'enabled'
  | 'state'
  | 'lastValue'
  | 'updatedAt'
>;

export const toRuleFields = (r: RuleRaw): RuleFields => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  installationId: r.installation_id,
  projectId: r.project_id,
  providerId: r.provider_id,
  metricDefinitionId: r.metric_definition_id,
  thresholdPercent: r.threshold_percent,
  thresholdValue: r.threshold_value === null ? null : Number(r.threshold_value),
  usageWindow: r.usage_window,
  tz: r.tz,
  silenceMinutes: r.silence_minutes,
  enabled: r.enabled,
  state: r.state,
  lastValue: r.last_value === null ? null : Number(r.last_value),
  updatedAt: new Date(r.updated_at),
});

const toRecord = (r: Raw): AlertRuleRecord => ({
  ...toRuleFields(r),
  webhookUrl: r.webhook_url,
  creatorId: r.creator_id,
  createdAt: new Date(r.created_at),
  installationProjectId: r.installation_project_id,
  installationProviderId: r.installation_provider_id,
});

export type AlertRuleChanges = Partial<
  Pick<
    AlertRuleRow,
    'name' | 'thresholdPercent' | 'thresholdValue' | 'usageWindow' | 'tz' | 'silenceMinutes' | 'webhookUrl' | 'webhookSecret' | 'enabled'
  >
>;

/** SQL of alert rules; the secret leaves only through `webhookTarget`, for signing. */
export class AlertRuleRepository {
  constructor(private readonly m: EntityManager) {}

  async insert(row: Omit<AlertRuleRow, 'createdAt' | 'updatedAt'>): Promise<void> {
    await this.m.getRepository(AlertRuleEntity).insert(row);
  }

  async find(id: string): Promise<AlertRuleRecord | undefined> {
    const rows: Raw[] = await this.m.query(
      `SELECT ${COLUMNS} FROM alert_rules r LEFT JOIN installations i ON i.id = r.installation_id WHERE r.id = $1`,
      [id],
    );
    return rows[0] && toRecord(rows[0]);
  }

  /** Every rule in creation order; the caller filters by access (rules are few next to metrics). */
  async all(): Promise<AlertRuleRecord[]> {
    const rows: Raw[] = await this.m.query(
      `SELECT ${COLUMNS} FROM alert_rules r LEFT JOIN installations i ON i.id = r.installation_id ORDER BY r.created_at, r.id`,
    );
    return rows.map(toRecord);
  }

  /** Applies the given changes; `updated_at` moves, so silence is counted afresh from the change. */
  async update(id: string, changes: AlertRuleChanges, state?: { state: string; lastValue: number | null }): Promise<void> {
    const set: Record<string, unknown> = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    await this.m.getRepository(AlertRuleEntity).update({ id }, { ...set, ...state, updatedAt: () => 'clock_timestamp()' });
  }

  /** The rule's webhook URL and secret, for the dispatcher alone (signing needs the secret in clear). */
  async webhookTarget(id: string): Promise<{ url: string; secret: string } | undefined> {
    const rows: { webhook_url: string; webhook_secret: string }[] = await this.m.query(
      'SELECT webhook_url, webhook_secret FROM alert_rules WHERE id = $1',
      [id],
    );
    return rows[0] && { url: rows[0].webhook_url, secret: rows[0].webhook_secret };
  }

  async delete(id: string): Promise<void> {
    await this.m.getRepository(AlertRuleEntity).delete({ id });
  }
}
