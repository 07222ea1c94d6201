import { AccessPolicy, type Visibility } from '../../auth/entitlements.js';
import { providerVisible, visibilitySql, type SqlFragment } from '../installations/visibility.js';
import type { TreeView } from './project-tree.js';

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

/** The in-memory twin, cutting each listed project down to what the caller may see. */
export const visibilityView = (v: Visibility): TreeView => ({
  provider: (p, prov) => providerVisible(v, p, prov),
  installation: (p, prov, inst) => AccessPolicy.visibilityAdmits(v, p, prov, inst),
});
