/**
 * §3.4 visibility: which hierarchy positions (project, provider, installation) a caller may see. The
 * policy (auth/entitlements.ts) reduces a caller's entitlements to a `Visibility`; this module alone says
 * what it admits, once as SQL for listings and once in memory (`admits`) for trees built from rows. The
 * two are tested against each other on PGlite (visibility.property.test.ts).
 */

/**
 * When `all` is false, an installation (P, prov, inst) is visible iff P ∈ projects, or
 * (P, prov) ∈ projectProviders, or (P, prov, inst) ∈ installations, or prov ∈ providers.
 */
export type Visibility =
  | { all: true }
  | {
      all: false;
      projects: string[];
      projectProviders: [string, string][];
      installations: [string, string, string][];
      providers: string[];
    };

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

/** A hierarchy position by value; the in-memory counterpart of `HierarchyColumns`. */
export interface HierarchyPosition {
  project: string;
  provider?: string;
  installation?: string;
}

/**
 * A boolean expression over `cols`, with `$n` placeholders from `firstParam`. Entitlement values only
 * ever travel as array parameters, so the statement does not grow with the caller's entitlements.
 * Clauses needing a column the caller did not name are left out, so a project-only position is admitted
 * by project entitlements alone and a provider position by project, (project, provider) and provider
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

/** In memory, what `visibilitySql(v, cols)` admits for the row at `at` (same clauses, same omissions). */
export function admits(v: Visibility, at: HierarchyPosition): boolean {
  if (v.all) return true;
  if (v.projects.includes(at.project)) return true;
  if (at.provider === undefined) return false;
  const { project, provider, installation } = at;
  return (
    v.projectProviders.some(([p, pr]) => p === project && pr === provider) ||
    v.providers.includes(provider) ||
    (installation !== undefined && v.installations.some(([p, pr, i]) => p === project && pr === provider && i === installation))
  );
}

/** `GET /installations` and its kin: the rows of `installations i` the caller may see. */
export const visibleInstallationsSql = (v: Visibility, firstParam = 1): SqlFragment =>
  visibilitySql(v, { project: 'i.project_id', provider: 'i.provider_id', installation: 'i.id' }, firstParam);

/** Metrics carry their position denormalised (alias `m`), so their visibility needs no join. */
export const visibleMetricsSql = (v: Visibility, firstParam = 1): SqlFragment =>
  visibilitySql(v, { project: 'm.project_id', provider: 'm.provider_id', installation: 'm.installation_id' }, firstParam);

/**
 * `GET /projects` (§4.5): a project is listed when PRJ[admin,viewer] holds on it, or when it holds a
 * provider or an installation the caller may see. Over alias `pj`, parameters from $1.
 */
export function visibleProjectsSql(v: Visibility): SqlFragment {
  if (v.all) return { sql: 'TRUE', params: [] };
  const own = visibilitySql(v, { project: 'pj.id' }, 1);
  const viaProvider = visibilitySql(v, { project: 'pp.project_id', provider: 'pp.provider_id' }, 1 + own.params.length);
  const viaInstallation = visibilitySql(
    v,
    { project: 'i.project_id', provider: 'i.provider_id', installation: 'i.id' },
    1 + own.params.length + viaProvider.params.length,
  );
  return {
    sql:
      `(${own.sql}` +
      ` OR EXISTS (SELECT 1 FROM project_providers pp WHERE pp.project_id = pj.id AND ${viaProvider.sql})` +
      ` OR EXISTS (SELECT 1 FROM installations i WHERE i.project_id = pj.id AND ${viaInstallation.sql}))`,
    params: [...own.params, ...viaProvider.params, ...viaInstallation.params],
  };
}

/** The in-memory twin for a listed project's tree: which of its providers and installations stay. */
export const visibleTreeView = (v: Visibility) => ({
  provider: (project: string, provider: string) => admits(v, { project, provider }),
  installation: (project: string, provider: string, installation: string) => admits(v, { project, provider, installation }),
});
