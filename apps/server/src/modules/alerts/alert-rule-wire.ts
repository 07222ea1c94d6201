import type { AlertRule, AlertScope } from '@acc/contracts';
import { formatInstant } from '../metrics/instants.js';
import type { AlertRuleRecord } from './alert-rule-repository.js';

/** The scope as it was given: exactly the ids the rule names. */
export const scopeOf = (r: { installationId: string | null; projectId: string | null; providerId: string | null }): AlertScope => {
  if (r.installationId) return { installation_id: r.installationId };
  if (r.projectId && r.providerId) return { project_id: r.projectId, provider_id: r.providerId };
  if (r.projectId) return { project_id: r.projectId };
  return { provider_id: r.providerId ?? '' };
};

export const toWire = (r: AlertRuleRecord): AlertRule => ({
  id: r.id,
  name: r.name,
  scope: scopeOf(r),
  kind: r.kind as AlertRule['kind'],
  metric_definition_id: r.metricDefinitionId,
  threshold_percent: r.thresholdPercent,
  threshold_value: r.thresholdValue,
  window: r.usageWindow as AlertRule['window'],
  tz: r.tz,
  silence_minutes: r.silenceMinutes,
  webhook_url: r.webhookUrl,
  enabled: r.enabled,
  state: r.state as AlertRule['state'],
  last_value: r.lastValue,
  creator_id: r.creatorId,
  created_at: formatInstant(r.createdAt),
  updated_at: formatInstant(r.updatedAt),
});
