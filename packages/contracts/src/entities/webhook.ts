import { z } from 'zod';
import { pathId } from '../fields.js';
import { pageOf, pageParams } from '../page.js';

/**
 * A webhook event and how its delivery went (alerts.md §2). Shared by every owner of webhooks (alert
 * rules, report schedules): each exposes `…/{id}/deliveries`, `…/redeliver` and `…/test` with these shapes.
 */
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export const WebhookDelivery = z
  .object({
    /** The Standard Webhooks `webhook-id`, the same on every attempt: receivers deduplicate by it. */
    event_id: z.string(),
    type: z.string(),
    created_at: z.string(),
    attempts: z.number().int(),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    /** The HTTP status of the last attempt; null when it got no answer (timeout, refused target, network). */
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    /** When the next attempt is due; null once delivered or failed. */
    next_attempt_at: z.string().nullable(),
    delivered_at: z.string().nullable(),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveryPage = pageOf(WebhookDelivery, 'WebhookDeliveryPage');

/** The 202 of redeliver and test: the event now queued. */
export const WebhookQueued = z.object({ code: z.number().int(), message: z.string(), event_id: z.string() }).meta({ id: 'WebhookQueued' });
export type WebhookQueued = z.infer<typeof WebhookQueued>;

/** `{id}` is the owner (rule or schedule), `{event_id}` one of its events. */
export const DeliveryRef = z.object({ id: pathId, event_id: pathId });
export const DeliveriesQuery = z.object({ id: pathId, ...pageParams });

/** The answers of every owner's redeliver and test (alert rules and report schedules word them alike). */
export const webhookMessages = {
  noEvent: (id: string) => `There is no event with the following id: ${id}`,
  queued: 'The event has been queued for delivery.',
  testQueued: 'A test event has been queued for delivery.',
} as const;
