import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { columnOf, type WebhookOwner } from './owner.js';

export type WebhookEventType = 'alert.triggered' | 'alert.resolved' | 'alert.test' | 'report.generated' | 'report.test';

/** The event's owner, whose deliveries list shows it: exactly one of a rule and a schedule. */
export type OutboxOwner = { ruleId: string; scheduleId?: never } | { scheduleId: string; ruleId?: never };

export type OutboxEvent = OutboxOwner & {
  type: WebhookEventType;
  data: Record<string, unknown>;
  /** The event's instant (`timestamp` in the payload); now by default. */
  at?: Date;
};

/** The `webhook_events` columns naming each kind of owner. */
export const ALERT_RULE_COLUMN = 'rule_id';
export const REPORT_SCHEDULE_COLUMN = 'schedule_id';

/**
 * Record a webhook event (alerts.md §2) with `manager`, i.e. in the caller's transaction: it exists
 * exactly when the write that caused it commits. The body is fixed here, so every delivery attempt sends
 * (and signs) the same bytes; the dispatcher picks it up after commit (within its poll interval, or at
 * once when the writer calls `WebhookDeliveries.queued()` after committing).
 */
export async function enqueueWebhookEvent(manager: EntityManager, event: OutboxEvent): Promise<string> {
  const ref =
    event.ruleId !== undefined
      ? { owner: { column: ALERT_RULE_COLUMN }, id: event.ruleId }
      : { owner: { column: REPORT_SCHEDULE_COLUMN }, id: event.scheduleId };
  return enqueueOwnedEvent(manager, ref, event);
}

/** The same for an owner given as a `WebhookOwner` (what the deliveries service's test endpoint uses). */
export async function enqueueOwnedEvent(
  manager: EntityManager,
  ref: { owner: Pick<WebhookOwner, 'column'>; id: string },
  event: { type: WebhookEventType; data: Record<string, unknown>; at?: Date },
): Promise<string> {
  const at = event.at ?? new Date();
  const id = `msg_${randomUUID().replaceAll('-', '')}`;
  const body = JSON.stringify({ type: event.type, timestamp: at.toISOString(), data: event.data });
  await manager.query(
    `INSERT INTO webhook_events (id, ${columnOf(ref.owner)}, type, body, status, attempts, next_attempt_at)
     VALUES ($1, $2, $3, $4, 'pending', 0, $5)`,
    [id, ref.id, event.type, body, at],
  );
  return id;
}
