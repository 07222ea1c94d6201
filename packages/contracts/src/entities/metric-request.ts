import { z } from 'zod';
import { isBlank, MAX_LENGTH, textProblem, valueProblem, wireValue } from '../fields.js';
import { parseZulu } from '../instants.js';
import { MAX_BULK_METRICS, metricMessages as msg } from './metric-messages.js';

/**
 * The metric request of §4.7 (push, bulk element, PATCH). Its fields never fail zod: rule 2 (does the
 * definition exist?) needs the database and sits between rule 1 and the format rules 3–7, and a bulk
 * push reports every element's first violation. So each field parses to a verdict, and the functions
 * below put the verdicts in the spec's order; the server adds only the lookup between them.
 */

/** A value, or the spec's message for why there is none. */
export type Verdict<T> = { ok: true; value: T } | { ok: false; message: string };

/** One field's verdict, with what was sent (for the idempotency hash) and whether it was blank. */
export type FieldVerdict<T> = Verdict<T> & { sent: unknown; blank: boolean };

const pass = <T>(value: T): Verdict<T> => ({ ok: true, value });
const fail = (message: string): { ok: false; message: string } => ({ ok: false, message });

/** The field's text when it is a string or a number (strings accept numbers, §1.1); undefined otherwise. */
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** A rejected value as the messages echo it: strings verbatim, anything else as JSON. */
const echo = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));

/** An id-like text field: text (or a number), within MAX_LENGTH.id, storable. */
function idText(field: string, v: unknown): Verdict<string> {
  const t = text(v);
  if (t === undefined) return fail(msg.notText(field));
  const problem = textProblem(field, t, MAX_LENGTH.id);
  return problem ? fail(problem) : pass(t);
}

/** `value`: any JSON number or numeric string within ±MAX_ABS_VALUE; absent, null or blank is 0. */
export function valueVerdict(v: unknown): Verdict<number> {
  if (isBlank(v)) return pass(0);
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : Number.NaN;
  if (!Number.isFinite(n)) return fail(msg.valueNotNumber);
  const problem = valueProblem(n);
  return problem ? fail(problem) : pass(n);
}

/** One metric as the document shows it; the fields below carry its properties as their overrides. */
const metricRequestJsonSchema = {
  type: 'object' as const,
  required: ['metric_definition_id', 'time_period_start', 'time_period_end'],
  properties: {
    metric_definition_id: { type: 'string' as const, maxLength: MAX_LENGTH.id },
    time_period_start: { type: 'string' as const, format: 'date-time', example: '2022-01-05T09:13:07Z' },
    time_period_end: { type: 'string' as const, format: 'date-time', example: '2022-01-05T10:13:07Z' },
    value: { type: 'number' as const, default: 0 },
    group_id: { type: 'string' as const, maxLength: MAX_LENGTH.id },
    user_id: { type: 'string' as const, maxLength: MAX_LENGTH.id },
  },
};
const documented = metricRequestJsonSchema.properties;

/**
 * A verdict with what was sent, as one of two fixed-shape literals: spreading the verdict instead gave
 * every field of every bulk element a dictionary-mode object (~300 bytes; 10,000 elements held ~19 MB).
 */
const withSent = <T>(verdict: Verdict<T>, sent: unknown): FieldVerdict<T> =>
  verdict.ok ? { ok: true, value: verdict.value, sent, blank: isBlank(sent) } : { ok: false, message: verdict.message, sent, blank: isBlank(sent) };

const instantJudge =
  (name: 'time_period_start' | 'time_period_end') =>
  (v: unknown): Verdict<Date> => {
    if (isBlank(v)) return fail(msg.empty(name));
    const parsed = typeof v === 'string' ? parseZulu(v) : undefined;
    return parsed ? pass(parsed) : fail(msg.notZulu(name, echo(v)));
  };

const optionalIdJudge =
  (name: 'group_id' | 'user_id') =>
  (v: unknown): Verdict<string | null> =>
    isBlank(v) ? pass(null) : idText(name, v);

