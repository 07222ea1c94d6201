import type { EntityManager } from 'typeorm';
import type { AlertScope } from '@acc/contracts';
import type { Caller } from '../auth/caller.js';
import { forbidden, notFound } from '../errors.js';
import { Scope, scopeMessages } from './scope.js';

/**
 * Who may read and change alert rules and report schedules (alerts.md §1): the admin role of the scope
 * changes (INS/PRJ/PRV[admin], or the provider representative for a provider across projects), admin or
 * viewer reads, system admins do everything. Unknown entities are 404 first, then 403.
 */
export type AlertAccess = 'change' | 'read';

/** A scope with the project and provider an installation belongs to, as the rules need them. */
export interface ResolvedAlertScope {
  installationId: string | null;
  projectId: string | null;
  providerId: string | null;
  /** The installation's own project and provider (installation scopes only). */
  installationProjectId?: string | null;
  installationProviderId?: string | null;
}

/** Resolves every entity the scope names (404 with the ARGO messages), then checks the caller's right (403). */
export async function authorizeAlertScope(m: EntityManager, caller: Caller, scope: AlertScope, access: AlertAccess): Promise<ResolvedAlertScope> {
  const entities = new Scope(m);
  let resolved: ResolvedAlertScope;
  if ('installation_id' in scope) {
    const i = await entities.installation(scope.installation_id);
    resolved = { installationId: i.id, projectId: null, providerId: null, installationProjectId: i.projectId, installationProviderId: i.providerId };
  } else if ('project_id' in scope && 'provider_id' in scope) {
    await entities.project(scope.project_id);
    await entities.provider(scope.provider_id);
    // A provider outside the project is as unknown there as on the project's other provider routes.
    if (!(await entities.isAssociated(scope.project_id, scope.provider_id))) throw notFound(scopeMessages.noProvider(scope.provider_id));
    resolved = { installationId: null, projectId: scope.project_id, providerId: scope.provider_id };
  } else if ('project_id' in scope) {
    await entities.project(scope.project_id);
    resolved = { installationId: null, projectId: scope.project_id, providerId: null };
  } else {
    await entities.provider(scope.provider_id);
    resolved = { installationId: null, projectId: null, providerId: scope.provider_id };
  }
  if (!mayUseAlertScope(caller, resolved, access)) throw forbidden();
  return resolved;
}

/** The decision alone, for scopes already resolved (listings filter with it). */
export function mayUseAlertScope(caller: Caller, s: ResolvedAlertScope, access: AlertAccess): boolean {
  const p = caller.policy;
  if (p.sys()) return true;
  const roles = access === 'change' ? (['admin'] as const) : (['admin', 'viewer'] as const);
  if (s.installationId) return p.ins([...roles], s.installationProjectId ?? '', s.installationProviderId ?? '', s.installationId);
  if (s.projectId && s.providerId) return p.prv([...roles], s.projectId, s.providerId);
  if (s.projectId) return p.prj([...roles], s.projectId);
  if (s.providerId) {
    // A provider across projects: its representative (roles:provider:<id>), admin to change, viewer too to read.
    return p.prep(s.providerId) || (access === 'read' && p.hasAccess(p.parent, 'viewer', ['roles', 'provider', s.providerId]));
  }
  return false;
}
