import { EntitySchema } from 'typeorm';

/**
 * Scheduled reports (alerts.md §3): a scope (the same four shapes as alert rules), a period (`week` or
 * `month` in `tz`) and a webhook. `lastPeriodEnd` is the `end` date of the last period sent (or, for a new
 * schedule, of the period in course at its creation): the runner sends each later period once, in the
 * transaction that moves it.
 */
export interface ReportScheduleRow {
  id: string;
  name: string;
  installationId: string | null;
  projectId: string | null;
  providerId: string | null;
  every: string;
  tz: string;
  webhookUrl: string;
  /** Needed in clear to sign; never selected by listings nor written to logs. */
  webhookSecret: string;
  enabled: boolean;
  /** `yyyy-MM-dd`: periods ending on or before it have been sent. */
  lastPeriodEnd: string;
  creatorId: string;
  createdAt: Date;
  updatedAt: Date;
}
export const ReportScheduleEntity = new EntitySchema<ReportScheduleRow>({
  name: 'ReportSchedule',
  tableName: 'report_schedules',
  columns: {
    id: { type: 'text', primary: true },
    name: { type: 'text' },
    installationId: { name: 'installation_id', type: 'text', nullable: true },
    projectId: { name: 'project_id', type: 'text', nullable: true },
    providerId: { name: 'provider_id', type: 'text', nullable: true },
    every: { type: 'text' },
    tz: { type: 'text', default: 'UTC' },
    webhookUrl: { name: 'webhook_url', type: 'text' },
    webhookSecret: { name: 'webhook_secret', type: 'text' },
    enabled: { type: 'boolean', default: true },
    // text, not date: node-pg turns a date into a local-midnight Date, and the runner compares calendar dates.
    lastPeriodEnd: { name: 'last_period_end', type: 'text' },
    creatorId: { name: 'creator_id', type: 'text', default: '' },
    createdAt: { name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' },
    updatedAt: { name: 'updated_at', type: 'timestamptz', default: () => 'clock_timestamp()' },
  },
  indices: [
    { name: 'IDX_report_schedules_installation', columns: ['installationId'] },
    { name: 'IDX_report_schedules_project_provider', columns: ['projectId', 'providerId'] },
    { name: 'IDX_report_schedules_provider', columns: ['providerId'] },
  ],
  relations: {
    installation: { type: 'many-to-one', target: 'Installation', joinColumn: { name: 'installation_id' }, onDelete: 'CASCADE' },
    project: { type: 'many-to-one', target: 'Project', joinColumn: { name: 'project_id' }, onDelete: 'CASCADE' },
    provider: { type: 'many-to-one', target: 'Provider', joinColumn: { name: 'provider_id' }, onDelete: 'CASCADE' },
  },
} as never);