/** Each field's judge of one sent value (`undefined` when absent): the one place its rules live. */
const judges = {
  metric_definition_id: (v: unknown): Verdict<string> => (isBlank(v) ? fail(msg.empty('metric_definition_id')) : idText('metric_definition_id', v)),
  time_period_start: instantJudge('time_period_start'),
  time_period_end: instantJudge('time_period_end'),
  value: valueVerdict,
  group_id: optionalIdJudge('group_id'),
  user_id: optionalIdJudge('user_id'),
};

/** A field of the request: its wire type `In` (for clients) and the judge of one value. */
const field = <In, T>(judge: (v: unknown) => Verdict<T>) =>
  wireValue<In>()
    .optional()
    .transform((v: unknown): FieldVerdict<T> => withSent(judge(v), v));

/** The six fields of a metric request, each parsed to its verdict (unknown properties are dropped, §1.1). */
export const metricRequestFields = {
  metric_definition_id: field<string | number, string>(judges.metric_definition_id).meta({ override: documented.metric_definition_id }),
  time_period_start: field<string, Date>(judges.time_period_start).meta({ override: documented.time_period_start }),
  time_period_end: field<string, Date>(judges.time_period_end).meta({ override: documented.time_period_end }),
  value: field<number | string | null, number>(judges.value).meta({ override: documented.value }),
  group_id: field<string | number | null, string | null>(judges.group_id).meta({ override: documented.group_id }),
  user_id: field<string | number | null, string | null>(judges.user_id).meta({ override: documented.user_id }),
};

export const MetricRequestFields = z.object(metricRequestFields);
/** What a client may send for one metric. */
export type MetricRequest = z.input<typeof MetricRequestFields>;
/** A metric request with each field's verdict. */
export type MetricFields = z.output<typeof MetricRequestFields>;

const FIELD_NAMES = Object.keys(metricRequestFields) as (keyof MetricFields)[];

/** The fields as sent, without the absent ones: what an `Idempotency-Key` compares (§7.2). */
export const sentFields = (f: MetricFields): Record<string, unknown> =>
  Object.fromEntries(FIELD_NAMES.filter((k) => f[k].sent !== undefined).map((k) => [k, f[k].sent]));

/**
 * What a bulk element sent, as `sentFields(judgeBulkElement(el))` gives it (null for an empty element),
 * read straight from the element: the idempotency hash of a 10,000-element push needs no second judging.
 */
export const sentOfBulkElement = (el: unknown): Record<string, unknown> | null =>
  el === null ? null : Object.fromEntries(isObject(el) ? FIELD_NAMES.filter((k) => el[k] !== undefined).map((k) => [k, el[k]]) : []);

/** A pushed metric that passed rules 3–7 and the value and id fields. */
export interface MetricValues {
  timePeriodStart: Date;
  timePeriodEnd: Date;
  value: number;
  groupId: string | null;
  userId: string | null;
}

/** A push request in §4.7's order: rule 1 before the definition lookup (rule 2), the rest after it. */
export interface PushVerdicts {
  /** Rule 1: the definition id to look up, or its violation (400). */
  definition: Verdict<string>;
  /** Rules 3–7, then `value`, `group_id`, `user_id`, fail-fast; reported only once rule 2 passed. */
  metric: Verdict<MetricValues>;
}

