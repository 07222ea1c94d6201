import { z } from 'zod';
import { MAX_LENGTH, optionalText, pathId, requiredText } from '../fields.js';

/** §4.4 response. EOSC-synced providers keep their EOSC id and show `creator_id: ""`. */
export const Provider = z
  .object({
    id: z.string(),
    name: z.string(),
    website: z.string().nullable(),
    abbreviation: z.string().nullable(),
    logo: z.string().nullable(),
    external_id: z.string().nullable(),
    creator_id: z.string(),
  })
  .meta({ id: 'Provider' });
export type Provider = z.infer<typeof Provider>;

export const ProviderCreate = z.object({
  name: requiredText('name'),
  /** Absent or blank: the server assigns a random UUID. */
  external_id: optionalText('external_id', MAX_LENGTH.id),
  website: optionalText('website', MAX_LENGTH.text),
  abbreviation: optionalText('abbreviation'),
  logo: optionalText('logo', MAX_LENGTH.text),
});
export type ProviderCreate = z.infer<typeof ProviderCreate>;

/** `external_id` is not updatable (§4.4). */
export const ProviderUpdate = z.object({
  id: pathId,
  name: optionalText('name'),
  website: optionalText('website', MAX_LENGTH.text),
  abbreviation: optionalText('abbreviation'),
  logo: optionalText('logo', MAX_LENGTH.text),
});
export type ProviderUpdate = z.infer<typeof ProviderUpdate>;

/** An installation as ProjectProjection nests it (§4.5); `resource` and `unit_of_access` are ids, omitted when null. */
export const AssociatedInstallation = z
  .object({
    id: z.string(),
    infrastructure: z.string().nullable(),
    installation: z.string(),
    external_id: z.string().nullable(),
    resource: z.string().optional(),
    unit_of_access: z.string().optional(),
  })
  .meta({ id: 'AssociatedInstallation' });
export type AssociatedInstallation = z.infer<typeof AssociatedInstallation>;

/** One (project, provider) association, as `GET /providers/all` lists them. */
export const ProviderAssociation = z
  .object({
    id: z.string(),
    name: z.string(),
    website: z.string().nullable(),
    abbreviation: z.string().nullable(),
    logo: z.string().nullable(),
    project_id: z.string(),
    project_acronym: z.string(),
    installations: z.array(AssociatedInstallation),
  })
  .meta({ id: 'ProviderAssociation' });
export type ProviderAssociation = z.infer<typeof ProviderAssociation>;
