import { EntitySchema } from 'typeorm';

/** Catalogue tables are small and read everywhere: reference tables under Citus (docs/scaling.md). */

export interface ProjectRow {
  id: string;
  acronym: string;
  title: string;
  startDate: string;
  endDate: string;
  callIdentifier: string;
  creatorId: string;
  registeredOn: Date;
}
export const ProjectEntity = new EntitySchema<ProjectRow>({
  name: 'Project',
  tableName: 'projects',
  columns: {
    id: { type: 'text', primary: true },
    acronym: { type: 'text', default: '' },
    title: { type: 'text', default: '' },
    startDate: { name: 'start_date', type: 'text', default: '' },
    endDate: { name: 'end_date', type: 'text', default: '' },
    callIdentifier: { name: 'call_identifier', type: 'text', default: '' },
    creatorId: { name: 'creator_id', type: 'text', default: '' },
    registeredOn: { name: 'registered_on', type: 'timestamptz', default: () => 'clock_timestamp()' },
  },
});

export interface ProviderRow {
  id: string;
  name: string;
  website: string | null;
  abbreviation: string | null;
  logo: string | null;
  externalId: string | null;
  /** '' when synced from the EOSC registry, 'from-ams' when created by the AMS listener. */
  creatorId: string;
  registeredOn: Date;
}
export const ProviderEntity = new EntitySchema<ProviderRow>({
  name: 'Provider',
  tableName: 'providers',
  columns: {
    id: { type: 'text', primary: true },
    name: { type: 'text', unique: true },
    website: { type: 'text', nullable: true },
    abbreviation: { type: 'text', nullable: true },
    logo: { type: 'text', nullable: true },
    externalId: { name: 'external_id', type: 'text', nullable: true, unique: true },
    creatorId: { name: 'creator_id', type: 'text', default: '' },
    registeredOn: { name: 'registered_on', type: 'timestamptz', default: () => 'clock_timestamp()' },
  },
});

export interface ProjectProviderRow {
  projectId: string;
  providerId: string;
  associatedAt: Date;
}
export const ProjectProviderEntity = new EntitySchema<ProjectProviderRow>({
  name: 'ProjectProvider',
  tableName: 'project_providers',
  columns: {
    projectId: { name: 'project_id', type: 'text', primary: true },
    providerId: { name: 'provider_id', type: 'text', primary: true },
    associatedAt: { name: 'associated_at', type: 'timestamptz', default: () => 'clock_timestamp()' },
  },
  relations: {
    project: { type: 'many-to-one', target: 'Project', joinColumn: { name: 'project_id' }, onDelete: 'CASCADE' },
    provider: { type: 'many-to-one', target: 'Provider', joinColumn: { name: 'provider_id' }, onDelete: 'RESTRICT' },
  },
} as never);

export interface ResourceRow {
  id: string;
  name: string;
  creatorId: string;
  registeredOn: Date;
}
export const ResourceEntity = new EntitySchema<ResourceRow>({
  name: 'Resource',
  tableName: 'resources',
  columns: {
    id: { type: 'text', primary: true },
    name: { type: 'text' },
    creatorId: { name: 'creator_id', type: 'text', default: '' },
    registeredOn: { name: 'registered_on', type: 'timestamptz', default: () => 'clock_timestamp()' },
  },
});

export interface InstallationRow {
  id: string;
  projectId: string;
  providerId: string;
  /** The short name (`installation` on the wire). */
  installation: string;
  infrastructure: string | null;
  resourceId: string | null;
  /** Metric definition id; not a foreign key: a deleted definition is simply omitted (§4.6). */
  unitOfAccess: string | null;
  externalId: string | null;
  creatorId: string;
  registeredOn: Date;
}
export const InstallationEntity = new EntitySchema<InstallationRow>({
  name: 'Installation',
  tableName: 'installations',
  columns: {
    id: { type: 'text', primary: true },
    projectId: { name: 'project_id', type: 'text' },
    providerId: { name: 'provider_id', type: 'text' },
    installation: { type: 'text' },
    infrastructure: { type: 'text', nullable: true },
    resourceId: { name: 'resource_id', type: 'text', nullable: true },
    unitOfAccess: { name: 'unit_of_access', type: 'text', nullable: true },
    externalId: { name: 'external_id', type: 'text', nullable: true },
    creatorId: { name: 'creator_id', type: 'text', default: '' },
    registeredOn: { name: 'registered_on', type: 'timestamptz', default: () => 'clock_timestamp()' },
  },
  indices: [
    { name: 'IDX_installations_project_provider', columns: ['projectId', 'providerId'] },
    { name: 'IDX_installations_external_id', columns: ['externalId'] },
    // Name unique per (project, provider), case-insensitive: an expression index made by hand.
    { name: 'UQ_installations_lower_name', columns: ['projectId', 'providerId', 'installation'], unique: true, synchronize: false },
  ],
  uniques: [{ name: 'UQ_installations_external_id', columns: ['projectId', 'providerId', 'externalId'] }],
  relations: {
    association: {
      type: 'many-to-one',
      target: 'ProjectProvider',
      joinColumn: [
        { name: 'project_id', referencedColumnName: 'projectId' },
        { name: 'provider_id', referencedColumnName: 'providerId' },
      ],
      onDelete: 'RESTRICT',
    },
    resource: { type: 'many-to-one', target: 'Resource', joinColumn: { name: 'resource_id' }, onDelete: 'RESTRICT' },
  },
} as never);

export interface OidcTenantRow {
  id: string;
  issuer: string;
  tenantId: string;
  clientId: string;
  secret: string;
  authorizationPath: string;
  introspectionPath: string;
  userInfoPath: string;
  tokenPath: string;
  authServerUrl: string;
  userIdTokenClaim: string;
  serviceIdTokenClaim: string;
  groupManagementNamespace: string;
  groupManagementParent: string;
  entitlementManagement: 'oidc' | 'database';
  registeredOn: Date;
}
const text = (name: string) => ({ name, type: 'text' as const });
export const OidcTenantEntity = new EntitySchema<OidcTenantRow>({
  name: 'OidcTenant',
  tableName: 'oidc_tenants',
  columns: {
    id: { type: 'text', primary: true },
    issuer: { type: 'text' },
    tenantId: { ...text('tenant_id'), unique: true },
    clientId: text('client_id'),
    secret: text('secret'),
    authorizationPath: text('authorization_path'),
    introspectionPath: text('introspection_path'),
    userInfoPath: text('user_info_path'),
    tokenPath: text('token_path'),
    authServerUrl: text('auth_server_url'),
    userIdTokenClaim: text('user_id_token_claim'),
    serviceIdTokenClaim: text('service_id_token_claim'),
    groupManagementNamespace: text('group_management_namespace'),
    groupManagementParent: text('group_management_parent'),
    entitlementManagement: text('entitlement_management'),
    registeredOn: { name: 'registered_on', type: 'timestamptz', default: () => 'clock_timestamp()' },
  },
  // Issuers match case-insensitively (§3.1): an expression index made by hand.
  indices: [{ name: 'UQ_oidc_tenants_lower_issuer', columns: ['issuer'], unique: true, synchronize: false }],
});
