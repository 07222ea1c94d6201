import type { ClientProject } from '@acc/contracts';
import type { Grant } from '../../auth/entitlements.js';
import type { ProjectTree } from '../projects/project-tree.js';
import { projectPermissions, scopedPermissions } from './client-permissions.js';
import { toProjectHeader } from '../projects/project-wire.js';

type ClientProvider = ClientProject['providers'][number];
type Entry = ProjectTree['providers'][number];

const installationsOf = (entry: Entry, keep: (id: string) => boolean): ClientProvider['installations'] =>
  entry.installations
    .filter((i) => keep(i.id))
    .map((i) => ({
      id: i.id,
      infrastructure: i.infrastructure,
      installation: i.installation,
      unit_of_access: i.unitOfAccess,
      permissions: scopedPermissions(),
    }));

const providerOf = (entry: Entry, permissions: ClientProvider['permissions'], keep: (id: string) => boolean): ClientProvider => ({
  id: entry.provider.id,
  name: entry.provider.name,
  website: entry.provider.website,
  abbreviation: entry.provider.abbreviation,
  logo: entry.provider.logo,
  permissions,
  installations: installationsOf(entry, keep),
});

/**
 * One `/clients/me` item (§4.1). `grants` are the caller's grants on this project, or `'project'` for a
 * caller holding it whole (a project-level grant, or bypass). A provider-level grant shows that provider
 * with all its installations; an installation-level grant shows just that installation, under its
 * provider. Levels above a grant carry no permissions of their own.
 */
export function toClientProject(tree: ProjectTree, grants: Grant[] | 'project'): ClientProject {
  const whole = grants === 'project' || grants.some((g) => g.providerId === undefined);
  const providers: ClientProvider[] = [];
  for (const entry of tree.providers) {
    const mine = whole ? [] : grants.filter((g) => g.providerId === entry.provider.id);
    if (whole || mine.some((g) => g.installationId === undefined)) {
      providers.push(providerOf(entry, scopedPermissions(), () => true));
      continue;
    }
    const installations = new Set(mine.map((g) => g.installationId));
    if (entry.installations.some((i) => installations.has(i.id))) providers.push(providerOf(entry, [], (id) => installations.has(id)));
  }
  const { project } = tree;
  return {
    ...toProjectHeader(project),
    permissions: whole ? projectPermissions() : [],
    providers,
  };
}
