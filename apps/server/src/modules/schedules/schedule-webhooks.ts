import { REPORT_SCHEDULE_COLUMN } from '../webhooks/outbox.js';
import type { WebhookOwner } from '../webhooks/owner.js';

/** Report schedules as webhook owners (alerts.md §3): their events carry `schedule_id`, and go to the schedule's URL. */
export const reportScheduleWebhooks: WebhookOwner = {
  column: REPORT_SCHEDULE_COLUMN,
  async target(m, id) {
    const rows: { webhook_url: string; webhook_secret: string }[] = await m.query(
      'SELECT webhook_url, webhook_secret FROM report_schedules WHERE id = $1',
      [id],
    );
    return rows[0] && { url: rows[0].webhook_url, secret: rows[0].webhook_secret };
  },
};
