import { isBlank, MAX_LENGTH, metricMessages as msg, textProblem, valueProblem, type MetricRequest } from '@acc/contracts';
import { parseZulu } from './instants.js';

/** A push request that passed every rule, ready to store. */
export interface ValidMetric {
  metricDefinitionId: string;
  timePeriodStart: Date;
  timePeriodEnd: Date;
  value: number;
  groupId: string | null;
  userId: string | null;
}

export interface Violation {
  status: 400 | 404;
  message: string;
}

export type Checked = { ok: true; metric: ValidMetric } | { ok: false; violation: Violation };

const bad = (message: string, status: 400 | 404 = 400): Checked => ({ ok: false, violation: { status, message } });
const echo = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));

/** The field's text when it is a string or a number (strings accept numbers, §1.1); undefined otherwise. */
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** The id in `metric_definition_id`, or why it is no id at all (not text, too long, unstorable characters). */
function definitionIdOf(v: unknown): { ok: true; id: string } | { ok: false; message: string } {
  const id = text(v);
  if (id === undefined) return { ok: false, message: msg.notText('metric_definition_id') };
  const problem = textProblem('metric_definition_id', id, MAX_LENGTH.id);
  return problem ? { ok: false, message: problem } : { ok: true, id };
}

/** The definition id a request names, for looking it up before the rules run; undefined when blank or no id. */
export function requestedDefinitionId(raw: MetricRequest): string | undefined {
  if (isBlank(raw.metric_definition_id)) return undefined;
  const parsed = definitionIdOf(raw.metric_definition_id);
  return parsed.ok ? parsed.id : undefined;
}

/** `value`: any JSON number or numeric string within ±MAX_ABS_VALUE; absent, null or blank is 0. */
export function parseValue(v: unknown): { ok: true; value: number } | { ok: false; message: string } {
  if (isBlank(v)) return { ok: true, value: 0 };
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : Number.NaN;
  if (!Number.isFinite(n)) return { ok: false, message: msg.valueNotNumber };
  const problem = valueProblem(n);
  return problem ? { ok: false, message: problem } : { ok: true, value: n };
}

/** An optional id field (`group_id`, `user_id`): blank is null; anything but bounded text or a number is refused. */
function optionalText(field: string, v: unknown): { ok: true; value: string | null } | { ok: false; message: string } {
  if (isBlank(v)) return { ok: true, value: null };
  const t = text(v);
  if (t === undefined) return { ok: false, message: msg.notText(field) };
  const problem = textProblem(field, t, MAX_LENGTH.id);
  return problem ? { ok: false, message: problem } : { ok: true, value: t };
}

/** Rules 3 and 4 for one bound. */
function instant(field: 'time_period_start' | 'time_period_end', v: unknown): Date | Violation {
  if (isBlank(v)) return { status: 400, message: msg.empty(field) };
  const parsed = typeof v === 'string' ? parseZulu(v) : undefined;
  return parsed ?? { status: 400, message: msg.notZulu(field, echo(v)) };
}

/**
 * The seven push rules of §4.7 in their order, fail-fast, then the value and id fields. Rule 2 needs the
 * database, so the caller passes the definitions that exist among those requested.
 */
export function checkMetric(raw: MetricRequest, knownDefinitions: ReadonlySet<string>, now: Date): Checked {
  if (isBlank(raw.metric_definition_id)) return bad(msg.empty('metric_definition_id'));
  const definition = definitionIdOf(raw.metric_definition_id);
  if (!definition.ok) return bad(definition.message);
  const definitionId = definition.id;
  if (!knownDefinitions.has(definitionId)) return bad(msg.noDefinition(definitionId), 404);

  if (isBlank(raw.time_period_start)) return bad(msg.empty('time_period_start'));
  if (isBlank(raw.time_period_end)) return bad(msg.empty('time_period_end'));
  const start = instant('time_period_start', raw.time_period_start);
  if (!(start instanceof Date)) return { ok: false, violation: start };
  const end = instant('time_period_end', raw.time_period_end);
  if (!(end instanceof Date)) return { ok: false, violation: end };

  if (start > now || end > now) return bad(msg.future);
  if (start.getTime() === end.getTime()) return bad(msg.equal);
  if (start > end) return bad(msg.startAfterEnd);

  const value = parseValue(raw.value);
  if (!value.ok) return bad(value.message);
  const groupId = optionalText('group_id', raw.group_id);
  if (!groupId.ok) return bad(groupId.message);
  const userId = optionalText('user_id', raw.user_id);
  if (!userId.ok) return bad(userId.message);

  return {
    ok: true,
    metric: {
      metricDefinitionId: definitionId,
      timePeriodStart: start,
      timePeriodEnd: end,
      value: value.value,
      groupId: groupId.value,
      userId: userId.value,
    },
  };
}

/** A PATCH body (§4.7): every field optional, blank or null meaning "unchanged". */
export interface MetricChanges {
  metricDefinitionId?: string;
  timePeriodStart?: Date;
  timePeriodEnd?: Date;
  value?: number;
  groupId?: string;
  userId?: string;
}

/** The PATCH body's format checks, which need no stored row. */
export function parseMetricChanges(raw: MetricRequest): { ok: true; changes: MetricChanges } | { ok: false; violation: Violation } {
  const fail = (message: string) => ({ ok: false as const, violation: { status: 400 as const, message } });
  const changes: MetricChanges = {};
  if (!isBlank(raw.metric_definition_id)) {
    const definition = definitionIdOf(raw.metric_definition_id);
    if (!definition.ok) return fail(definition.message);
    changes.metricDefinitionId = definition.id;
  }
  for (const [field, key] of [
    ['time_period_start', 'timePeriodStart'],
    ['time_period_end', 'timePeriodEnd'],
  ] as const) {
    if (isBlank(raw[field])) continue;
    const parsed = instant(field, raw[field]);
    if (!(parsed instanceof Date)) return fail(parsed.message);
    changes[key] = parsed;
  }
  if (!isBlank(raw.value)) {
    const value = parseValue(raw.value);
    if (!value.ok) return fail(value.message);
    changes.value = value.value;
  }
  for (const [field, key] of [
    ['group_id', 'groupId'],
    ['user_id', 'userId'],
  ] as const) {
    const parsed = optionalText(field, raw[field]);
    if (!parsed.ok) return fail(parsed.message);
    if (parsed.value !== null) changes[key] = parsed.value;
  }
  return { ok: true, changes };
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
