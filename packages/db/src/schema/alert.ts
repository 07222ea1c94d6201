import { EntitySchema } from 'typeorm';

/**
 * Alerts and webhooks (alerts.md). A rule's scope is one of four shapes; its columns are the ids it
 * names (the others null). Events are an outbox: written in the transaction of the write that causes
 * them, delivered after commit, and kept as the delivery log.
 */
export interface AlertRuleRow {
  id: string;
  name: string;
  kind: string;
  installationId: string | null;
  projectId: string | null;
  providerId: string | null;
  metricDefinitionId: string | null;
  thresholdPercent: number | null;
  thresholdValue: number | null;
  usageWindow: string | null;
  tz: string | null;
  silenceMinutes: number | null;
  webhookUrl: string;
  /** Needed in clear to sign; never selected by listings nor written to logs. */
  webhookSecret: string;
  enabled: boolean;
  state: string;
  lastValue: number | null;
  creatorId: string;
  createdAt: Date;
  /** The rule's creation or last change: silence is counted from it when it is later than the last push. */
  updatedAt: Date;
}
export const AlertRuleEntity = new EntitySchema<AlertRuleRow>({
  name: 'AlertRule',
  tableName: 'alert_rules',
  columns: {
    id: { type: 'text', primary: true },
    name: { type: 'text' },
    kind: { type: 'text' },
    installationId: { name: 'installation_id', type: 'text', nullable: true },
    projectId: { name: 'project_id', type: 'text', nullable: true },
    providerId: { name: 'provider_id', type: 'text', nullable: true },
    metricDefinitionId: { name: 'metric_definition_id', type: 'text', nullable: true },
    thresholdPercent: { name: 'threshold_percent', type: 'int', nullable: true },
    thresholdValue: { name: 'threshold_value', type: 'double precision', nullable: true },
    usageWindow: { name: 'usage_window', type: 'text', nullable: true },
    tz: { type: 'text', nullable: true },
    silenceMinutes: { name: 'silence_minutes', type: 'int', nullable: true },
    webhookUrl: { name: 'webhook_url', type: 'text' },
    webhookSecret: { name: 'webhook_secret', type: 'text' },
    enabled: { type: 'boolean', default: true },
    state: { type: 'text', default: 'idle' },
    lastValue: { name: 'last_value', type: 'double precision', nullable: true },
    creatorId: { name: 'creator_id', type: 'text', default: '' },
    createdAt: { name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' },
    updatedAt: { name: 'updated_at', type: 'timestamptz', default: () => 'clock_timestamp()' },
  },
  indices: [
    { name: 'IDX_alert_rules_installation', columns: ['installationId'] },
    { name: 'IDX_alert_rules_project_provider', columns: ['projectId', 'providerId'] },
    { name: 'IDX_alert_rules_provider', columns: ['providerId'] },
  ],
  relations: {
    installation: { type: 'many-to-one', target: 'Installation', joinColumn: { name: 'installation_id' }, onDelete: 'CASCADE' },
    project: { type: 'many-to-one', target: 'Project', joinColumn: { name: 'project_id' }, onDelete: 'CASCADE' },
    provider: { type: 'many-to-one', target: 'Provider', joinColumn: { name: 'provider_id' }, onDelete: 'CASCADE' },
  },
} as never);

/** A silence rule fires per installation: one row per installation it is firing for. */
export interface AlertSilenceRow {
  ruleId: string;
  installationId: string;
  since: Date;
}
export const AlertSilenceEntity = new EntitySchema<AlertSilenceRow>({
  name: 'AlertSilence',
  tableName: 'alert_silences',
  columns: {
    ruleId: { name: 'rule_id', type: 'text', primary: true },
    installationId: { name: 'installation_id', type: 'text', primary: true },
    since: { type: 'timestamptz', default: () => 'clock_timestamp()' },
  },
  relations: {
    rule: { type: 'many-to-one', target: 'AlertRule', joinColumn: { name: 'rule_id' }, onDelete: 'CASCADE' },
  },
} as never);

export interface WebhookEventRow {
  /** The Standard Webhooks `webhook-id`: the same on every attempt. */
  id: string;
  /** The owner: exactly one of the rule and the schedule (a CHECK says so). */
  ruleId: string | null;
  scheduleId: string | null;
  type: string;
  /** The exact body sent (and signed), so every attempt carries the same bytes. */
  body: string;
  createdAt: Date;
  status: string;
  attempts: number;
  nextAttemptAt: Date | null;
  /** An instance claiming the event holds it until then; a crashed instance's claim simply expires. */
  leaseUntil: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  /** Start of the current 24 h of retries: the creation, or the last redeliver. */
  queuedAt: Date;
}
export const WebhookEventEntity = new EntitySchema<WebhookEventRow>({
  name: 'WebhookEvent',
  tableName: 'webhook_events',
  columns: {
    id: { type: 'text', primary: true },
    ruleId: { name: 'rule_id', type: 'text', nullable: true },
    scheduleId: { name: 'schedule_id', type: 'text', nullable: true },
    type: { type: 'text' },
    body: { type: 'text' },
    createdAt: { name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' },
    status: { type: 'text', default: 'pending' },
    attempts: { type: 'int', default: 0 },
    nextAttemptAt: { name: 'next_attempt_at', type: 'timestamptz', nullable: true },
    leaseUntil: { name: 'lease_until', type: 'timestamptz', nullable: true },
    lastStatusCode: { name: 'last_status_code', type: 'int', nullable: true },
    lastError: { name: 'last_error', type: 'text', nullable: true },
    deliveredAt: { name: 'delivered_at', type: 'timestamptz', nullable: true },
    queuedAt: { name: 'queued_at', type: 'timestamptz', default: () => 'clock_timestamp()' },
  },
  indices: [
    { name: 'IDX_webhook_events_rule_created', columns: ['ruleId', 'createdAt'] },
    { name: 'IDX_webhook_events_due', columns: ['status', 'nextAttemptAt'] },
    { name: 'IDX_webhook_events_schedule_created', columns: ['scheduleId', 'createdAt'] },
  ],
  checks: [{ name: 'CHK_webhook_events_one_owner', expression: 'num_nonnulls("rule_id", "schedule_id") = 1' }],
  relations: {
    rule: { type: 'many-to-one', target: 'AlertRule', joinColumn: { name: 'rule_id' }, onDelete: 'CASCADE' },
    schedule: { type: 'many-to-one', target: 'ReportSchedule', joinColumn: { name: 'schedule_id' }, onDelete: 'CASCADE' },
  },
} as never);
