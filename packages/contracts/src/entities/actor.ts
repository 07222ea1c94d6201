import { z } from 'zod';
import { optionalText, pathId, requiredText } from '../fields.js';
import { pageOf } from '../page.js';

/**
 * `registered_on` and `assigned_at` are zone-less local date-times holding UTC values, e.g.
 * "2024-10-02T14:21:09.482" (§1.1): existing clients parse them as Java LocalDateTime.
 */
const localDateTime = z
  .string()
  .meta({ description: 'UTC date-time without zone, e.g. 2024-10-02T14:21:09.482', example: '2024-10-02T14:21:09.482' });

export const Actor = z
  .object({
    id: z.string(),
    oidc_id: z.string(),
    name: z.string(),
    email: z.string(),
    registered_on: localDateTime,
    issuer: z.string(),
  })
  .meta({ id: 'Actor' });
export type Actor = z.infer<typeof Actor>;

export const Entitlement = z
  .object({
    id: z.string(),
    name: z.string(),
    registered_on: localDateTime,
  })
  .meta({ id: 'Entitlement' });
export type Entitlement = z.infer<typeof Entitlement>;
/** One page schema for both entitlement listings: an OpenAPI component id may be registered once. */
export const EntitlementPage = pageOf(Entitlement, 'EntitlementPage');

export const ActorEntitlement = z
  .object({
    id: z.string(),
    actor_id: z.string(),
    entitlement_id: z.string(),
    assigned_at: localDateTime,
  })
  .meta({ id: 'ActorEntitlement' });
export type ActorEntitlement = z.infer<typeof ActorEntitlement>;

/** The name's format is deliberately not validated (§4.11). */
export const EntitlementCreate = z.object({ name: requiredText('name') });
export const EntitlementUpdate = z.object({ id: pathId, name: optionalText('name') });
