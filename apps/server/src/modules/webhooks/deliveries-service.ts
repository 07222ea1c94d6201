import type { DataSource } from 'typeorm';
import type { PageQuery, WebhookDelivery, WebhookDeliveryStatus } from '@acc/contracts';
import { offsetOf } from '../../paging.js';
import { formatInstant } from '../metrics/instants.js';
import { DeliveryRepository, type DeliveryRow } from './delivery-repository.js';
import { enqueueOwnedEvent, type WebhookEventType } from './outbox.js';
import type { OwnerRef, WebhookOwner } from './owner.js';

const toWire = (r: DeliveryRow): WebhookDelivery => ({
  event_id: r.id,
  type: r.type,
  created_at: formatInstant(r.createdAt),
  attempts: r.attempts,
  status: r.status as WebhookDeliveryStatus,
  last_status_code: r.lastStatusCode,
  last_error: r.lastError,
  next_attempt_at: r.nextAttemptAt && formatInstant(r.nextAttemptAt),
  delivered_at: r.deliveredAt && formatInstant(r.deliveredAt),
});

/**
 * The deliveries log, redeliver and test of any webhook owner (alerts.md §2; §3 reuses it for schedules).
 * Access is the owner's service's business: it has authorised the caller on the rule or schedule before
 * calling here. `owners` are every kind of owner the dispatcher delivers for.
 */
export class WebhookDeliveries {
  private wake: () => void = () => {};

  constructor(
    private readonly db: DataSource,
    readonly owners: WebhookOwner[],
  ) {}

  /** The dispatcher's nudge (bound by jobs/index.ts). */
  onQueued(wake: () => void): void {
    this.wake = wake;
  }

  /** Tell the dispatcher that events were committed: they go out now instead of at its next poll. */
  queued(): void {
    this.wake();
  }

  async list(ref: OwnerRef, page: PageQuery): Promise<{ rows: WebhookDelivery[]; total: number }> {
    const { rows, total } = await new DeliveryRepository(this.db.manager).page(ref, offsetOf(page), page.size);
    return { rows: rows.map(toWire), total };
  }

  /** False when the owner has no event with that id. */
  async redeliver(ref: OwnerRef, eventId: string): Promise<boolean> {
    const found = await new DeliveryRepository(this.db.manager).requeue(ref, eventId);
    if (found) this.queued();
    return found;
  }

  /** Queues an event of the owner now (e.g. `alert.test`) and returns its id. */
  async send(ref: OwnerRef, type: WebhookEventType, data: Record<string, unknown>): Promise<string> {
    const id = await enqueueOwnedEvent(this.db.manager, ref, { type, data });
    this.queued();
    return id;
  }
}
