import type { Caller } from '../auth/caller.js';
import type { Role } from '../auth/entitlements.js';
import { forbidden } from '../errors.js';

/**
 * The hierarchical rules of §3.4 (PRJ/PRV/INS/PREP), once the entity they are about is known. Most
 * services reach them through `Scope`, which resolves the entity first (404 before 403); the push path
 * and a few listings that already hold the ids call `assertHierarchy` directly.
 */
export type HierarchyTarget =
  | { kind: 'project'; roles: Role[]; projectId: string }
  | { kind: 'provider'; roles: Role[]; projectId: string; providerId: string }
  | { kind: 'installation'; roles: Role[]; projectId: string; providerId: string; installationId: string }
  | { kind: 'provider-representative'; providerId: string };

export function assertHierarchy(caller: Caller, target: HierarchyTarget): void {
  const p = caller.policy;
  switch (target.kind) {
    case 'project':
      if (!p.prj(target.roles, target.projectId)) throw forbidden();
      return;
    case 'provider':
      if (!p.prv(target.roles, target.projectId, target.providerId)) throw forbidden();
      return;
    case 'installation':
      if (!p.ins(target.roles, target.projectId, target.providerId, target.installationId)) throw forbidden();
      return;
    case 'provider-representative':
      if (!p.prep(target.providerId)) throw forbidden('You have no access to execute this operation.');
      return;
  }
}

/**
 * What the web dashboard may offer on an installation: push, edit and delete of metrics need INS[admin]
 * there (the same rule the metric procedures enforce), so the page shows those controls only when the
 * procedures would accept them.
 */
export function metricWriteAllowed(caller: Caller, installation: { project: string; organisation: string; id: string }): boolean {
  try {
    assertHierarchy(caller, {
      kind: 'installation',
      roles: ['admin'],
      projectId: installation.project,
      providerId: installation.organisation,
      installationId: installation.id,
    });
    return true;
  } catch {
    return false;
  }
}
