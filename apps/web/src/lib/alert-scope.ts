import type { AlertsSearch } from './search';

type Scope = AlertsSearch;

/** A scope as words: `installation x, project y`. */
export const scopeText = (s: Scope) =>
  [s.installation_id && `installation ${s.installation_id}`, s.project_id && `project ${s.project_id}`, s.provider_id && `provider ${s.provider_id}`]
    .filter(Boolean)
    .join(', ');

/** Whether an owner (rule, schedule) belongs to the scope asked for: its scope has exactly those ids, or none was asked. */
export const inScope = (owner: { scope: Scope }, scope: AlertsSearch) =>
  !(scope.installation_id || scope.project_id || scope.provider_id) ||
  (owner.scope.installation_id === scope.installation_id &&
    owner.scope.project_id === scope.project_id &&
    owner.scope.provider_id === scope.provider_id);
