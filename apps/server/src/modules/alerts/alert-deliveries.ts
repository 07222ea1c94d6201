import type { DataSource } from 'typeorm';
import type { WebhookDeliveries } from '../webhooks/deliveries-service.js';
import { ALERT_RULE_COLUMN } from '../webhooks/outbox.js';
import { OwnerDeliveryService } from '../webhooks/owner-deliveries.js';
import type { WebhookOwner } from '../webhooks/owner.js';
import { AlertRuleRepository, type AlertRuleRecord } from './alert-rule-repository.js';
import type { AlertRuleService } from './alert-rule-service.js';
import { scopeOf } from './alert-rule-wire.js';

/** Alert rules as webhook owners: their events carry `rule_id`, and go to the rule's URL, signed with its secret. */
export const alertRuleWebhooks: WebhookOwner = {
  column: ALERT_RULE_COLUMN,
  target: (m, id) => new AlertRuleRepository(m).webhookTarget(id),
};

/** A rule's deliveries log, redeliver and test (alerts.md §2): the rule's access, and `alert.test` as its test. */
export class AlertDeliveryService extends OwnerDeliveryService<AlertRuleRecord> {
  constructor(db: DataSource, rules: AlertRuleService, webhooks: WebhookDeliveries) {
    super(
      db,
      {
        owner: alertRuleWebhooks,
        authorized: (m, caller, id, access) => rules.authorized(m, caller, id, access),
        testType: 'alert.test',
        testData: (rule) => ({ rule_id: rule.id, rule_name: rule.name, kind: rule.kind, scope: scopeOf(rule) }),
      },
      webhooks,
    );
  }
}
