import type { DataSource } from 'typeorm';
import { alertMessages as msg, type PageQuery, type WebhookDelivery, type WebhookQueued } from '@acc/contracts';
import type { Caller } from '../../auth/caller.js';
import { notFound } from '../../errors.js';
import type { WebhookDeliveries } from '../webhooks/deliveries-service.js';
import { ALERT_RULE_COLUMN } from '../webhooks/outbox.js';
import type { OwnerRef, WebhookOwner } from '../webhooks/owner.js';
import { AlertRuleRepository } from './alert-rule-repository.js';
import type { AlertRuleService } from './alert-rule-service.js';
import { scopeOf } from './alert-rule-wire.js';

/** Alert rules as webhook owners: their events carry `rule_id`, and go to the rule's URL, signed with its secret. */
export const alertRuleWebhooks: WebhookOwner = {
  column: ALERT_RULE_COLUMN,
  target: (m, id) => new AlertRuleRepository(m).webhookTarget(id),
};

const ruleRef = (id: string): OwnerRef => ({ owner: alertRuleWebhooks, id });

/** A rule's deliveries log, redeliver and test (alerts.md §2): the rule's access first, then the shared service. */
export class AlertDeliveryService {
  constructor(
    private readonly db: DataSource,
    private readonly rules: AlertRuleService,
    private readonly webhooks: WebhookDeliveries,
  ) {}

  async list(caller: Caller, ruleId: string, page: PageQuery): Promise<{ rows: WebhookDelivery[]; total: number }> {
    await this.rules.authorized(this.db.manager, caller, ruleId, 'read');
    return this.webhooks.list(ruleRef(ruleId), page);
  }

  async redeliver(caller: Caller, ruleId: string, eventId: string): Promise<WebhookQueued> {
    await this.rules.authorized(this.db.manager, caller, ruleId, 'change');
    if (!(await this.webhooks.redeliver(ruleRef(ruleId), eventId))) throw notFound(msg.noEvent(eventId));
    return { code: 202, message: msg.queued, event_id: eventId };
  }

  async test(caller: Caller, ruleId: string): Promise<WebhookQueued> {
    const rule = await this.rules.authorized(this.db.manager, caller, ruleId, 'change');
    const eventId = await this.webhooks.send(ruleRef(ruleId), 'alert.test', {
      rule_id: rule.id,
      rule_name: rule.name,
      kind: rule.kind,
      scope: scopeOf(rule),
    });
    return { code: 202, message: msg.testQueued, event_id: eventId };
  }
}
