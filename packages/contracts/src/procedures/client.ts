import { z } from 'zod';
import { ClientProject, CollectionPermission } from '../entities/client.js';
import { MessageResponse } from '../errors.js';
import { pageOf, PageQuery } from '../page.js';
import { defineProcedures } from './define.js';

export const clientProcedures = defineProcedures('Clients')({
  register: {
    name: 'client_register',
    method: 'POST',
    path: '/clients',
    jsonContentType: true,
    input: z.object({}),
    output: MessageResponse,
    summary: 'Register the calling actor (no body, but Content-Type: application/json is required)',
    errors: [415],
  },
  me: {
    name: 'client_me',
    method: 'GET',
    path: '/clients/me',
    input: PageQuery,
    output: pageOf(ClientProject, 'ClientProjectPage'),
    summary: "The caller's projects with its permissions",
    errors: [400],
  },
  generalPermissions: {
    name: 'client_general_permissions',
    method: 'GET',
    path: '/clients/general-permissions',
    input: z.object({}),
    output: z.array(CollectionPermission),
    summary: "The caller's permissions on the global collections",
  },
});
