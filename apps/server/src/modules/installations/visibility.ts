import type { Visibility } from '../../auth/entitlements.js';

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

/** Column expressions (trusted SQL) naming the hierarchy position a row stands for. */
export interface HierarchyColumns {
  project: string;
  provider?: string;
  installation?: string;
}

/**
 * The SQL twin of `AccessPolicy.visibilityAdmits` (§3.4): a boolean expression over `cols`, with `$n`
 * placeholders from `firstParam`. Entitlement values only ever travel as array parameters. Clauses
 * needing a column the caller did not name are left out, so a project-only position is admitted by
 * project entitlements alone and a provider position by project, (project, provider) and provider
 * representative entitlements: exactly what PRV would admit. Columns must be qualified: inside the
 * EXISTS an unqualified name could bind to the unnest alias instead.
 */
export function visibilitySql(v: Visibility, cols: HierarchyColumns, firstParam = 1): SqlFragment {
  if (v.all) return { sql: 'TRUE', params: [] };
  const params: unknown[] = [];
  const param = (values: string[]) => {
    params.push(values);
    return `$${firstParam + params.length - 1}::text[]`;
  };
  const parts: string[] = [];
  if (v.projects.length > 0) parts.push(`${cols.project} = ANY(${param(v.projects)})`);
  if (cols.provider) {
    if (v.projectProviders.length > 0) {
      const projects = param(v.projectProviders.map(([p]) => p));
      const providers = param(v.projectProviders.map(([, pr]) => pr));
      parts.push(
        `EXISTS (SELECT 1 FROM unnest(${projects}, ${providers}) AS g(vis_project, vis_provider) ` +
          `WHERE g.vis_project = ${cols.project} AND g.vis_provider = ${cols.provider})`,
      );
    }
    if (v.providers.length > 0) parts.push(`${cols.provider} = ANY(${param(v.providers)})`);
    if (cols.installation && v.installations.length > 0) {
      const projects = param(v.installations.map(([p]) => p));
      const providers = param(v.installations.map(([, pr]) => pr));
      const installations = param(v.installations.map(([, , i]) => i));
      parts.push(
        `EXISTS (SELECT 1 FROM unnest(${projects}, ${providers}, ${installations}) AS g(vis_project, vis_provider, vis_installation) ` +
          `WHERE g.vis_project = ${cols.project} AND g.vis_provider = ${cols.provider} AND g.vis_installation = ${cols.installation})`,
      );
    }
  }
  return { sql: parts.length > 0 ? `(${parts.join(' OR ')})` : 'FALSE', params };
}

/** In memory: whether PRV[admin,viewer] holds on (project, provider) for a caller with visibility `v`. */
export function providerVisible(v: Visibility, projectId: string, providerId: string): boolean {
  if (v.all) return true;
  return (
    v.projects.includes(projectId) ||
    v.projectProviders.some(([p, pr]) => p === projectId && pr === providerId) ||
    v.providers.includes(providerId)
  );
}
