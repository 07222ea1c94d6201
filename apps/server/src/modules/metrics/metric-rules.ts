import { metricMessages as msg, type MetricChanges, type MetricValues, type PushVerdicts } from '@acc/contracts';

/** A push request that passed every rule, ready to store. */
export type ValidMetric = MetricValues & { metricDefinitionId: string };

export interface Violation {
  status: 400 | 404;
  message: string;
}

export type Checked = { ok: true; metric: ValidMetric } | { ok: false; violation: Violation };

const bad = (message: string, status: 400 | 404 = 400): Checked => ({ ok: false, violation: { status, message } });

/**
 * The seven push rules of §4.7 in their order, fail-fast: the request's schema (`pushVerdicts` in
 * @acc/contracts) judged every format; what is left is rule 2, for which the caller passes the
 * definitions that exist among those requested.
 */
export function checkMetric(verdicts: PushVerdicts, knownDefinitions: ReadonlySet<string>): Checked {
  const { definition, metric } = verdicts;
  if (!definition.ok) return bad(definition.message);
  if (!knownDefinitions.has(definition.value)) return bad(msg.noDefinition(definition.value), 404);
  if (!metric.ok) return bad(metric.message);
  return { ok: true, metric: { ...metric.value, metricDefinitionId: definition.value } };
}

/**
 * The PATCH time rules of §4.7 against the stored bounds: future first, then ordering (the message
 * depends on which bounds were sent), then equality of the resulting bounds.
 */
export function checkNewTimes(changes: MetricChanges, stored: { start: Date; end: Date }, now: Date): string | undefined {
  const { timePeriodStart: start, timePeriodEnd: end } = changes;
  if ((start && start > now) || (end && end > now)) return msg.future;
  if (start && end) {
    if (start > end) return msg.startAfterEnd;
  } else if (start) {
    if (start > stored.end) return msg.startAfterEnd;
  } else if (end) {
    if (end < stored.start) return msg.endBeforeStart;
  }
  const resultStart = start ?? stored.start;
  const resultEnd = end ?? stored.end;
  if (resultStart.getTime() === resultEnd.getTime()) return msg.equal;
  return undefined;
}
