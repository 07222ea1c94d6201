import { z } from 'zod';
import { MAX_LENGTH, optionalText, pathId, requiredText, textProblem, wireValue } from '../fields.js';
import { isCalendarDate } from './metric.js';
import { AssociatedInstallation } from './provider.js';

/** The §4.5 messages, character for character. */
export const projectMessages = {
  dotInId: 'Project ID should not contain a dot character.',
  dateFormat: 'Valid date format is yyyy-mm-dd.',
  /** Ours: the spec accepted a project that ends before it starts. */
  endBeforeStart: 'end_date must not be before start_date.',
  existsInOpenAire: (id: string) => `Project with ID [${id}] exists in European Database.`,
  alreadyRegistered: (id: string) => `Project with ID [${id}] has already been registered in Accounting Service.`,
  deleted: 'Project deleted successfully.',
  registrationEmpty: 'projects should have at least one entry.',
  registrationIds: 'projects should only contain project ids.',
  /** Ours: each id is one OpenAIRE call, made in sequence. */
  registrationTooMany: (max: number) => `projects should have at most ${max} entries.`,
  registrationDuplicate: (id: string) => `Project ${id} has already been registered.`,
  registrationNotFound: (id: string) => `Project with id {${id}} not found.`,
  registrationFailed: (id: string) => `Project : ${id} has not been registered. Please try again.`,
  registered: (ids: readonly string[]) => `Project(s) : [${ids.join(', ')}] registered successfully.`,
  noRegistration: 'No project registration was performed',
  /** Ours: the spec has no text for an unreachable OpenAIRE while creating a custom project. */
  openAireUnavailable: (id: string) => `Project ${id} could not be checked against the European Database. Please try again.`,
  /** Ours: `register-projects` while the server is configured without OpenAIRE. */
  openAireOff: 'OpenAIRE lookups are off (ACC_OPENAIRE_URL=off): register projects with POST /admin/projects.',
  associated: (providerId: string, id: string) => `The following provider ${providerId} has been associated with Project ${id}`,
  alreadyAssociated: (id: string) => `This provider has already been associated with the Project : ${id}`,
  dissociated: (providerId: string, id: string) => `The following provider ${providerId} has been dissociated from Project ${id}`,
  dissociationBlocked: (id: string, providerId: string) =>
    `Dissociation is not allowed. There are registered installations to {${id}, ${providerId}}.`,
} as const;

const dateMeta = { override: { type: 'string' as const, format: 'date', example: '2023-01-31' } };

const requiredDate = (field: string) =>
  requiredText(field)
    .pipe(z.string().refine(isCalendarDate, { message: projectMessages.dateFormat }))
    .meta(dateMeta);

const optionalDate = (field: string) =>
  optionalText(field)
    .pipe(
      z
        .string()
        .optional()
        .refine((v) => v === undefined || isCalendarDate(v), { message: projectMessages.dateFormat }),
    )
    .meta(dateMeta);

/** `yyyy-MM-dd` texts order as their dates; a bound that is not a calendar date (legacy `""`) orders nothing. */
export const endsBeforeStart = (start: string | undefined, end: string | undefined): boolean =>
  start !== undefined && end !== undefined && isCalendarDate(start) && isCalendarDate(end) && end < start;

/** Runs once every field is valid, so it is the last of the fail-fast validation messages. */
const datesInOrder = (dates: { start_date?: string; end_date?: string }, ctx: z.RefinementCtx) => {
  if (endsBeforeStart(dates.start_date, dates.end_date))
    ctx.addIssue({ code: 'custom', message: projectMessages.endBeforeStart, input: dates.end_date });
};

/** A custom project (§4.5): every field is required. */
export const ProjectCreate = z
  .object({
    id: requiredText('id', MAX_LENGTH.id),
    acronym: requiredText('acronym'),
    title: requiredText('title', MAX_LENGTH.text),
    start_date: requiredDate('start_date'),
    end_date: requiredDate('end_date'),
    call_identifier: requiredText('call_identifier'),
  })
  .superRefine(datesInOrder);
export type ProjectCreate = z.infer<typeof ProjectCreate>;

/**
 * Empty values leave a field unchanged. Both dates sent are ordered here; one date alone is checked
 * by the server against the stored other one, once the project is known to exist.
 */
export const ProjectUpdate = z
  .object({
    id: pathId,
    acronym: optionalText('acronym'),
    title: optionalText('title', MAX_LENGTH.text),
    start_date: optionalDate('start_date'),
    end_date: optionalDate('end_date'),
    call_identifier: optionalText('call_identifier'),
  })
  .superRefine(datesInOrder);
export type ProjectUpdate = z.infer<typeof ProjectUpdate>;

/** Ids per registration request: each is an OpenAIRE lookup, made one after the other. */
export const MAX_REGISTRATIONS = 100;

/** `{"projects": ["777536", …]}`; ids sent as numbers are read as their text. */
export const ProjectRegistration = z.object({
  // No `.optional()`: an absent key reaches the transform (its own message) and stays required in the input type.
  projects: wireValue<(string | number)[]>()
    .transform((v: unknown, ctx) => {
      if (!Array.isArray(v) || v.length === 0) {
        ctx.addIssue({ code: 'custom', message: projectMessages.registrationEmpty, input: v });
        return z.NEVER;
      }
      if (v.length > MAX_REGISTRATIONS) {
        ctx.addIssue({ code: 'custom', message: projectMessages.registrationTooMany(MAX_REGISTRATIONS), input: v });
        return z.NEVER;
      }
      if (!v.every((id) => typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)))) {
        ctx.addIssue({ code: 'custom', message: projectMessages.registrationIds, input: v });
        return z.NEVER;
      }
      const ids = v.map(String);
      const problem = ids.map((id) => textProblem('projects', id, MAX_LENGTH.id)).find((p) => p !== undefined);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem, input: v });
        return z.NEVER;
      }
      return ids;
    })
    .meta({ override: { type: 'array', items: { type: 'string', maxLength: MAX_LENGTH.id }, minItems: 1, maxItems: MAX_REGISTRATIONS } }),
});

export const ProjectRegistrationResult = z
  .object({ code: z.number().int(), message: z.string(), errors: z.array(z.string()) })
  .meta({ id: 'ProjectRegistrationResult' });
export type ProjectRegistrationResult = z.infer<typeof ProjectRegistrationResult>;

/** The project fields every project-shaped answer starts with (projection, /clients/me, reports). */
export const projectHeaderFields = {
  id: z.string(),
  acronym: z.string(),
  title: z.string(),
  start_date: z.string(),
  end_date: z.string(),
  call_identifier: z.string(),
};

export const ProjectProviderSummary = z
  .object({
    id: z.string(),
    name: z.string(),
    external_id: z.string().nullable(),
    website: z.string().nullable(),
    abbreviation: z.string().nullable(),
    logo: z.string().nullable(),
    installations: z.array(AssociatedInstallation),
  })
  .meta({ id: 'ProjectProviderSummary' });
export type ProjectProviderSummary = z.infer<typeof ProjectProviderSummary>;

export const ProjectProjection = z
  .object({
    ...projectHeaderFields,
    providers: z.array(ProjectProviderSummary),
  })
  .meta({ id: 'ProjectProjection' });
export type ProjectProjection = z.infer<typeof ProjectProjection>;
