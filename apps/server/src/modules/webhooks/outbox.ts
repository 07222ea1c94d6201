import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { WebhookEventEntity } from '@acc/db';

export type WebhookEventType = 'alert.triggered' | 'alert.resolved' | 'alert.test' | 'report.generated';

/** The event's owner, whose deliveries list shows it: exactly one of a rule and a schedule. */
export type OutboxOwner = { ruleId: string; scheduleId?: never } | { scheduleId: string; ruleId?: never };

export type OutboxEvent = OutboxOwner & {
  type: WebhookEventType;
  data: Record<string, unknown>;
  /** The event's instant (`timestamp` in the payload); now by default. */
  at?: Date;
};

/**
 * Record a webhook event (alerts.md §2) with `manager`, i.e. in the caller's transaction: it exists
 * exactly when the write that caused it commits. The body is fixed here, so every delivery attempt sends
 * (and signs) the same bytes; the dispatcher picks it up after commit.
 */
export async function enqueueWebhookEvent(manager: EntityManager, event: OutboxEvent): Promise<string> {
  const at = event.at ?? new Date();
  const id = `msg_${randomUUID().replaceAll('-', '')}`;
  const body = JSON.stringify({ type: event.type, timestamp: at.toISOString(), data: event.data });
  await manager.getRepository(WebhookEventEntity).insert({
    id,
    ruleId: event.ruleId ?? null,
    scheduleId: event.scheduleId ?? null,
    type: event.type,
    body,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: at,
  });
  return id;
}
