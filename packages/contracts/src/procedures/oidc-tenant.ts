import { z } from 'zod';
import { OidcTenant, OidcTenantCreate, OidcTenantUpdate } from '../entities/oidc-tenant.js';
import { MessageResponse } from '../errors.js';
import { pathId } from '../fields.js';
import { pageOf, PageQuery } from '../page.js';
import { defineProcedures } from './define.js';

const IdInput = z.object({ id: pathId });

/** OIDC tenants (§4.12): further issuers whose tokens are validated by introspection; all SYS. */
export const oidcTenantProcedures = defineProcedures('Admin: OIDC tenants')({
  list: {
    name: 'admin_oidc_tenant_list',
    method: 'GET',
    path: '/admin/oidc-tenants',
    input: PageQuery,
    output: pageOf(OidcTenant, 'OidcTenantPage'),
    summary: 'List OIDC tenants',
    errors: [400, 403],
  },
  create: {
    name: 'admin_oidc_tenant_add',
    method: 'POST',
    path: '/admin/oidc-tenants',
    input: OidcTenantCreate,
    output: OidcTenant,
    status: 201,
    summary: 'Register an OIDC tenant',
    errors: [400, 403, 409, 415],
  },
  get: {
    name: 'admin_oidc_tenant_entry',
    method: 'GET',
    path: '/admin/oidc-tenants/{id}',
    input: IdInput,
    output: OidcTenant,
    summary: 'Get an OIDC tenant',
    errors: [403, 404],
  },
  update: {
    name: 'admin_oidc_tenant_update',
    method: 'PATCH',
    path: '/admin/oidc-tenants/{id}',
    input: OidcTenantUpdate,
    output: OidcTenant,
    summary: 'Update an OIDC tenant (the secret may be replaced, never read)',
    errors: [400, 403, 404, 409, 415],
  },
  delete: {
    name: 'admin_oidc_tenant_delete',
    method: 'DELETE',
    path: '/admin/oidc-tenants/{id}',
    input: IdInput,
    output: MessageResponse,
    summary: 'Delete an OIDC tenant',
    errors: [403, 404],
  },
});
