import type { InstallationRow, ProjectRow, ProviderRow } from '@acc/db';
import type { ProjectRepository } from './project-repository.js';

/** A project with its associated providers and, under each, that association's installations. */
export interface ProjectTree {
  project: ProjectRow;
  providers: { provider: ProviderRow; installations: InstallationRow[] }[];
}

/** Whole trees for a page of projects, in two queries whatever the page size. */
export async function loadTrees(repo: ProjectRepository, projects: ProjectRow[]): Promise<ProjectTree[]> {
  const ids = projects.map((p) => p.id);
  const [associations, installations] = await Promise.all([repo.associationsOf(ids), repo.installationsOf(ids)]);
  return projects.map((project) => ({
    project,
    providers: associations
      .filter((a) => a.projectId === project.id)
      .map(({ provider }) => ({
        provider,
        installations: installations.filter((i) => i.projectId === project.id && i.providerId === provider.id),
      })),
  }));
}

/** Whether a caller may see a position of the hierarchy; used to cut trees down to what it may see. */
export interface TreeView {
  provider(projectId: string, providerId: string): boolean;
  installation(projectId: string, providerId: string, installationId: string): boolean;
}

/**
 * Keeps the installations `view` admits, and the providers it admits or that still hold a visible
 * installation (an installation-level grant shows its provider as the path to it).
 */
export function restrictTree(tree: ProjectTree, view: TreeView): ProjectTree {
  const p = tree.project.id;
  return {
    project: tree.project,
    providers: tree.providers
      .map(({ provider, installations }) => ({
        provider,
        visible: view.provider(p, provider.id),
        installations: installations.filter((i) => view.installation(p, provider.id, i.id)),
      }))
      .filter((e) => e.visible || e.installations.length > 0)
      .map(({ provider, installations }) => ({ provider, installations })),
  };
}
