import type { AssociatedInstallation, Provider, ProviderAssociation } from '@acc/contracts';
import type { ProviderRow } from '@acc/db';
import type { AssociatedInstallationRow, AssociationRow } from './provider-repository.js';

export const toProviderWire = (row: ProviderRow): Provider => ({
  id: row.id,
  name: row.name,
  website: row.website,
  abbreviation: row.abbreviation,
  logo: row.logo,
  external_id: row.externalId,
  creator_id: row.creatorId,
});

/** ProjectProjection's installation (§4.5): `resource` and `unit_of_access` are ids, omitted when unset. */
export const toAssociatedInstallationWire = (i: AssociatedInstallationRow): AssociatedInstallation => ({
  id: i.id,
  infrastructure: i.infrastructure,
  installation: i.installation,
  external_id: i.externalId,
  ...(i.resourceId !== null && { resource: i.resourceId }),
  ...(i.unitOfAccess !== null && { unit_of_access: i.unitOfAccess }),
});

export const toProviderAssociationWire = (a: AssociationRow, installations: AssociatedInstallationRow[]): ProviderAssociation => ({
  id: a.provider.id,
  name: a.provider.name,
  website: a.provider.website,
  abbreviation: a.provider.abbreviation,
  logo: a.provider.logo,
  project_id: a.projectId,
  project_acronym: a.projectAcronym,
  installations: installations.map(toAssociatedInstallationWire),
});
