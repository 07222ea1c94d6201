import { z } from 'zod';
import { boundedString, boundMessages, MAX_LENGTH, pathId, requiredText, textProblem, wireValue } from '../fields.js';
import { pageParams } from '../page.js';

/** §4.7 and §7 messages, character for character. */
export const metricMessages = {
  empty: (field: string) => `${field} may not be empty.`,
  notText: (field: string) => `${field} must be a string.`,
  noDefinition: (id: string) => `There is no Metric Definition with the following id: ${id}`,
  notZulu: (field: string, found: string) => `${field} must be a valid zulu timestamp. found: ${found}`,
  future: 'Timestamp cannot be after the current date-time.',
  equal: 'Timestamp of the starting date time cannot be equal to Timestamp of the end date time.',
  startAfterEnd: 'Timestamp of the starting date time cannot be after of Timestamp of the end date time.',
  endBeforeStart: 'Timestamp of the end date time cannot be before of Timestamp of the starting date time.',
  valueNotNumber: 'value must be a number.',
  valueRange: boundMessages.valueRange,
  noMetric: (id: string) => `There is no Metric with the following id: ${id}`,
  deleted: 'Metric has been deleted successfully.',
  listDateFormat: 'The date format must be as follows YYYY-MM-DD',
  listStartAfterEnd: 'start cannot be after end.',
  externalProviderIdEmpty: 'externalProviderId may not be empty.',
  bulkNotArray: 'The request body must be a JSON array of metrics.',
  bulkEmpty: 'The request body is empty.',
  bulkTooMany: 'At most 10000 metrics can be registered in one request.',
  bulkRegistered: (n: number) => `${n} metrics have been registered.`,
  idempotencyKeyInvalid: 'Idempotency-Key must be 1 to 255 printable ASCII characters.',
  idempotencyKeyReused: 'Idempotency-Key reused with a different request.',
} as const;

export const MAX_BULK_METRICS = 10_000;

/** A real calendar date written `yyyy-MM-dd` (Feb 30 and month 13 are not). */
export function isCalendarDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && y >= 1;
}

/**
 * The push body's fields are taken raw: the seven rules of §4.7 interleave a database lookup (rule 2)
 * with format checks, and the bulk push must report the same texts per element, so one validator in the
 * server owns them all. The overrides only describe the wire types for the OpenAPI document.
 */
// `never`: the override type comes from zod-openapi's augmentation of zod's metadata, not from this package;
// linted within this package (without the augmentation) the assertion looks unnecessary.
const raw = (schema: object) =>
  z
    .unknown()
    .optional()
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    .meta({ override: schema as never });

export const metricRequestJsonSchema = {
  type: 'object' as const,
  required: ['metric_definition_id', 'time_period_start', 'time_period_end'],
  properties: {
    metric_definition_id: { type: 'string' as const },
    time_period_start: { type: 'string' as const, format: 'date-time', example: '2022-01-05T09:13:07Z' },
    time_period_end: { type: 'string' as const, format: 'date-time', example: '2022-01-05T10:13:07Z' },
    value: { type: 'number' as const, default: 0 },
    group_id: { type: 'string' as const },
    user_id: { type: 'string' as const },
  },
};

const metricRequestFields = {
  metric_definition_id: raw(metricRequestJsonSchema.properties.metric_definition_id),
  time_period_start: raw(metricRequestJsonSchema.properties.time_period_start),
  time_period_end: raw(metricRequestJsonSchema.properties.time_period_end),
  value: raw(metricRequestJsonSchema.properties.value),
  group_id: raw(metricRequestJsonSchema.properties.group_id),
  user_id: raw(metricRequestJsonSchema.properties.user_id),
};

/** What a client may send for one metric; the server validates it (`MetricRequest` fields are unknown). */
export interface MetricRequest {
  metric_definition_id?: unknown;
  time_period_start?: unknown;
  time_period_end?: unknown;
  value?: unknown;
  group_id?: unknown;
  user_id?: unknown;
}

export const MetricPush = z.object({ installation_id: pathId, ...metricRequestFields });
export const MetricPushExternal = z.object({ externalId: boundedString(MAX_LENGTH.id).optional(), ...metricRequestFields });
export const MetricPatch = z.object({ installation_id: pathId, metric_id: pathId, ...metricRequestFields });

export const MetricBulkPush = z.object({
  installation_id: pathId,
  // The REST bridge hands a JSON array body over as `items`; anything else arrives without it.
  items: z
    .unknown()
    .optional()
    .meta({ override: { type: 'array', minItems: 1, maxItems: MAX_BULK_METRICS, items: metricRequestJsonSchema } }),
});

