import { z } from 'zod';
import { webhookMessages } from './webhook.js';
import { isBlank, MAX_LENGTH, optionalText, pathId, requiredText, textProblem, wireValue } from '../fields.js';

/** alerts.md messages: each names its field, so a client can point at it. */
export const alertMessages = {
  kind: 'kind must be one of capacity, usage, silence.',
  scope: 'scope must be exactly one of {installation_id}, {project_id}, {project_id, provider_id}, {provider_id}.',
  thresholdPercent: 'threshold_percent must be between 1 and 1000.',
  thresholdValue: 'threshold_value must be a number between 0 and 1e15.',
  silenceMinutes: 'silence_minutes must be between 1 and 525600.',
  window: 'window must be one of day, week, month, quarter, year.',
  every: 'every must be one of week, month.',
  tz: 'tz must be an IANA time zone such as Europe/Athens.',
  webhookUrl: 'webhook_url must be an absolute http(s) URL.',
  webhookHttps: 'webhook_url must use https.',
  webhookPrivate: 'webhook_url must not point to a private or loopback address.',
  webhookUnresolvable: 'webhook_url host cannot be resolved.',
  webhookSecret: 'webhook_secret must be whsec_ followed by the base64 of 24 to 64 bytes.',
  enabled: 'enabled must be true or false.',
  /** A field that does not belong to the rule's kind (a usage rule has no threshold_percent). */
  notForKind: (field: string, kind: string) => `${field} does not apply to ${kind} rules.`,
  notFound: (id: string) => `There is no Alert Rule with the following id: ${id}`,
  deleted: 'Alert Rule has been deleted.',
  noEvent: webhookMessages.noEvent,
  queued: webhookMessages.queued,
  testQueued: webhookMessages.testQueued,
} as const;

export const ALERT_KINDS = ['capacity', 'usage', 'silence'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_WINDOWS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type AlertWindow = (typeof ALERT_WINDOWS)[number];
export const ALERT_STATES = ['ok', 'firing', 'idle'] as const;

/** One of a closed set of words, with the field's own message for anything else. */
export const oneOf = <const T extends readonly string[]>(values: T, message: string) => {
  const isOne = (v: unknown): v is T[number] => typeof v === 'string' && values.includes(v);
  return wireValue<T[number]>()
    .transform((v: unknown, ctx) => {
      if (isOne(v)) return v;
      ctx.addIssue({ code: 'custom', message, input: v });
      return z.NEVER;
    })
    .meta({ override: { type: 'string', enum: [...values] } });
};

/** An integer (or numeric string) within [min, max]; `undefined` when absent or null. */
const boundedInteger = (message: string, min: number, max: number) =>
  wireValue<number | string | null>()
    .optional()
    .transform((v: unknown, ctx) => {
      if (isBlank(v)) return undefined;
      const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : Number.NaN;
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message, input: v });
        return z.NEVER;
      }
      return n;
    })
    .meta({ override: { type: ['integer', 'null'], minimum: min, maximum: max } });

const thresholdValue = wireValue<number | string | null>()
  .optional()
  .transform((v: unknown, ctx) => {
    if (isBlank(v)) return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : Number.NaN;
    if (!Number.isFinite(n) || n < 0 || n > 1e15) {
      ctx.addIssue({ code: 'custom', message: alertMessages.thresholdValue, input: v });
      return z.NEVER;
    }
    return n;
  })
  .meta({ override: { type: ['number', 'null'], minimum: 0, maximum: 1e15 } });

/** An IANA zone name the runtime knows (`Intl` refuses the rest); absent means UTC. */
export const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const timeZone = wireValue<string | null>()
  .optional()
  .transform((v: unknown, ctx) => {
    if (isBlank(v)) return undefined;
    if (typeof v !== 'string' || v.length > 64 || !isTimeZone(v.trim())) {
      ctx.addIssue({ code: 'custom', message: alertMessages.tz, input: v });
      return z.NEVER;
    }
    return v.trim();
  })
  .meta({ override: { type: ['string', 'null'], example: 'Europe/Athens' } });

const URL_MAX = MAX_LENGTH.text;

