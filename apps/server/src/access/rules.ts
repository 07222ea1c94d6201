import type { IncomingHttpHeaders } from 'node:http';
import type { Caller } from '../auth/caller.js';
import type { Role } from '../auth/entitlements.js';
import { forbidden } from '../errors.js';
import type { Config } from '../config.js';
import { assertAmsSecret } from './ams-secret.js';

/**
 * What a pre-body guard may read: the headers and the configuration. Deliberately not the transport's
 * exchange or the service registry, so access depends on neither (no import cycle through `services.ts`).
 */
export interface GuardInput {
  http: { headers: IncomingHttpHeaders };
  app: { config: Config };
}

/**
 * The access rules of §3.4 that can be decided before the body is read: these run as middleware ahead of
 * input validation (§1.3 step 2). Hierarchical rules (PRJ/PRV/INS/PREP) need the entity first and go
 * through `assertHierarchy` once the service has resolved it (§1.3 step 3).
 */
export type PreRule =
  /** `guard` checks a credential other than a bearer token (the AMS shared secret) before the body. */
  { kind: 'public'; guard?: (input: GuardInput) => void } | { kind: 'auth' } | { kind: 'sys' } | { kind: 'res'; roles: Role[] };

export type PublicRule = Extract<PreRule, { kind: 'public' }>;

/** Each rule keeps its own kind in its type, so a procedure knows statically whether it has a caller. */
export const Access = {
  public: { kind: 'public' } as PublicRule,
  /** AMS proves itself with a shared Authorization value instead of a bearer token (§4.14). */
  amsSecret: { kind: 'public', guard: ({ http, app }) => assertAmsSecret(http.headers.authorization, app.config.ams.authorization) } as PublicRule,
  auth: { kind: 'auth' } as const,
  sys: { kind: 'sys' } as const,
  res: (...roles: Role[]) => ({ kind: 'res', roles }) as const,
} satisfies Record<string, PreRule | ((...args: never[]) => PreRule)>;

/** The caller a handler sees under `rule`: none on public procedures, always one otherwise. */
export type CallerUnder<R extends PreRule> = R extends PublicRule ? undefined : Caller;

export function assertPreRule(caller: Caller | undefined, rule: PreRule, http: GuardInput['http'], app: GuardInput['app']): void {
  if (rule.kind === 'public') return rule.guard?.({ http, app });
  if (rule.kind === 'auth') return;
  if (!caller) throw forbidden();
  const ok = rule.kind === 'sys' ? caller.policy.sys() : caller.policy.res(rule.roles);
  if (!ok) throw forbidden();
}