/** The push response (§4.7); `group_id`/`user_id` are omitted when null. */
export const MetricPushResponse = z
  .object({
    metric_id: z.string(),
    metric_definition_id: z.string(),
    time_period_start: z.string(),
    time_period_end: z.string(),
    value: z.number(),
    group_id: z.string().optional(),
    user_id: z.string().optional(),
  })
  .meta({ id: 'MetricPushResponse' });
export type MetricPushResponse = z.infer<typeof MetricPushResponse>;

export const MetricBulkResponse = z
  .object({ code: z.number().int(), message: z.string(), ids: z.array(z.string()) })
  .meta({ id: 'MetricBulkResponse' });
export type MetricBulkResponse = z.infer<typeof MetricBulkResponse>;

const ProjectionDefinition = z.object({
  metric_definition_id: z.string(),
  metric_name: z.string(),
  metric_description: z.string().nullable(),
  unit_type: z.string(),
  metric_type: z.string(),
  creator_id: z.string(),
});

/** A metric in listings and search (§4.7): `project` is the acronym, `provider` the provider id. */
export const MetricProjection = z
  .object({
    id: z.string(),
    time_period_start: z.string(),
    time_period_end: z.string(),
    value: z.number(),
    project: z.string(),
    provider: z.string(),
    installation_id: z.string(),
    project_id: z.string(),
    resource: z.string().optional(),
    group_id: z.string().optional(),
    user_id: z.string().optional(),
    metric_definition: ProjectionDefinition,
  })
  .meta({ id: 'MetricProjection' });
export type MetricProjection = z.infer<typeof MetricProjection>;

/** A `yyyy-MM-dd` listing filter; blank counts as absent. */
const listDate = wireValue<string>()
  .transform((v: unknown, ctx) => {
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string' || !isCalendarDate(v)) {
      ctx.addIssue({ code: 'custom', message: metricMessages.listDateFormat, input: v });
      return z.NEVER;
    }
    return v;
  })
  .optional()
  .meta({ override: { type: 'string', format: 'date' } });

/** The `metric-definition-id` filter: an id, so bounded like one. */
const optionalId = wireValue<string>()
  .transform((v: unknown, ctx) => {
    if (v === undefined || v === null || v === '') return undefined;
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a repeated query parameter is echoed as String joins it
    const id = String(v);
    const problem = textProblem('metric-definition-id', id, MAX_LENGTH.id);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem, input: v });
      return z.NEVER;
    }
    return id;
  })
  .optional()
  .meta({ override: { type: 'string', maxLength: MAX_LENGTH.id } });

const windowFilter = { start: listDate, end: listDate };

/**
 * With both bounds, start must not be after end. Equal dates are accepted, as the reports accept them
 * (§4.7 refused them too, with a message that only names start > end).
 */
const orderedWindow = (q: unknown, ctx: z.RefinementCtx) => {
  const { start, end } = q as { start?: string; end?: string };
  if (start !== undefined && end !== undefined && start > end) ctx.addIssue({ code: 'custom', message: metricMessages.listStartAfterEnd, input: q });
};

const listing = <S extends z.ZodRawShape>(shape: S) =>
  z.object({ ...shape, ...pageParams, 'metric-definition-id': optionalId, ...windowFilter }).superRefine(orderedWindow);

/** The group and user listings take no `metric-definition-id` (§4.7). */
const ownerListing = <S extends z.ZodRawShape>(shape: S) => z.object({ ...shape, ...pageParams, ...windowFilter }).superRefine(orderedWindow);

export const InstallationMetricsQuery = listing({ installation_id: pathId });
export const InstallationExternalMetricsQuery = listing({ externalId: requiredText('externalId', MAX_LENGTH.id) });
export const ProjectMetricsQuery = listing({ project_id: pathId });
export const ProjectProviderMetricsQuery = listing({ project_id: pathId, provider_id: pathId });
export const ProjectProviderExternalMetricsQuery = listing({
  project_id: pathId,
  externalProviderId: requiredText('externalProviderId', MAX_LENGTH.id),
});
export const GroupMetricsQuery = ownerListing({ project_id: pathId, group_id: pathId });
export const UserMetricsQuery = ownerListing({ project_id: pathId, user_id: pathId });

/** What every listing's service needs once the transport-specific keys are gone. */
export interface MetricWindow {
  metricDefinitionId?: string;
  start?: string;
  end?: string;
}
