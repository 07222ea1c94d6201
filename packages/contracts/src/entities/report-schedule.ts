import { z } from 'zod';
import { optionalText, pathId, requiredText } from '../fields.js';
import {
  AlertScopeWire,
  alertMessages,
  alertScope,
  oneOf,
  optionalBoolean,
  optionalWebhookUrl,
  requiredWebhookUrl,
  timeZone,
  webhookSecret,
} from './alert.js';

/** alerts.md §3: schedules share the rules' scope, webhook and secret fields, and their messages. */
export const scheduleMessages = {
  every: alertMessages.every,
  notFound: (id: string) => `There is no Report Schedule with the following id: ${id}`,
  deleted: 'Report Schedule has been deleted.',
} as const;

export const SCHEDULE_PERIODS = ['week', 'month'] as const;
export type SchedulePeriod = (typeof SCHEDULE_PERIODS)[number];

export const ReportScheduleCreate = z.object({
  name: requiredText('name'),
  scope: alertScope,
  every: oneOf(SCHEDULE_PERIODS, scheduleMessages.every),
  /** The zone whose Monday 00:00 or first of the month ends a period; UTC when absent. */
  tz: timeZone,
  webhook_url: requiredWebhookUrl,
  webhook_secret: webhookSecret,
});
export type ReportScheduleCreate = z.infer<typeof ReportScheduleCreate>;

/** PATCH: absent or null fields stay as they are. */
export const ReportScheduleUpdate = z.object({
  id: pathId,
  name: optionalText('name'),
  every: oneOf(SCHEDULE_PERIODS, scheduleMessages.every).optional(),
  tz: timeZone,
  webhook_url: optionalWebhookUrl,
  webhook_secret: webhookSecret,
  enabled: optionalBoolean,
});
export type ReportScheduleUpdate = z.infer<typeof ReportScheduleUpdate>;

export const ReportScheduleRef = z.object({ id: pathId });

/** A report period as the report endpoints take it: `start` the first day, `end` the day after the last. */
export const ReportSchedulePeriod = z.object({ start: z.string(), end: z.string() }).meta({ id: 'ReportSchedulePeriod' });

export const ReportSchedule = z
  .object({
    id: z.string(),
    name: z.string(),
    scope: AlertScopeWire,
    every: z.enum(SCHEDULE_PERIODS),
    tz: z.string(),
    webhook_url: z.string(),
    enabled: z.boolean(),
    /** The period the next `report.generated` covers, sent once it has ended in `tz`. */
    next_period: ReportSchedulePeriod,
    creator_id: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'ReportSchedule' });
export type ReportSchedule = z.infer<typeof ReportSchedule>;

/** The 201 answer: the only time the secret is ever shown. */
export const ReportScheduleCreated = ReportSchedule.extend({ webhook_secret: z.string() }).meta({ id: 'ReportScheduleCreated' });
export type ReportScheduleCreated = z.infer<typeof ReportScheduleCreated>;