/** Rules 3–7 and the remaining fields of §4.7, in order, against `now` (rule 5). */
export function pushVerdicts(f: MetricFields, now: Date): PushVerdicts {
  const start = f.time_period_start;
  const end = f.time_period_end;
  const metric = ((): Verdict<MetricValues> => {
    // Both blanks (rule 3) before either format (rule 4).
    if (start.blank && !start.ok) return fail(start.message);
    if (end.blank && !end.ok) return fail(end.message);
    if (!start.ok) return fail(start.message);
    if (!end.ok) return fail(end.message);
    if (start.value > now || end.value > now) return fail(msg.future);
    if (start.value.getTime() === end.value.getTime()) return fail(msg.equal);
    if (start.value > end.value) return fail(msg.startAfterEnd);
    if (!f.value.ok) return fail(f.value.message);
    if (!f.group_id.ok) return fail(f.group_id.message);
    if (!f.user_id.ok) return fail(f.user_id.message);
    return pass({ timePeriodStart: start.value, timePeriodEnd: end.value, value: f.value.value, groupId: f.group_id.value, userId: f.user_id.value });
  })();
  const definition = f.metric_definition_id;
  return { definition: definition.ok ? pass(definition.value) : fail(definition.message), metric };
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

/** The PATCH body's format checks, in field order, which need no stored row. */
export function metricChanges(f: MetricFields): Verdict<MetricChanges> {
  const changes: MetricChanges = {};
  const keys = [
    ['metric_definition_id', 'metricDefinitionId'],
    ['time_period_start', 'timePeriodStart'],
    ['time_period_end', 'timePeriodEnd'],
    ['value', 'value'],
    ['group_id', 'groupId'],
    ['user_id', 'userId'],
  ] as const;
  for (const [wire, key] of keys) {
    const verdict = f[wire];
    if (verdict.blank) continue;
    if (!verdict.ok) return fail(verdict.message);
    Object.assign(changes, { [key]: verdict.value });
  }
  return pass(changes);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What `MetricRequestFields.parse(el)` gives (the same judges, fields in the same order), without zod's
 * per-field payloads and checks: a bulk push judges up to 10,000 elements, and that machinery was most
 * of the garbage a bulk request left behind.
 */
const judgeFields = (el: Record<string, unknown>): MetricFields => ({
  metric_definition_id: withSent(judges.metric_definition_id(el.metric_definition_id), el.metric_definition_id),
  time_period_start: withSent(judges.time_period_start(el.time_period_start), el.time_period_start),
  time_period_end: withSent(judges.time_period_end(el.time_period_end), el.time_period_end),
  value: withSent(judges.value(el.value), el.value),
  group_id: withSent(judges.group_id(el.group_id), el.group_id),
  user_id: withSent(judges.user_id(el.user_id), el.user_id),
});

/** One bulk element judged: `null` is an empty element (§7.1); anything else but an object has no fields. */
export type BulkElement = MetricFields | null;

/** A bulk element's verdicts (see BulkElement). */
export const judgeBulkElement = (el: unknown): BulkElement => (el === null ? null : judgeFields(isObject(el) ? el : {}));

/**
 * The definition id a bulk element names, when rule 1 passes (what `pushVerdicts(judgeBulkElement(el))`
 * reports as `definition`): all of them are looked up at once, before any element is judged in full.
 */
export function requestedDefinition(el: unknown): string | undefined {
  if (!isObject(el)) return undefined;
  const verdict = judges.metric_definition_id(el.metric_definition_id);
  return verdict.ok ? verdict.value : undefined;
}

/**
 * A bulk push body (§7.1): the JSON array itself, with the array rules; array violations are verdicts
 * too, so they keep their place after the header checks. The elements stay as sent and are judged one
 * at a time by `judgeBulkElement`: verdicts for all 10,000 at once were 6.5 MB held for the whole
 * request, for each element only until it is checked.
 */
export const metricBulkItems = wireValue<MetricRequest[]>()
  .optional()
  .transform((v: unknown): Verdict<unknown[]> => {
    if (!Array.isArray(v)) return fail(msg.bulkNotArray);
    if (v.length === 0) return fail(msg.bulkEmpty);
    if (v.length > MAX_BULK_METRICS) return fail(msg.bulkTooMany);
    return pass(v);
  })
  .meta({ override: { type: 'array', minItems: 1, maxItems: MAX_BULK_METRICS, items: metricRequestJsonSchema } });
