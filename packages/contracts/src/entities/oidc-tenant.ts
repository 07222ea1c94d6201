import { z } from 'zod';
import { MAX_LENGTH, optionalText, pathId, requiredText } from '../fields.js';

export const ENTITLEMENT_MANAGEMENT_MODES = ['oidc', 'database'] as const;
export type EntitlementManagementMode = (typeof ENTITLEMENT_MANAGEMENT_MODES)[number];

export const oidcTenantMessages = {
  invalidEntitlementManagement: (x: string) => `Invalid value for entitlement management : ${x}`,
  issuerRegistered: (x: string) => `OIDC tenant configuration with issuer [${x}] has already been registered in Accounting Service.`,
  tenantIdRegistered: (x: string) => `OIDC tenant configuration with tenant ID [${x}] has already been registered in Accounting Service.`,
  tenantIdInUse: 'Tenant ID already in use.',
  issuerInUse: 'Issuer already in use.',
  notFound: (id: string) => `There is no OIDC tenant configuration with the following id: ${id}`,
  deleted: 'OIDC tenant configuration deleted successfully.',
};

/** Modes match case-insensitively and are stored lower-case, the form the authenticator compares. */
const parseMode = (v: string, ctx: z.RefinementCtx): EntitlementManagementMode => {
  const mode = v.trim().toLowerCase();
  if ((ENTITLEMENT_MANAGEMENT_MODES as readonly string[]).includes(mode)) return mode as EntitlementManagementMode;
  ctx.addIssue({ code: 'custom', message: oidcTenantMessages.invalidEntitlementManagement(v), input: v });
  return z.NEVER;
};

/**
 * The secret is write-only: it is never part of a response (fixed vs original, which echoed it).
 * Field order is the spec's (§4.12) everywhere, so fail-fast validation reports in that order.
 */
export const OidcTenant = z
  .object({
    id: z.string(),
    issuer: z.string(),
    tenant_id: z.string(),
    client_id: z.string(),
    authorization_path: z.string(),
    introspection_path: z.string(),
    user_info_path: z.string(),
    token_path: z.string(),
    auth_server_url: z.string(),
    user_id_token_claim: z.string(),
    service_id_token_claim: z.string(),
    group_management_namespace: z.string(),
    group_management_parent: z.string(),
    entitlement_management: z.enum(ENTITLEMENT_MANAGEMENT_MODES),
  })
  .meta({ id: 'OidcTenant' });
export type OidcTenant = z.infer<typeof OidcTenant>;

export const OidcTenantCreate = z.object({
  issuer: requiredText('issuer'),
  tenant_id: requiredText('tenant_id', MAX_LENGTH.id),
  client_id: requiredText('client_id', MAX_LENGTH.id),
  secret: requiredText('secret', MAX_LENGTH.text),
  authorization_path: requiredText('authorization_path', MAX_LENGTH.text),
  introspection_path: requiredText('introspection_path', MAX_LENGTH.text),
  user_info_path: requiredText('user_info_path', MAX_LENGTH.text),
  token_path: requiredText('token_path', MAX_LENGTH.text),
  auth_server_url: requiredText('auth_server_url', MAX_LENGTH.text),
  user_id_token_claim: requiredText('user_id_token_claim'),
  service_id_token_claim: requiredText('service_id_token_claim'),
  group_management_namespace: requiredText('group_management_namespace', MAX_LENGTH.text),
  group_management_parent: requiredText('group_management_parent'),
  entitlement_management: requiredText('entitlement_management').transform(parseMode),
});
export type OidcTenantCreate = z.infer<typeof OidcTenantCreate>;

/** Partial: blank or null values leave the stored value unchanged, as every PATCH does. */
export const OidcTenantUpdate = z.object({
  id: pathId,
  issuer: optionalText('issuer'),
  tenant_id: optionalText('tenant_id', MAX_LENGTH.id),
  client_id: optionalText('client_id', MAX_LENGTH.id),
  secret: optionalText('secret', MAX_LENGTH.text),
  authorization_path: optionalText('authorization_path', MAX_LENGTH.text),
  introspection_path: optionalText('introspection_path', MAX_LENGTH.text),
  user_info_path: optionalText('user_info_path', MAX_LENGTH.text),
  token_path: optionalText('token_path', MAX_LENGTH.text),
  auth_server_url: optionalText('auth_server_url', MAX_LENGTH.text),
  user_id_token_claim: optionalText('user_id_token_claim'),
  service_id_token_claim: optionalText('service_id_token_claim'),
  group_management_namespace: optionalText('group_management_namespace', MAX_LENGTH.text),
  group_management_parent: optionalText('group_management_parent'),
  entitlement_management: optionalText('entitlement_management').transform((v, ctx) => (v === undefined ? undefined : parseMode(v, ctx))),
});
export type OidcTenantUpdate = z.infer<typeof OidcTenantUpdate>;
