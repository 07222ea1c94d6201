import type { Visibility } from '../../auth/entitlements.js';
import type { SqlFilter } from './metric-repository.js';

/**
 * §3.4 visibility as a WHERE fragment over metrics alias `m`: the SQL twin of
 * `AccessPolicy.visibilityAdmits`, using the denormalised project/provider/installation ids. Every list
 * travels as an array parameter, so the statement's size does not grow with the caller's entitlements.
 */
export function visibilityToSql(v: Visibility, firstParam = 1): SqlFilter {
  if (v.all) return { sql: 'TRUE', params: [] };
  const parts: string[] = [];
  const params: unknown[] = [];
  const next = (value: unknown[]) => {
    params.push(value);
    return `$${firstParam + params.length - 1}::text[]`;
  };
  if (v.projects.length > 0) parts.push(`m.project_id = ANY(${next(v.projects)})`);
  if (v.projectProviders.length > 0) {
    const p = next(v.projectProviders.map(([project]) => project));
    const pr = next(v.projectProviders.map(([, provider]) => provider));
    parts.push(`EXISTS (SELECT 1 FROM unnest(${p}, ${pr}) AS g(p, pr) WHERE g.p = m.project_id AND g.pr = m.provider_id)`);
  }
  if (v.installations.length > 0) {
    const p = next(v.installations.map(([project]) => project));
    const pr = next(v.installations.map(([, provider]) => provider));
    const i = next(v.installations.map(([, , installation]) => installation));
    parts.push(
      `EXISTS (SELECT 1 FROM unnest(${p}, ${pr}, ${i}) AS g(p, pr, i) WHERE g.p = m.project_id AND g.pr = m.provider_id AND g.i = m.installation_id)`,
    );
  }
  if (v.providers.length > 0) parts.push(`m.provider_id = ANY(${next(v.providers)})`);
  return { sql: parts.length > 0 ? `(${parts.join(' OR ')})` : 'FALSE', params };
}
