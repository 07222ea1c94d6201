import { type Scope, scopeMessages } from '../../access/index.js';
import { notFound } from '../../errors.js';

/**
 * The provider with this external id among the project's providers: project 404 first, then the
 * provider 404 (also when it exists but is not associated with the project).
 */
export async function providerOfProject(s: Scope, projectId: string, externalProviderId: string): Promise<string> {
  await s.project(projectId);
  const provider = await s.providerByExternalId(externalProviderId);
  if (!(await s.isAssociated(projectId, provider.id))) throw notFound(scopeMessages.noProviderExternal(externalProviderId));
  return provider.id;
}
