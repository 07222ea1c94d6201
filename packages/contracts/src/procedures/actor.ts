import { z } from 'zod';
import { Actor, ActorEntitlement, EntitlementPage } from '../entities/actor.js';
import { pathId } from '../fields.js';
import { pageOf, pageParams, PageQuery } from '../page.js';
import { defineProcedures } from './define.js';

export const actorMessages = {
  notFound: (id: string) => `There is no actor with the following id: ${id}`,
};

/** Admin views of actors and their entitlement assignments (§4.11); all SYS. */
export const actorProcedures = defineProcedures('Admin: actors and entitlements')({
  list: {
    name: 'admin_actor_list',
    method: 'GET',
    path: '/admin/actors',
    input: PageQuery,
    output: pageOf(Actor, 'ActorPage'),
    summary: 'List actors',
    errors: [400, 403],
  },
  assignments: {
    name: 'admin_actor_entitlement_list',
    method: 'GET',
    path: '/admin/actors/entitlements',
    input: PageQuery,
    output: pageOf(ActorEntitlement, 'ActorEntitlementPage'),
    summary: 'List every entitlement assignment',
    errors: [400, 403],
  },
  entitlements: {
    name: 'admin_actor_entitlements',
    method: 'GET',
    path: '/admin/actors/{actor_id}/entitlements',
    input: z.object({ actor_id: pathId, ...pageParams }),
    output: EntitlementPage,
    summary: "List an actor's entitlements",
    errors: [400, 403, 404],
  },
});