/** Shape only (absolute http/https URL); the scheme policy and the address check need the server's configuration. */
const urlShape = (v: unknown, ctx: z.RefinementCtx): string => {
  const text = typeof v === 'string' ? v.trim() : '';
  const problem = textProblem('webhook_url', text, URL_MAX);
  let ok: boolean;
  try {
    const u = new URL(text);
    // No credentials in the URL: they would be shown in every listing, unlike the secret.
    ok = (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '' && u.username === '' && u.password === '';
  } catch {
    ok = false;
  }
  if (problem || !ok) {
    ctx.addIssue({ code: 'custom', message: problem ?? alertMessages.webhookUrl, input: v });
    return z.NEVER;
  }
  return text;
};

export const requiredWebhookUrl = wireValue<string>()
  .transform((v: unknown, ctx) => {
    if (isBlank(v)) {
      ctx.addIssue({ code: 'custom', message: 'webhook_url may not be empty.', input: v });
      return z.NEVER;
    }
    return urlShape(v, ctx);
  })
  .meta({ override: { type: 'string', format: 'uri', example: 'https://hooks.example.org/acc' } });

export const optionalWebhookUrl = wireValue<string | null>()
  .optional()
  .transform((v: unknown, ctx) => (isBlank(v) ? undefined : urlShape(v, ctx)))
  .meta({ override: { type: ['string', 'null'], format: 'uri' } });

/** Standard Webhooks secrets: `whsec_` + base64 of the key; 24..64 bytes keeps HMAC-SHA256 keys sane. */
export const isWebhookSecret = (v: string) => {
  const m = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(v);
  if (!m || m[1].length % 4 !== 0) return false;
  // atob, not Buffer: the contracts also run in browsers (the client bundle).
  const bytes = atob(m[1]).length;
  return bytes >= 24 && bytes <= 64;
};

export const webhookSecret = wireValue<string | null>()
  .optional()
  .transform((v: unknown, ctx) => {
    if (isBlank(v)) return undefined;
    if (typeof v !== 'string' || v.length > 200 || !isWebhookSecret(v.trim())) {
      ctx.addIssue({ code: 'custom', message: alertMessages.webhookSecret, input: v });
      return z.NEVER;
    }
    return v.trim();
  })
  .meta({ override: { type: ['string', 'null'], example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } });

export const optionalBoolean = wireValue<boolean | null>()
  .optional()
  .transform((v: unknown, ctx) => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') {
      ctx.addIssue({ code: 'custom', message: alertMessages.enabled, input: v });
      return z.NEVER;
    }
    return v;
  })
  .meta({ override: { type: ['boolean', 'null'] } });

/** The scope of a rule or a schedule: exactly one of the four shapes of alerts.md §1. */
export type AlertScope = { installation_id: string } | { project_id: string } | { project_id: string; provider_id: string } | { provider_id: string };

const scopeId = z.string().trim().min(1).max(MAX_LENGTH.id);

export const alertScope = wireValue<AlertScope>()
  .transform((v: unknown, ctx): AlertScope => {
    const fail = () => {
      ctx.addIssue({ code: 'custom', message: alertMessages.scope, input: v });
      return z.NEVER;
    };
    if (!v || typeof v !== 'object' || Array.isArray(v)) return fail();
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined && o[k] !== null)
      .sort()
      .join(',');
    const id = (k: string) => {
      const parsed = scopeId.safeParse(o[k]);
      return parsed.success && textProblem(k, parsed.data, MAX_LENGTH.id) === undefined ? parsed.data : undefined;
    };
    const ids = { installation_id: id('installation_id'), project_id: id('project_id'), provider_id: id('provider_id') };
    if (keys === 'installation_id' && ids.installation_id) return { installation_id: ids.installation_id };
    if (keys === 'project_id' && ids.project_id) return { project_id: ids.project_id };
    if (keys === 'project_id,provider_id' && ids.project_id && ids.provider_id) return { project_id: ids.project_id, provider_id: ids.provider_id };
    if (keys === 'provider_id' && ids.provider_id) return { provider_id: ids.provider_id };
    return fail();
  })
  .meta({
    override: {
      type: 'object',
      properties: { installation_id: { type: 'string' }, project_id: { type: 'string' }, provider_id: { type: 'string' } },
      description: 'Exactly one of {installation_id}, {project_id}, {project_id, provider_id}, {provider_id}',
    },
  });

