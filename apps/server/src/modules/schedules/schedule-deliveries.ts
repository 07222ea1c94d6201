import type { DataSource } from 'typeorm';
import type { WebhookDeliveries } from '../webhooks/deliveries-service.js';
import { OwnerDeliveryService } from '../webhooks/owner-deliveries.js';
import { scopeOf } from '../alerts/alert-rule-wire.js';
import type { ReportScheduleRecord } from './schedule-repository.js';
import type { ReportScheduleService } from './schedule-service.js';
import { reportScheduleWebhooks } from './schedule-webhooks.js';

/**
 * A schedule's deliveries log, redeliver and test (alerts.md §3: "same … deliveries and test endpoints as
 * alert rules"). The spec names no test type for schedules; `alert.test` would tell a receiver it came from
 * an alert rule, so a schedule's test is `report.test`, with the schedule's id, name, period and scope.
 */
export class ScheduleDeliveryService extends OwnerDeliveryService<ReportScheduleRecord> {
  constructor(db: DataSource, schedules: ReportScheduleService, webhooks: WebhookDeliveries) {
    super(
      db,
      {
        owner: reportScheduleWebhooks,
        authorized: (m, caller, id, access) => schedules.authorized(m, caller, id, access),
        testType: 'report.test',
        testData: (s) => ({ schedule_id: s.id, schedule_name: s.name, every: s.every, scope: scopeOf(s) }),
      },
      webhooks,
    );
  }
}
