import { z } from 'zod';
import { AlertRule, AlertRuleCreate, AlertRuleCreated, AlertRuleRef, AlertRuleUpdate } from '../entities/alert.js';
import { DeliveriesQuery, DeliveryRef, WebhookDeliveryPage, WebhookQueued } from '../entities/webhook.js';
import { MessageResponse } from '../errors.js';
import { pageOf, pageParams } from '../page.js';
import { defineProcedures } from './define.js';

/** alerts.md §1–§2: rules and their webhook deliveries over REST `/alert-rules…` and tRPC `alerts.*`. */
export const alertProcedures = defineProcedures('Alerts')({
  create: {
    name: 'alert_rule_add',
    method: 'POST',
    path: '/alert-rules',
    input: AlertRuleCreate,
    output: AlertRuleCreated,
    status: 201,
    summary: 'Create an alert rule (its webhook secret is shown only in this answer)',
    errors: [400, 403, 404, 415],
  },
  list: {
    name: 'alert_rule_list',
    method: 'GET',
    path: '/alert-rules',
    input: z.object(pageParams),
    output: pageOf(AlertRule, 'AlertRulePage'),
    summary: 'List the alert rules the caller may read',
    errors: [400],
  },
  get: {
    name: 'alert_rule_entry',
    method: 'GET',
    path: '/alert-rules/{id}',
    input: AlertRuleRef,
    output: AlertRule,
    summary: 'Read an alert rule, with its state and last measured value',
    errors: [403, 404],
  },
  update: {
    name: 'alert_rule_update',
    method: 'PATCH',
    path: '/alert-rules/{id}',
    input: AlertRuleUpdate,
    output: AlertRule,
    summary: 'Change an alert rule (name, thresholds, webhook, enabled)',
    errors: [400, 403, 404, 415],
  },
  delete: {
    name: 'alert_rule_delete',
    method: 'DELETE',
    path: '/alert-rules/{id}',
    input: AlertRuleRef,
    output: MessageResponse,
    summary: 'Delete an alert rule and its delivery log',
    errors: [403, 404],
  },
  deliveries: {
    name: 'alert_rule_deliveries',
    method: 'GET',
    path: '/alert-rules/{id}/deliveries',
    input: DeliveriesQuery,
    output: WebhookDeliveryPage,
    summary: "The rule's webhook events and how their delivery went, newest first",
    errors: [400, 403, 404],
  },
  redeliver: {
    name: 'alert_rule_redeliver',
    method: 'POST',
    path: '/alert-rules/{id}/deliveries/{event_id}/redeliver',
    input: DeliveryRef,
    output: WebhookQueued,
    status: 202,
    summary: "Queue one of the rule's events for delivery again (same webhook-id, a fresh 24 h of retries)",
    errors: [403, 404],
  },
  test: {
    name: 'alert_rule_test',
    method: 'POST',
    path: '/alert-rules/{id}/test',
    input: AlertRuleRef,
    output: WebhookQueued,
    status: 202,
    summary: "Send an alert.test event to the rule's webhook now",
    errors: [403, 404],
  },
});
