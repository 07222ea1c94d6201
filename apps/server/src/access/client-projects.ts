import type { Caller } from '../auth/caller.js';
import type { Grant } from '../auth/entitlements.js';
import type { SqlFragment } from './visibility.js';

/**
 * What `GET /clients/me` (§4.1) may show a caller: every project for a bypass caller, else the projects
 * its grants name. `grantsOn` gives the grants on one listed project, `'project'` when the caller holds
 * it whole. Over alias `pj`, parameters from $1.
 */
export interface ClientProjectsAccess {
  where: SqlFragment;
  grantsOn(projectId: string): Grant[] | 'project';
}

export function clientProjectsAccess(caller: Caller): ClientProjectsAccess {
  if (caller.policy.bypass) return { where: { sql: 'TRUE', params: [] }, grantsOn: () => 'project' };
  const grants = caller.policy.grants();
  return {
    where: { sql: 'pj.id = ANY($1::text[])', params: [[...new Set(grants.map((g) => g.projectId))]] },
    grantsOn: (projectId) => grants.filter((g) => g.projectId === projectId),
  };
}
