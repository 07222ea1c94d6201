import { z } from 'zod';
import { MAX_LENGTH, optionalText, pathId, requiredText } from '../fields.js';
import { pageOf } from '../page.js';
import { InstallationCapacity } from './capacity.js';
import { MetricDefinition } from './metric-definition.js';

/** The §4.6 messages, character for character. */
export const installationMessages = {
  notFound: (id: string) => `There is no Installation with the following id: ${id}`,
  noDefinition: (id: string) => `There is no Metric Definition with the following id: ${id}`,
  noResource: (id: string) => `There is no Resource with the following id: ${id}`,
  notAssociated: (projectId: string, providerId: string) => `There is no relationship between Project {${projectId}} and Provider {${providerId}}`,
  combinationExists: (projectId: string, providerId: string, name: string, id: string) =>
    `There is an Installation with the following combination : {${projectId}, ${providerId}, ${name}}. Its id is ${id}`,
  externalIdExists: 'external_id already exists',
  updateLocked: 'Updating an Installation is not allowed if there are Metrics assigned to it.',
  deleteLocked: 'Deleting an Installation is not allowed if there are Metrics assigned to it.',
  deleted: 'Installation has been deleted successfully.',
} as const;

export const InstallationCreate = z.object({
  project: requiredText('project', MAX_LENGTH.id),
  organisation: requiredText('organisation', MAX_LENGTH.id),
  installation: requiredText('installation'),
  infrastructure: optionalText('infrastructure', MAX_LENGTH.text),
  resource: optionalText('resource', MAX_LENGTH.id),
  external_id: optionalText('external_id', MAX_LENGTH.id),
  unit_of_access: optionalText('unit_of_access', MAX_LENGTH.id),
});
export type InstallationCreate = z.infer<typeof InstallationCreate>;

/** `project`, `organisation` and `external_id` cannot change, so they are not read at all. */
const updatable = {
  infrastructure: optionalText('infrastructure', MAX_LENGTH.text),
  installation: optionalText('installation'),
  resource: optionalText('resource', MAX_LENGTH.id),
  unit_of_access: optionalText('unit_of_access', MAX_LENGTH.id),
};
export const InstallationUpdate = z.object({ id: pathId, ...updatable });
export type InstallationUpdate = z.infer<typeof InstallationUpdate>;
export type InstallationChanges = Omit<InstallationUpdate, 'id'>;

/**
 * The external-id twins: on REST `externalId` is a query parameter (a PATCH reads only its body as
 * input, so the handler takes it from the query); on tRPC it is part of the input.
 */
export const ExternalIdQuery = z.object({ externalId: optionalText('externalId', MAX_LENGTH.id) });
export const InstallationUpdateByExternalId = z.object({ externalId: optionalText('externalId', MAX_LENGTH.id), ...updatable });

export const Installation = z
  .object({
    id: z.string(),
    project: z.string(),
    organisation: z.string(),
    infrastructure: z.string().nullable(),
    installation: z.string(),
    resource: z.string().optional(),
    external_id: z.string().nullable(),
    unit_of_access: MetricDefinition.optional().meta({ description: 'Omitted when the definition no longer exists.' }),
    capacities: z.array(InstallationCapacity).optional().meta({ description: 'Only on get-by-id, /installations/all and search.' }),
  })
  .meta({ id: 'Installation' });
export type Installation = z.infer<typeof Installation>;

/** One page schema per component id: every installation listing shares it. */
export const InstallationPage = pageOf(Installation, 'InstallationPage');
/** The distinct definitions a scope's metrics use (project, provider or installation). */
export const UsedMetricDefinitionPage = pageOf(MetricDefinition, 'UsedMetricDefinitionPage');