const FIELDS_OF: Record<AlertKind, string[]> = {
  capacity: ['metric_definition_id', 'threshold_percent'],
  usage: ['metric_definition_id', 'threshold_value', 'window'],
  silence: ['silence_minutes'],
};
const KIND_FIELDS = ['metric_definition_id', 'threshold_percent', 'threshold_value', 'window', 'tz', 'silence_minutes'] as const;
const fieldsOfKind = (kind: AlertKind) => (kind === 'usage' ? [...FIELDS_OF.usage, 'tz'] : FIELDS_OF[kind]);

/** The first field a kind needs but the body lacks, or carries but the kind ignores. */
export function kindProblem(kind: AlertKind, present: (field: string) => boolean): string | undefined {
  const missing = FIELDS_OF[kind].find((f) => !present(f));
  if (missing) return `${missing} may not be empty.`;
  const foreign = KIND_FIELDS.find((f) => present(f) && !fieldsOfKind(kind).includes(f));
  return foreign ? alertMessages.notForKind(foreign, kind) : undefined;
}

export const AlertRuleCreate = z
  .object({
    name: requiredText('name'),
    scope: alertScope,
    kind: oneOf(ALERT_KINDS, alertMessages.kind),
    metric_definition_id: optionalText('metric_definition_id', MAX_LENGTH.id),
    threshold_percent: boundedInteger(alertMessages.thresholdPercent, 1, 1000),
    threshold_value: thresholdValue,
    window: oneOf(ALERT_WINDOWS, alertMessages.window).optional(),
    tz: timeZone,
    silence_minutes: boundedInteger(alertMessages.silenceMinutes, 1, 525_600),
    webhook_url: requiredWebhookUrl,
    webhook_secret: webhookSecret,
  })
  .superRefine((v, ctx) => {
    const problem = kindProblem(v.kind, (f) => v[f as keyof typeof v] !== undefined);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: v });
  });
export type AlertRuleCreate = z.infer<typeof AlertRuleCreate>;

/** PATCH: absent or null fields stay as they are; the kind-specific ones must belong to the rule's kind (the server knows it). */
export const AlertRuleUpdate = z.object({
  id: pathId,
  name: optionalText('name'),
  threshold_percent: boundedInteger(alertMessages.thresholdPercent, 1, 1000),
  threshold_value: thresholdValue,
  window: oneOf(ALERT_WINDOWS, alertMessages.window).optional(),
  tz: timeZone,
  silence_minutes: boundedInteger(alertMessages.silenceMinutes, 1, 525_600),
  webhook_url: optionalWebhookUrl,
  webhook_secret: webhookSecret,
  enabled: optionalBoolean,
});
export type AlertRuleUpdate = z.infer<typeof AlertRuleUpdate>;

export const AlertRuleRef = z.object({ id: pathId });

export const AlertScopeWire = z
  .object({ installation_id: z.string().optional(), project_id: z.string().optional(), provider_id: z.string().optional() })
  .meta({ id: 'AlertScope' });

export const AlertRule = z
  .object({
    id: z.string(),
    name: z.string(),
    scope: AlertScopeWire,
    kind: z.enum(ALERT_KINDS),
    metric_definition_id: z.string().nullable(),
    threshold_percent: z.number().nullable(),
    threshold_value: z.number().nullable(),
    window: z.enum(ALERT_WINDOWS).nullable(),
    tz: z.string().nullable(),
    silence_minutes: z.number().nullable(),
    webhook_url: z.string(),
    enabled: z.boolean(),
    /** `ok`, `firing`, or `idle` (no capacity in force, disabled, or nothing measured yet). */
    state: z.enum(ALERT_STATES),
    last_value: z.number().nullable(),
    creator_id: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'AlertRule' });
export type AlertRule = z.infer<typeof AlertRule>;

/** The 201 answer: the only time the secret is ever shown. */
export const AlertRuleCreated = AlertRule.extend({ webhook_secret: z.string() }).meta({ id: 'AlertRuleCreated' });
export type AlertRuleCreated = z.infer<typeof AlertRuleCreated>;
