import type { EntityManager } from 'typeorm';
import type { InstallationRow, ProjectRow, ProviderRow } from '@acc/db';
import type { Caller } from '../auth/caller.js';
import type { Role } from '../auth/entitlements.js';
import { badRequest, notFound } from '../errors.js';
import { HierarchyRepository } from './hierarchy-repository.js';
import { assertHierarchy } from './hierarchy.js';

export const scopeMessages = {
  noProject: (id: string) => `There is no Project with the following id: ${id}`,
  noProvider: (id: string) => `There is no Provider with the following id: ${id}`,
  noInstallation: (id: string) => `There is no Installation with the following id: ${id}`,
  noInstallationExternal: (x: string) => `There is no Installation with external id: ${x}`,
  noProviderExternal: (x: string) => `There is no Provider with external id: ${x}`,
  externalIdEmpty: 'externalId may not be empty.',
};

/**
 * Resolves the entity a hierarchical rule (§3.4) is about and checks the rule, in the spec's order:
 * existence first (404, even to callers without rights), then permission (403). Every PRJ/PRV/INS/PREP
 * check in the service layer goes through here.
 */
export class Scope {
  private readonly repo: HierarchyRepository;

  constructor(manager: EntityManager) {
    this.repo = new HierarchyRepository(manager);
  }

  async project(id: string): Promise<ProjectRow> {
    const project = await this.repo.findProject(id);
    if (!project) throw notFound(scopeMessages.noProject(id));
    return project;
  }

  async provider(id: string): Promise<ProviderRow> {
    const provider = await this.repo.findProvider(id);
    if (!provider) throw notFound(scopeMessages.noProvider(id));
    return provider;
  }

  async installation(id: string): Promise<InstallationRow> {
    const installation = await this.repo.findInstallation(id);
    if (!installation) throw notFound(scopeMessages.noInstallation(id));
    return installation;
  }

  async installationByExternalId(externalId: string | undefined): Promise<InstallationRow> {
    if (!externalId || externalId.trim() === '') throw badRequest(scopeMessages.externalIdEmpty);
    const installation = await this.repo.findInstallationByExternalId(externalId);
    if (!installation) throw notFound(scopeMessages.noInstallationExternal(externalId));
    return installation;
  }

  async providerByExternalId(externalId: string): Promise<ProviderRow> {
    const provider = await this.repo.findProviderByExternalId(externalId);
    if (!provider) throw notFound(scopeMessages.noProviderExternal(externalId));
    return provider;
  }

  isAssociated(projectId: string, providerId: string): Promise<boolean> {
    return this.repo.isAssociated(projectId, providerId);
  }

  /** PRJ[roles] on project `id`. */
  async authorizeProject(caller: Caller, roles: Role[], id: string): Promise<ProjectRow> {
    const project = await this.project(id);
    assertHierarchy(caller, { kind: 'project', roles, projectId: id });
    return project;
  }

  /** PRV[roles] on (project, provider): project 404, provider 404, then 403. */
  async authorizeProvider(
    caller: Caller,
    roles: Role[],
    projectId: string,
    providerId: string,
  ): Promise<{ project: ProjectRow; provider: ProviderRow }> {
    const project = await this.project(projectId);
    const provider = await this.provider(providerId);
    assertHierarchy(caller, { kind: 'provider', roles, projectId, providerId });
    return { project, provider };
  }

  /**
   * PRV[roles] on a provider of the project: a provider that exists but is not associated with the
   * project is as unknown there (404) as on the external-id twins, so nothing about it is revealed.
   */
  async authorizeAssociatedProvider(
    caller: Caller,
    roles: Role[],
    projectId: string,
    providerId: string,
  ): Promise<{ project: ProjectRow; provider: ProviderRow }> {
    const project = await this.project(projectId);
    const provider = await this.provider(providerId);
    if (!(await this.isAssociated(projectId, providerId))) throw notFound(scopeMessages.noProvider(providerId));
    assertHierarchy(caller, { kind: 'provider', roles, projectId, providerId });
    return { project, provider };
  }

  /** INS[roles] on an installation, with P and prov taken from the installation itself. */
  async authorizeInstallation(caller: Caller, roles: Role[], id: string): Promise<InstallationRow> {
    return this.authorizeResolved(caller, roles, await this.installation(id));
  }

  async authorizeInstallationByExternalId(caller: Caller, roles: Role[], externalId: string | undefined): Promise<InstallationRow> {
    return this.authorizeResolved(caller, roles, await this.installationByExternalId(externalId));
  }

  private authorizeResolved(caller: Caller, roles: Role[], installation: InstallationRow): InstallationRow {
    assertHierarchy(caller, {
      kind: 'installation',
      roles,
      projectId: installation.projectId,
      providerId: installation.providerId,
      installationId: installation.id,
    });
    return installation;
  }

  /** PREP on a provider: 404 for an unknown provider, then "You have no access to execute this operation." */
  async authorizeRepresentative(caller: Caller, providerId: string): Promise<ProviderRow> {
    const provider = await this.provider(providerId);
    assertHierarchy(caller, { kind: 'provider-representative', providerId });
    return provider;
  }
}
