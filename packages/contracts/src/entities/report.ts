import { z } from 'zod';
import { projectHeaderFields } from './project.js';
import { MAX_LENGTH, pathId, requiredText, wireValue } from '../fields.js';
import { isCalendarDate } from './metric.js';

/** §5 messages, character for character. */
export const reportMessages = {
  empty: (field: string) => `${field} may not be empty.`,
  dateFormat: 'Valid date format is yyyy-MM-dd.',
  startAfterEnd: 'Start date must be before or equal to end date.',
  noProviderExternal: (x: string) => `There is no Provider with external id : ${x}`,
} as const;

const reportDate = (field: 'start' | 'end') =>
  wireValue<string>()
    .transform((v: unknown, ctx) => {
      if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
        ctx.addIssue({ code: 'custom', message: reportMessages.empty(field), input: v });
        return z.NEVER;
      }
      if (typeof v !== 'string' || !isCalendarDate(v)) {
        ctx.addIssue({ code: 'custom', message: reportMessages.dateFormat, input: v });
        return z.NEVER;
      }
      return v;
    })
    .meta({ override: { type: 'string', format: 'date', example: '2024-01-01' } });

const window = { start: reportDate('start'), end: reportDate('end') };

/** The ✓ endpoints of §5 also reject start > end (equal dates are allowed). */
const ordered = <S extends z.ZodRawShape>(shape: S) =>
  z.object({ ...shape, ...window }).superRefine((q, ctx) => {
    if ((q as { start: string }).start > (q as { end: string }).end)
      ctx.addIssue({ code: 'custom', message: reportMessages.startAfterEnd, input: q });
  });
const unordered = <S extends z.ZodRawShape>(shape: S) => z.object({ ...shape, ...window });

export const InstallationReportQuery = ordered({ installation_id: pathId });
export const InstallationExternalReportQuery = ordered({ externalId: requiredText('externalId', MAX_LENGTH.id) });
export const ProviderReportQuery = ordered({ project_id: pathId, provider_id: pathId });
export const ProviderExternalReportQuery = ordered({ project_id: pathId, externalProviderId: requiredText('externalProviderId', MAX_LENGTH.id) });
export const ProjectReportQuery = ordered({ project_id: pathId });
export const GenericProviderReportQuery = ordered({ provider_id: pathId });
export const GenericProviderExternalReportQuery = ordered({ externalId: requiredText('externalId', MAX_LENGTH.id) });
export const GroupReportQuery = unordered({ project_id: pathId, group_id: pathId });
export const UserReportQuery = unordered({ project_id: pathId, user_id: pathId });

export const ReportPeriod = z
  .object({
    from: z.string(),
    to: z.string(),
    total_value: z.number(),
    capacity_value: z.number().optional(),
    usage_percentage: z.number().optional(),
  })
  .meta({ id: 'ReportPeriod' });
export type ReportPeriod = z.infer<typeof ReportPeriod>;

const definitionFields = {
  metric_definition_id: z.string(),
  metric_name: z.string(),
  metric_description: z.string().nullable(),
  unit_type: z.string(),
  metric_type: z.string(),
};

export const InstallationReport = z
  .object({
    installation_id: z.string(),
    project: z.string(),
    provider: z.string(),
    installation: z.string(),
    infrastructure: z.string().nullable(),
    resource: z.string(),
    external_id: z.string().nullable(),
    data: z.array(z.object({ ...definitionFields, periods: z.array(ReportPeriod) })),
  })
  .meta({ id: 'InstallationReport' });
export type InstallationReport = z.infer<typeof InstallationReport>;

export const AggregatedMetric = z.object({ ...definitionFields, total_value: z.number() }).meta({ id: 'AggregatedMetric' });
export type AggregatedMetric = z.infer<typeof AggregatedMetric>;

export const ProviderReport = z
  .object({
    provider_id: z.string(),
    name: z.string(),
    website: z.string().nullable(),
    abbreviation: z.string().nullable(),
    logo: z.string().nullable(),
    external_id: z.string().nullable(),
    aggregated_metrics: z.array(AggregatedMetric),
    data: z.array(InstallationReport),
  })
  .meta({ id: 'ProviderReport' });
export type ProviderReport = z.infer<typeof ProviderReport>;

export const ProjectReport = z
  .object({
    ...projectHeaderFields,
    aggregated_metrics: z.array(AggregatedMetric),
    data: z.array(ProviderReport),
  })
  .meta({ id: 'ProjectReport' });
export type ProjectReport = z.infer<typeof ProjectReport>;

export const GenericProviderReport = z
  .object({ reports: z.array(ProviderReport), aggregated_metrics: z.array(AggregatedMetric) })
  .meta({ id: 'GenericProviderReport' });
export type GenericProviderReport = z.infer<typeof GenericProviderReport>;
