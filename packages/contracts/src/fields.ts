import { z } from 'zod';

/**
 * Field builders that encode the spec's wire rules once: a string field also accepts a number, a numeric
 * field also accepts a numeric string, and "required" means present, non-null and non-blank, failing with
 * "<field> may not be empty.". They are pipes on purpose: trpc-to-openapi force-coerces plain number
 * schemas (so `null` would become 0); pipes keep conversion under our control on both transports.
 * Each starts `z.unknown().optional()`: zod 4 runs the rest for an absent key only when the schema
 * admits undefined, and "absent" must reach our own message (or default).
 */

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

export const emptyMessage = (field: string) => `${field} may not be empty.`;

const textLike = z.union([z.string(), z.number().transform(String)]);

/** Required text: "<field> may not be empty." when missing, null or blank. */
export const requiredText = (field: string) =>
  z
    .unknown()
    .optional()
    .superRefine((v, ctx) => {
      if (isBlank(v)) ctx.addIssue({ code: 'custom', message: emptyMessage(field), input: v });
      else if (typeof v !== 'string' && typeof v !== 'number')
        ctx.addIssue({ code: 'custom', message: `${field} must be a string.`, input: v });
    })
    .pipe(textLike)
    .meta({ override: { type: 'string', minLength: 1 } }) as unknown as z.ZodType<string, string | number>;

/** Optional text: blank or null become `undefined`, which PATCH treats as "leave unchanged". */
export const optionalText = (field: string) =>
  z
    .unknown()
    .optional()
    .superRefine((v, ctx) => {
      if (!isBlank(v) && typeof v !== 'string' && typeof v !== 'number')
        ctx.addIssue({ code: 'custom', message: `${field} must be a string.`, input: v });
    })
    .transform((v) => (isBlank(v) ? undefined : String(v)))
    .meta({ override: { type: ['string', 'null'] } }) as unknown as z.ZodType<
    string | undefined,
    string | number | null | undefined
  >;

/** A JSON number, or a string holding one; `undefined` when absent or null. */
export const optionalNumber = (field: string) =>
  z
    .unknown()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === null || v === '') return undefined;
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
      if (!Number.isFinite(n)) {
        ctx.addIssue({ code: 'custom', message: `${field} must be a number.`, input: v });
        return z.NEVER;
      }
      return n;
    })
    .meta({ override: { type: ['number', 'null'] } }) as unknown as z.ZodType<number | undefined, number | string | null | undefined>;

/** Path parameters are always strings on the wire; ids of unknown shape give 404 later, never 400. */
export const pathId = z.string().min(1);

/** A query-string integer (page/size): only digit strings or integral numbers pass. */
export const queryInteger = (message: string, min: number, max: number, fallback: number) =>
  z
    .unknown()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
      const n = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message, input: v });
        return z.NEVER;
      }
      return n;
    })
    .meta({ override: { type: 'integer', minimum: min, maximum: max, default: fallback } }) as unknown as z.ZodType<
    number,
    string | number | undefined
  >;
