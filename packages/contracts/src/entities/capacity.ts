import { z } from 'zod';
import { boundMessages, isBlank, MAX_LENGTH, pathId, requiredText, textProblem, valueProblem, wireValue } from '../fields.js';
import { isCalendarDate } from './metric.js';

/** §4.8 messages, character for character. */
export const capacityMessages = {
  registered: 'Capacity has been successfully registered.',
  valueEmpty: 'value may not be empty.',
  valueNotNumber: 'value must be a number.',
  valueNegative: 'value must be greater than or equal to 0.',
  valueRange: boundMessages.valueRange,
  valueScale: 'value must have at most 15 digits after the decimal point.',
  dateFormat: 'Valid date format is yyyy-MM-dd.',
  duplicate: (instant: string) => `There is already a Capacity for this Installation and Metric Definition registered on ${instant}.`,
  notFound: (id: string) => `There is no Capacity with the following id: ${id}`,
  deleted: 'Capacity has been deleted.',
} as const;

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
// An ISO-8601 local date-time with a zone designator (Z or ±hh:mm / ±hhmm / ±hh).
const ZONED = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * `registered_on` (§4.8): `yyyy-MM-dd` is that day at 00:00Z; a zoned ISO-8601 timestamp is that instant.
 * Returns undefined for anything else.
 */
export function parseRegisteredOn(v: string): Date | undefined {
  if (isCalendarDate(v)) return new Date(`${v}T00:00:00Z`);
  const m = ZONED.exec(v);
  if (!m || !isCalendarDate(m[1])) return undefined;
  const [h, min, s] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
  if (h > 23 || min > 59 || s > 59) return undefined;
  const zone = m[5].toUpperCase();
  if (zone !== 'Z') {
    const zm = /^[+-](\d{2}):?(\d{2})?$/.exec(zone)!;
    if (Number(zm[1]) > 18 || Number(zm[2] ?? 0) > 59) return undefined;
  }
  // Date parses the normalised ISO form exactly; `±hh` and `±hhmm` need the colon form first.
  const normalised = v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2').replace(/([+-]\d{2})$/, '$1:00');
  const d = new Date(normalised);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * Bounds of a capacity's text: PostgreSQL's numeric refuses more than 16383 digits after the point
 * (`1e-20000` is a 500, not a tiny number), and a capacity smaller than 1e-15 would turn usage
 * percentages into numbers JSON cannot carry.
 */
const MAX_DECIMAL_CHARS = 64;
const MAX_SCALE = 15;

/** Digits after the decimal point once the exponent is applied: `1.25e-3` has 5, `1.50` has 2. */
const scaleOf = (text: string) => {
  const [mantissa, exponent = '0'] = text.toLowerCase().split('e');
  return (mantissa.split('.')[1] ?? '').length - Number(exponent);
};

/** The checks of a non-blank decimal value; its text as stored, or z.NEVER with the issue raised. */
function decimalText(v: unknown, ctx: z.RefinementCtx): string {
  const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  const tooLong = textProblem('value', text, MAX_DECIMAL_CHARS);
  if (tooLong) {
    ctx.addIssue({ code: 'custom', message: tooLong, input: v });
    return z.NEVER;
  }
  if (!Number.isFinite(Number(text)) || !DECIMAL.test(text)) {
    ctx.addIssue({ code: 'custom', message: capacityMessages.valueNotNumber, input: v });
    return z.NEVER;
  }
  // A capacity is an amount available; a negative one would make every usage percentage meaningless.
  if (Number(text) < 0) {
    ctx.addIssue({ code: 'custom', message: capacityMessages.valueNegative, input: v });
    return z.NEVER;
  }
  const problem = valueProblem(Number(text)) ?? (scaleOf(text) > MAX_SCALE ? capacityMessages.valueScale : undefined);
  if (problem) {
    ctx.addIssue({ code: 'custom', message: problem, input: v });
    return z.NEVER;
  }
  return text;
}

const decimalMeta = { override: { type: 'number' as const } };

/** A decimal kept as text, so the capacity is stored exactly as sent (numeric column). */
const requiredDecimal = wireValue<number | string>()
  .transform((v: unknown, ctx) => {
    if (!isBlank(v)) return decimalText(v, ctx);
    ctx.addIssue({ code: 'custom', message: capacityMessages.valueEmpty, input: v });
    return z.NEVER;
  })
  .meta(decimalMeta);

const optionalDecimal = wireValue<number | string | null>()
  .transform((v: unknown, ctx) => (isBlank(v) ? undefined : decimalText(v, ctx)))
  // Absent optional keys must skip the transform: zod refuses an absent key whose output is undefined.
  .optional()
  .meta(decimalMeta);

const registeredOn = wireValue<string>()
  .transform((v: unknown, ctx) => {
    if (isBlank(v)) return undefined;
    const d = typeof v === 'string' ? parseRegisteredOn(v.trim()) : undefined;
    if (!d) {
      ctx.addIssue({ code: 'custom', message: capacityMessages.dateFormat, input: v });
      return z.NEVER;
    }
    return d;
  })
  .optional()
  .meta({
    override: {
      type: 'string',
      description: '`yyyy-MM-dd` (00:00Z) or an ISO-8601 timestamp with zone; defaults to now',
      example: '2025-12-15T10:00:00Z',
    },
  });

export const CapacityCreate = z.object({
  installation_id: pathId,
  value: requiredDecimal,
  metric_definition_id: requiredText('metric_definition_id', MAX_LENGTH.id),
  registered_on: registeredOn,
});
export type CapacityCreate = z.infer<typeof CapacityCreate>;

export const CapacityUpdate = z.object({
  installation_id: pathId,
  capacity_id: pathId,
  value: optionalDecimal,
  registered_on: registeredOn,
});
export type CapacityUpdate = z.infer<typeof CapacityUpdate>;

export const CapacityRef = z.object({ installation_id: pathId, capacity_id: pathId });
export type CapacityRef = z.infer<typeof CapacityRef>;

/** Named apart from any installation-side schema so the OpenAPI registry ids never collide. */
export const InstallationCapacity = z
  .object({
    id: z.string(),
    installation_id: z.string(),
    metric_definition_id: z.string(),
    value: z.number(),
    registered_on: z.string(),
  })
  .meta({ id: 'InstallationCapacity' });
export type InstallationCapacity = z.infer<typeof InstallationCapacity>;
