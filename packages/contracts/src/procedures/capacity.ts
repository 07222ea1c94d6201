import { z } from 'zod';
import { CapacityCreate, CapacityRef, CapacityUpdate, InstallationCapacity } from '../entities/capacity.js';
import { MessageResponse } from '../errors.js';
import { pathId } from '../fields.js';
import { pageOf, pageParams } from '../page.js';
import { defineProcedures } from './define.js';

export const capacityProcedures = defineProcedures('Capacities')({
  create: {
    name: 'installation_capacity_add',
    method: 'POST',
    path: '/installations/{installation_id}/capacities',
    input: CapacityCreate,
    output: MessageResponse,
    summary: 'Register a capacity of an installation for a metric definition',
    errors: [400, 403, 404, 409, 415],
  },
  list: {
    name: 'installation_capacity_list',
    method: 'GET',
    path: '/installations/{installation_id}/capacities',
    input: z.object({ installation_id: pathId, ...pageParams }),
    output: pageOf(InstallationCapacity, 'InstallationCapacityPage'),
    summary: 'List the capacities of an installation',
    errors: [400, 403, 404],
  },
  update: {
    name: 'installation_capacity_update',
    method: 'PATCH',
    path: '/installations/{installation_id}/capacities/{capacity_id}',
    input: CapacityUpdate,
    output: InstallationCapacity,
    summary: 'Update a capacity of an installation',
    errors: [400, 403, 404, 409, 415],
  },
  delete: {
    name: 'installation_capacity_delete',
    method: 'DELETE',
    path: '/installations/{installation_id}/capacities/{capacity_id}',
    input: CapacityRef,
    output: MessageResponse,
    summary: 'Delete a capacity of an installation',
    errors: [403, 404],
  },
});
