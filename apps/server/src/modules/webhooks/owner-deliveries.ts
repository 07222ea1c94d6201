import type { DataSource, EntityManager } from 'typeorm';
import { webhookMessages as msg, type PageQuery, type WebhookDelivery, type WebhookQueued } from '@acc/contracts';
import type { AlertAccess } from '../../access/index.js';
import type { Caller } from '../../auth/caller.js';
import { notFound } from '../../errors.js';
import type { WebhookDeliveries } from './deliveries-service.js';
import type { WebhookEventType } from './outbox.js';
import type { WebhookOwner } from './owner.js';

/** What an owner kind (alert rule, report schedule) brings to its deliveries endpoints. */
export interface DeliveryOwnerKind<R> {
  owner: WebhookOwner;
  /** The owner's own access check (404 for an unknown id, then 403): reading the log needs `read`, the rest `change`. */
  authorized(m: EntityManager, caller: Caller, id: string, access: AlertAccess): Promise<R>;
  /** The event `…/test` sends now, and its data from the owner's record. */
  testType: WebhookEventType;
  testData(record: R): Record<string, unknown>;
}

/**
 * `…/{id}/deliveries`, `…/deliveries/{event_id}/redeliver` and `…/test` for one owner kind (alerts.md §2,
 * and §3 "same … deliveries and test endpoints" for schedules): the owner's access first, then the shared log.
 */
export class OwnerDeliveryService<R> {
  constructor(
    private readonly db: DataSource,
    private readonly kind: DeliveryOwnerKind<R>,
    private readonly webhooks: WebhookDeliveries,
  ) {}

  async list(caller: Caller, id: string, page: PageQuery): Promise<{ rows: WebhookDelivery[]; total: number }> {
    await this.kind.authorized(this.db.manager, caller, id, 'read');
    return this.webhooks.list(this.ref(id), page);
  }

  async redeliver(caller: Caller, id: string, eventId: string): Promise<WebhookQueued> {
    await this.kind.authorized(this.db.manager, caller, id, 'change');
    if (!(await this.webhooks.redeliver(this.ref(id), eventId))) throw notFound(msg.noEvent(eventId));
    return { code: 202, message: msg.queued, event_id: eventId };
  }

  async test(caller: Caller, id: string): Promise<WebhookQueued> {
    const record = await this.kind.authorized(this.db.manager, caller, id, 'change');
    const eventId = await this.webhooks.send(this.ref(id), this.kind.testType, this.kind.testData(record));
    return { code: 202, message: msg.testQueued, event_id: eventId };
  }

  private ref(id: string) {
    return { owner: this.kind.owner, id };
  }
}
