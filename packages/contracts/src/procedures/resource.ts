import { z } from 'zod';
import { Resource, ResourceCreate } from '../entities/resource.js';
import { MessageResponse } from '../errors.js';
import { pathId } from '../fields.js';
import { PageQuery, pageOf } from '../page.js';
import { defineProcedures } from './define.js';

/** §4.9 messages, character for character. */
export const resourceMessages = {
  notFound: (id: string) => `There is no Resource with the following id: ${id}`,
  exists: (id: string) => `Resource with ID [${id}] has already been registered in Accounting Service.`,
  inUse: 'Resource cannot be deleted. It is assigned to an Installation.',
  deleted: 'Resource deleted successfully.',
} as const;

export const resourceProcedures = defineProcedures('Resources')({
  list: {
    name: 'resource_list',
    method: 'GET',
    path: '/resources',
    input: PageQuery,
    output: pageOf(Resource, 'ResourcePage'),
    summary: 'List resources',
    errors: [400],
  },
  create: {
    name: 'admin_resource_add',
    method: 'POST',
    path: '/admin/resources',
    input: ResourceCreate,
    output: Resource,
    status: 201,
    summary: 'Register a resource',
    errors: [400, 403, 409, 415],
  },
  delete: {
    name: 'admin_resource_delete',
    method: 'DELETE',
    path: '/admin/resources/{id}',
    input: z.object({ id: pathId }),
    output: MessageResponse,
    summary: 'Delete a resource',
    errors: [403, 404, 409],
  },
});
