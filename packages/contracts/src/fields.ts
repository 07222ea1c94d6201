import { z } from 'zod';

/**
 * Field builders that encode the spec's wire rules once: a string field also accepts a number, a numeric
 * field also accepts a numeric string, and "required" means present, non-null and non-blank, failing with
 * "<field> may not be empty.". They are pipes on purpose: conversion stays under our control on both
 * transports (a coercing number schema would turn `null` into 0).
 * Each starts `z.unknown().optional()`: zod 4 runs the rest for an absent key only when the schema
 * admits undefined, and "absent" must reach our own message (or default).
 */

/** Missing, null or only whitespace: what "may not be empty" refuses. */
export const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/**
 * The start of a field builder: like `z.unknown()` every value passes through to the builder's own checks
 * and messages, but the schema's input type is `In`, the wire type the API documents, so clients infer it
 * instead of `unknown`. Builders annotate their callbacks' value as `unknown`: the checks must handle
 * whatever a caller actually sends.
 */
// The placeholder JSON schema only satisfies zod-openapi's check that every schema documents itself;
// each builder's own `override` (which always sets `type`) replaces it in the document.
export const wireValue = <In>() => z.custom<In>().meta({ override: { type: 'string' } });

export const emptyMessage = (field: string) => `${field} may not be empty.`;

/**
 * The longest string, in characters (Unicode code points), each kind of field accepts; one table for the
 * whole API. Ids and names are index keys: PostgreSQL refuses a B-tree entry over 2704 bytes, and 255
 * characters of at most 4 UTF-8 bytes keep even a two-column key (unit type + metric name) under it.
 */
export const MAX_LENGTH = {
  /** Ids and external ids, in paths, queries and bodies; `group_id`, `user_id`; APEL's `VMUUID`. */
  id: 255,
  /** Names and other short keys: unit and metric types, metric names, provider and installation names. */
  name: 255,
  /** Longer single values: titles, URLs, paths, secrets, APEL's DNs and FQANs. */
  text: 1024,
  /** Free text: descriptions. */
  description: 4096,
} as const;

/**
 * The largest magnitude of a metric's or a capacity's value. Sums of values this size cannot overflow
 * a double (reports sum in `numeric` anyway), and 1e15 is still an exact integer in a double.
 */
export const MAX_ABS_VALUE = 1e15;

export const boundMessages = {
  characters: (field: string) => `${field} must not contain NUL characters or unpaired surrogates.`,
  tooLong: (field: string, max: number) => `${field} must be at most ${max} characters.`,
  valueRange: 'value must be between -1e15 and 1e15.',
} as const;

// NUL cannot be stored in PostgreSQL text; an unpaired surrogate has no UTF-8 form (nor a URL encoding).
// eslint-disable-next-line no-control-regex -- NUL is exactly what this rejects
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Counts code points only as far as needed: a 30 MiB string is refused without walking it. */
function fitsIn(value: string, max: number): boolean {
  if (value.length <= max) return true;
  if (value.length > 2 * max) return false;
  let n = 0;
  for (const _ of value) if (++n > max) return false;
  return true;
}

/** Why `value` cannot be stored or searched as `field` (too long, NUL, unpaired surrogate); undefined when it can. */
export function textProblem(field: string, value: string, max: number): string | undefined {
  if (!fitsIn(value, max)) return boundMessages.tooLong(field, max);
  if (UNSTORABLE.test(value)) return boundMessages.characters(field);
  return undefined;
}

/** The range rule for a metric's or a capacity's value; undefined when `n` is within it. */
export const valueProblem = (n: number): string | undefined => (Math.abs(n) <= MAX_ABS_VALUE ? undefined : boundMessages.valueRange);

/** The key a schema sits under, for messages of schemas shared by many fields (path ids). */
const keyOf = (path: readonly PropertyKey[] | undefined, fallback: string) => {
  const key = path?.[path.length - 1];
  return key === undefined ? fallback : String(key);
};

/**
 * A string bounded to `max` characters and free of unstorable characters, named in its message by the key
 * it sits under: zod resolves the message once the issue has its full path.
 */
export const boundedString = (max: number) =>
  z.string().refine((v) => textProblem('', v, max) === undefined, {
    error: (issue) => textProblem(keyOf(issue.path, 'value'), String(issue.input), max),
  });

const textLike = z.union([z.string(), z.number().transform(String)]);

/** The type and bound checks of a non-blank text value. */
const checkText = (field: string, max: number, v: unknown, ctx: z.RefinementCtx) => {
  if (typeof v !== 'string' && typeof v !== 'number') return ctx.addIssue({ code: 'custom', message: `${field} must be a string.`, input: v });
  const problem = textProblem(field, String(v), max);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, input: v });
};

/** Required text: "<field> may not be empty." when missing, null or blank; at most `max` characters. */
export const requiredText = (field: string, max: number = MAX_LENGTH.name) =>
  // No `.optional()`: an absent key still runs the check (its own message), and the key stays required in the input type.
  wireValue<string | number>()
    .superRefine((v: unknown, ctx) => {
      if (isBlank(v)) ctx.addIssue({ code: 'custom', message: emptyMessage(field), input: v });
      else checkText(field, max, v, ctx);
    })
    .pipe(textLike)
    .meta({ override: { type: 'string', minLength: 1, maxLength: max } });

/** Optional text: blank or null become `undefined`, which PATCH treats as "leave unchanged". */
export const optionalText = (field: string, max: number = MAX_LENGTH.name) =>
  wireValue<string | number | null>()
    .optional()
    .superRefine((v: unknown, ctx) => {
      if (!isBlank(v)) checkText(field, max, v, ctx);
    })
    .transform((v) => (isBlank(v) ? undefined : String(v)))
    .meta({ override: { type: ['string', 'null'], maxLength: max } });

/** A JSON number, or a string holding one; `undefined` when absent or null. */
export const optionalNumber = (field: string) =>
  wireValue<number | string | null>()
    .optional()
    .transform((v: unknown, ctx) => {
      if (v === undefined || v === null || v === '') return undefined;
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
      if (!Number.isFinite(n)) {
        ctx.addIssue({ code: 'custom', message: `${field} must be a number.`, input: v });
        return z.NEVER;
      }
      return n;
    })
    .meta({ override: { type: ['number', 'null'] } });

/**
 * Path parameters are always strings on the wire; ids of unknown shape give 404 later. Only what no id
 * can be is a 400: over MAX_LENGTH.id characters, or characters that cannot be stored or encoded.
 */
export const pathId = boundedString(MAX_LENGTH.id).min(1);

/** A query-string integer (page/size): only digit strings or integral numbers pass. */
export const queryInteger = (message: string, min: number, max: number, fallback: number) =>
  wireValue<string | number>()
    .optional()
    .transform((v: unknown, ctx) => {
      if (v === undefined || v === '') return fallback;
      const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
      const n = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message, input: v });
        return z.NEVER;
      }
      return n;
    })
    .meta({ override: { type: 'integer', minimum: min, maximum: max, default: fallback } });
