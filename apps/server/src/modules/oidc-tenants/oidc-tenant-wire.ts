import type { OidcTenant, OidcTenantCreate, OidcTenantUpdate } from '@acc/contracts';
import type { OidcTenantRow } from '@acc/db';
import type { OidcTenantValues } from './oidc-tenant-repository.js';

/** Every field but the secret, which is write-only. */
export const oidcTenantToWire = (row: OidcTenantRow): OidcTenant => ({
  id: row.id,
  issuer: row.issuer,
  tenant_id: row.tenantId,
  client_id: row.clientId,
  authorization_path: row.authorizationPath,
  introspection_path: row.introspectionPath,
  user_info_path: row.userInfoPath,
  token_path: row.tokenPath,
  auth_server_url: row.authServerUrl,
  user_id_token_claim: row.userIdTokenClaim,
  service_id_token_claim: row.serviceIdTokenClaim,
  group_management_namespace: row.groupManagementNamespace,
  group_management_parent: row.groupManagementParent,
  entitlement_management: row.entitlementManagement,
});

type Input = OidcTenantCreate | Omit<OidcTenantUpdate, 'id'>;

/** Wire input to column values; fields left undefined (PATCH) are left out so they stay unchanged. */
export function oidcTenantValues(input: OidcTenantCreate): OidcTenantValues;
export function oidcTenantValues(input: Omit<OidcTenantUpdate, 'id'>): Partial<OidcTenantValues>;
export function oidcTenantValues(input: Input): Partial<OidcTenantValues> {
  const values: Partial<OidcTenantValues> = {
    issuer: input.issuer,
    tenantId: input.tenant_id,
    clientId: input.client_id,
    secret: input.secret,
    authorizationPath: input.authorization_path,
    introspectionPath: input.introspection_path,
    userInfoPath: input.user_info_path,
    tokenPath: input.token_path,
    authServerUrl: input.auth_server_url,
    userIdTokenClaim: input.user_id_token_claim,
    serviceIdTokenClaim: input.service_id_token_claim,
    groupManagementNamespace: input.group_management_namespace,
    groupManagementParent: input.group_management_parent,
    entitlementManagement: input.entitlement_management,
  };
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}
