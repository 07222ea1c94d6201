import { z } from 'zod';
import { AlertRule, AlertRuleCreate, AlertRuleCreated, AlertRuleRef, AlertRuleUpdate } from '../entities/alert.js';
import { MessageResponse } from '../errors.js';
import { pageOf, pageParams } from '../page.js';
import { defineProcedures } from './define.js';

/** alerts.md §1: rules over REST `/alert-rules…` and tRPC `alerts.*`. */
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
});
