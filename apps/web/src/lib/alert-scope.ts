import type { AlertsSearch } from './search';

type Scope = AlertsSearch;

const SCOPE_KEYS = ['installation_id', 'project_id', 'provider_id'] as const;

/** A scope as words: `installation x, project y`. */
export const scopeText = (s: Scope) =>
  [s.installation_id && `installation ${s.installation_id}`, s.project_id && `project ${s.project_id}`, s.provider_id && `provider ${s.provider_id}`]
    .filter(Boolean)
    .join(', ');

/** Whether a scope was asked for at all (the page then shows that scope's owners only). */
export const isScoped = (scope: Scope) => Boolean(scope.installation_id || scope.project_id || scope.provider_id);

/** Whether an owner (rule, schedule) belongs to the scope asked for: its scope has exactly those ids, or none was asked. */
export const inScope = (owner: { scope: Scope }, scope: Scope) => !isScoped(scope) || SCOPE_KEYS.every((k) => owner.scope[k] === scope[k]);

/** The fields a create form shares for any webhook owner: its scope's ids and its webhook. */
export interface OwnerFields {
  installation_id: string;
  project_id: string;
  provider_id: string;
  webhook_url: string;
  webhook_secret: string;
}

/** A create form's starting fields: the scope the page shows, no webhook yet. */
export const ownerFields = (scope: Scope): OwnerFields => ({
  installation_id: scope.installation_id ?? '',
  project_id: scope.project_id ?? '',
  provider_id: scope.provider_id ?? '',
  webhook_url: '',
  webhook_secret: '',
});

/** What a create form's shared fields send: the scope from the ids filled in, the webhook, a secret only when given. */
export function ownerBody(f: OwnerFields): { scope: Scope; webhook_url: string; webhook_secret?: string } {
  const scope = Object.fromEntries(SCOPE_KEYS.filter((k) => f[k].trim()).map((k) => [k, f[k].trim()]));
  const secret = f.webhook_secret.trim();
  return { scope, webhook_url: f.webhook_url.trim(), ...(secret && { webhook_secret: secret }) };
}
