import { z } from 'zod';
import { boundedString, MAX_LENGTH, pathId, requiredText, textProblem, wireValue } from '../fields.js';
import { pageParams } from '../page.js';
import { metricMessages } from './metric-messages.js';
import { metricBulkItems, metricRequestFields } from './metric-request.js';

export * from './metric-messages.js';
export * from './metric-request.js';

/** A real calendar date written `yyyy-MM-dd` (Feb 30 and month 13 are not). */
export function isCalendarDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && y >= 1;
}

/** Push, external push and PATCH: the request's fields parse to verdicts (see metric-request.ts). */
export const MetricPush = z.object({ installation_id: pathId, ...metricRequestFields });
export const MetricPushExternal = z.object({ externalId: boundedString(MAX_LENGTH.id).optional(), ...metricRequestFields });
export const MetricPatch = z.object({ installation_id: pathId, metric_id: pathId, ...metricRequestFields });

/** Over REST the whole JSON body is `items` (the contract's `body`); over tRPC it travels as `items`. */
export const MetricBulkPush = z.object({ installation_id: pathId, items: metricBulkItems });

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
