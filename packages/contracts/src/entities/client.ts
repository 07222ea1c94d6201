import { z } from 'zod';
import { projectHeaderFields } from './project.js';

export const clientMessages = {
  registered: 'The actor was successfully registered.',
} as const;

export const AccessPermission = z
  .object({ operation: z.string(), access_type: z.string() })
  .meta({ id: 'AccessPermission', example: { operation: 'READ', access_type: 'ALWAYS' } });

export const CollectionPermission = z
  .object({ collection: z.string(), access_permissions: z.array(AccessPermission) })
  .meta({ id: 'CollectionPermission' });
export type CollectionPermission = z.infer<typeof CollectionPermission>;

const permissions = z.array(CollectionPermission);

/** One project of `GET /clients/me` (§4.1), with the permissions the caller holds at each level. */
export const ClientProject = z
  .object({
    ...projectHeaderFields,
    permissions,
    providers: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        website: z.string().nullable(),
        abbreviation: z.string().nullable(),
        logo: z.string().nullable(),
        permissions,
        installations: z.array(
          z.object({
            id: z.string(),
            infrastructure: z.string().nullable(),
            installation: z.string(),
            unit_of_access: z.string().nullable(),
            permissions,
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'ClientProject' });
export type ClientProject = z.infer<typeof ClientProject>;
