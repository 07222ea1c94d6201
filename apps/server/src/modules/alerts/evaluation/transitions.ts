import type { EntityManager } from 'typeorm';
import { formatInstant } from '../../metrics/instants.js';
import { enqueueWebhookEvent, type WebhookEventType } from '../../webhooks/outbox.js';
import { scopeOf } from '../alert-rule-wire.js';
import { EvaluationRepository, type EvaluatedRule } from './evaluation-repository.js';
import { measureCapacity, measureUsage, type Measurement } from './measure.js';

const MINUTE = 60_000;

/** The `data` of an alert event (alerts.md §2), in the spec's key order. */
interface EventData {
  installationId?: string;
  value: number | null;
  capacity?: string;
  periodStart: Date;
  periodEnd?: Date;
}

const thresholdOf = (rule: EvaluatedRule): number =>
  rule.kind === 'capacity' ? rule.thresholdPercent! : rule.kind === 'usage' ? rule.thresholdValue! : rule.silenceMinutes!;

async function emit(m: EntityManager, rule: EvaluatedRule, type: WebhookEventType, d: EventData, at: Date): Promise<number> {
  await enqueueWebhookEvent(m, {
    ruleId: rule.id,
    type,
    at,
    data: {
      rule_id: rule.id,
      rule_name: rule.name,
      kind: rule.kind,
      scope: scopeOf(rule),
      ...(rule.metricDefinitionId !== null && { metric_definition_id: rule.metricDefinitionId }),
      ...(d.installationId !== undefined && { installation_id: d.installationId }),
      threshold: thresholdOf(rule),
      value: d.value,
      ...(d.capacity !== undefined && { capacity: Number(d.capacity) }),
      period_start: formatInstant(d.periodStart),
      ...(d.periodEnd !== undefined && { period_end: formatInstant(d.periodEnd) }),
    },
  });
  return 1;
}

/**
 * Re-measures one locked rule and moves its state (alerts.md §2), writing the events with `m`, i.e. in
 * the evaluation's transaction: `ok`/`idle` → `firing` at or above the threshold sends `alert.triggered`
 * (a new or re-enabled rule starts `idle`, so one already above fires at once); `firing` below it, or
 * with nothing left to measure, sends `alert.resolved` and re-arms. Anything else sends nothing.
 * Answers how many events it wrote.
 */
export async function evaluateRule(m: EntityManager, rule: EvaluatedRule, now: Date): Promise<number> {
  const repo = new EvaluationRepository(m);
  if (!rule.enabled) {
    // Disabling set the state to idle; a silence rule forgets whom it was firing for.
    if (rule.kind === 'silence') await repo.removeSilences(rule.id);
    return 0;
  }
  if (rule.kind === 'silence') return evaluateSilence(m, rule, now);
  const measured: Measurement | undefined = rule.kind === 'capacity' ? await measureCapacity(m, rule, now) : await measureUsage(m, rule, now);
  const firing = measured !== undefined && measured.value >= thresholdOf(rule);
  let sent = 0;
  if (firing && rule.state !== 'firing') {
    sent += await emit(m, rule, 'alert.triggered', measured, now);
  } else if (!firing && rule.state === 'firing') {
    sent += await emit(m, rule, 'alert.resolved', measured ?? { value: null, periodStart: now }, now);
  }
  await repo.saveState(rule.id, firing ? 'firing' : measured ? 'ok' : 'idle', measured?.value ?? null);
  return sent;
}

/**
 * `silence`: per installation in scope, silent for `silence_minutes` counted from its last push or, when
 * later, from the rule's creation or last change. `alert_silences` holds whom the rule fires for; each
 * installation triggers and resolves on its own (its id in the payload). The rule is `firing` while any
 * installation is silent; `last_value` is the longest silence in whole minutes.
 */
async function evaluateSilence(m: EntityManager, rule: EvaluatedRule, now: Date): Promise<number> {
  const repo = new EvaluationRepository(m);
  let sent = 0;
  const firingFor = await repo.silences(rule.id);
  const limit = rule.silenceMinutes! * MINUTE;
  let longest = 0;
  const inScope = new Set<string>();
  for (const { installationId, lastPush } of await repo.lastPushes(rule)) {
    inScope.add(installationId);
    const since = lastPush && lastPush > rule.updatedAt ? lastPush : rule.updatedAt;
    const silentMs = Math.max(0, now.getTime() - since.getTime());
    const minutes = Math.floor(silentMs / MINUTE);
    longest = Math.max(longest, minutes);
    const data = { installationId, value: minutes, periodStart: since };
    if (silentMs >= limit && !firingFor.has(installationId)) {
      sent += await emit(m, rule, 'alert.triggered', data, now);
      await repo.addSilence(rule.id, installationId, since);
      firingFor.set(installationId, since);
    } else if (silentMs < limit && firingFor.has(installationId)) {
      sent += await emit(m, rule, 'alert.resolved', data, now);
      await repo.removeSilences(rule.id, [installationId]);
      firingFor.delete(installationId);
    }
  }
  // Installations that left the scope (deleted) are forgotten without an event.
  const gone = [...firingFor.keys()].filter((id) => !inScope.has(id));
  await repo.removeSilences(rule.id, gone);
  await repo.saveState(rule.id, firingFor.size > gone.length ? 'firing' : 'ok', longest);
  return sent;
}
