import { describe, expect, it } from 'vitest';
import type { InstallationRow, ProjectRow, ProviderRow } from '@acc/db';
import type { ProjectTree } from '../projects/project-tree.js';
import { projectPermissions, scopedPermissions } from './client-permissions.js';
import { toClientProject } from './client-projects.js';

const provider = (id: string): ProviderRow => ({
  id,
  name: id,
  website: null,
  abbreviation: null,
  logo: null,
  externalId: null,
  creatorId: '',
  registeredOn: new Date(),
});
const installation = (projectId: string, providerId: string, id: string): InstallationRow => ({
  id,
  projectId,
  providerId,
  installation: `name-${id}`,
  infrastructure: null,
  resourceId: null,
  unitOfAccess: id === 'i1' ? 'def' : null,
  externalId: null,
  creatorId: '',
  registeredOn: new Date(),
});
const project: ProjectRow = {
  id: 'P',
  acronym: 'A',
  title: 'T',
  startDate: 's',
  endDate: 'e',
  callIdentifier: 'c',
  creatorId: '',
  registeredOn: new Date(),
};
const tree: ProjectTree = {
  project,
  providers: [
    { provider: provider('a'), installations: [installation('P', 'a', 'i1'), installation('P', 'a', 'i2')] },
    { provider: provider('b'), installations: [installation('P', 'b', 'i3')] },
  ],
};
const outline = (grants: Parameters<typeof toClientProject>[1]) => {
  const c = toClientProject(tree, grants);
  return { permissions: c.permissions.length, providers: c.providers.map((p) => [p.id, p.permissions.length, p.installations.map((i) => i.id)]) };
};

describe('toClientProject', () => {
  it('shows the whole project with every level permission for a project grant or bypass', () => {
    const whole = toClientProject(tree, 'project');
    expect(whole.permissions).toEqual(projectPermissions());
    expect(whole.providers[0].permissions).toEqual(scopedPermissions());
    expect(whole.providers[0].installations[0]).toEqual({
      id: 'i1',
      infrastructure: null,
      installation: 'name-i1',
      unit_of_access: 'def',
      permissions: scopedPermissions(),
    });
    expect(
      outline([
        { projectId: 'P', role: 'viewer' },
        { projectId: 'P', providerId: 'a', role: 'admin' },
      ]),
    ).toEqual(outline('project'));
  });

  it('restricts to a provider, or to installations, leaving the levels above without permissions', () => {
    expect(outline([{ projectId: 'P', providerId: 'b', role: 'admin' }])).toEqual({ permissions: 0, providers: [['b', 2, ['i3']]] });
    expect(outline([{ projectId: 'P', providerId: 'a', installationId: 'i2', role: 'viewer' }])).toEqual({
      permissions: 0,
      providers: [['a', 0, ['i2']]],
    });
    expect(
      outline([
        { projectId: 'P', providerId: 'a', installationId: 'i2', role: 'viewer' },
        { projectId: 'P', providerId: 'a', role: 'viewer' },
        { projectId: 'P', providerId: 'b', installationId: 'ghost', role: 'viewer' },
      ]),
    ).toEqual({ permissions: 0, providers: [['a', 2, ['i1', 'i2']]] });
  });
});
