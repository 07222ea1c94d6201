import { z } from 'zod';
import { Entitlement, EntitlementCreate, EntitlementPage, EntitlementUpdate } from '../entities/actor.js';
import { MessageResponse } from '../errors.js';
import { pathId } from '../fields.js';
import { PageQuery } from '../page.js';
import { defineProcedures } from './define.js';

export const entitlementMessages = {
  notFound: (id: string) => `There is no entitlement with the following id: ${id}`,
  exists: (name: string) => `There is an entitlement with name : ${name}`,
  nameInUse: "Entitlement's name already in use.",
  deleted: 'Entitlement was deleted successfully.',
  assignedCannotDelete: 'You cannot delete this entitlement cause is assigned to an actor!',
  assigned: 'Entitlement was assigned successfully.',
  alreadyAssigned: 'Entitlement already assigned to actor.',
  dissociated: 'Entitlement was dissociated successfully.',
  notAssigned: 'There is no entitlement assigned to actor.',
};

const IdInput = z.object({ id: pathId });
const AssignmentInput = z.object({ id: pathId, actor_id: pathId });

/** Entitlement administration (§4.11); all SYS. */
export const entitlementProcedures = defineProcedures('Admin: actors and entitlements')({
  list: {
    name: 'admin_entitlement_list',
    method: 'GET',
    path: '/admin/entitlements',
    input: PageQuery,
    output: EntitlementPage,
    summary: 'List entitlements',
    errors: [400, 403],
  },
  create: {
    name: 'admin_entitlement_add',
    method: 'POST',
    path: '/admin/entitlements',
    input: EntitlementCreate,
    output: Entitlement,
    status: 201,
    summary: 'Create an entitlement',
    errors: [400, 403, 409, 415],
  },
  get: {
    name: 'admin_entitlement_entry',
    method: 'GET',
    path: '/admin/entitlements/{id}',
    input: IdInput,
    output: Entitlement,
    summary: 'Get an entitlement',
    errors: [403, 404],
  },
  update: {
    name: 'admin_entitlement_update',
    method: 'PATCH',
    path: '/admin/entitlements/{id}',
    input: EntitlementUpdate,
    output: Entitlement,
    summary: 'Rename an entitlement',
    errors: [400, 403, 404, 409, 415],
  },
  delete: {
    name: 'admin_entitlement_delete',
    method: 'DELETE',
    path: '/admin/entitlements/{id}',
    input: IdInput,
    output: MessageResponse,
    summary: 'Delete an entitlement that no actor holds',
    errors: [403, 404],
  },
  assign: {
    name: 'admin_entitlement_assign',
    method: 'POST',
    path: '/admin/entitlements/{id}/assign/{actor_id}',
    input: AssignmentInput,
    output: MessageResponse,
    summary: 'Assign an entitlement to an actor',
    errors: [403, 404, 409, 415],
  },
  dissociate: {
    name: 'admin_entitlement_dissociate',
    method: 'POST',
    path: '/admin/entitlements/{id}/dissociate/{actor_id}',
    input: AssignmentInput,
    output: MessageResponse,
    summary: 'Take an entitlement away from an actor',
    errors: [400, 403, 404, 415],
  },
});
