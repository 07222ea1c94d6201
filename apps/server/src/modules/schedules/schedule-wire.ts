import type { ReportSchedule, SchedulePeriod } from '@acc/contracts';
import { formatInstant } from '../metrics/instants.js';
import { scopeOf } from '../alerts/alert-rule-wire.js';
import { periodEnd } from './periods.js';
import type { ReportScheduleRecord } from './schedule-repository.js';

export const toWire = (s: ReportScheduleRecord): ReportSchedule => ({
  id: s.id,
  name: s.name,
  scope: scopeOf(s),
  every: s.every as SchedulePeriod,
  tz: s.tz,
  webhook_url: s.webhookUrl,
  enabled: s.enabled,
  next_period: { start: s.lastPeriodEnd, end: periodEnd(s.lastPeriodEnd, s.every as SchedulePeriod) },
  creator_id: s.creatorId,
  created_at: formatInstant(s.createdAt),
  updated_at: formatInstant(s.updatedAt),
});
