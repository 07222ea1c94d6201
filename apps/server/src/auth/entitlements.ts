/**
 * Entitlement parsing and the access algorithm of spec §3.2–§3.4, plus the derived
 * views used for SQL visibility filtering and GET /clients/me (§4.1). Pure logic.
 */

import { admits, type Visibility } from '../access/visibility.js';

export interface ParsedEntitlement {
  group: string;
  hierarchy: string[];
  role: string;
}

export type Role = 'admin' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'viewer'];

/** Where an entitlement string may appear: the realm's namespace and parent group (§3.2). */
export interface EntitlementRealm {
  namespace: string;
  parent: string;
}

/** The one thing an accepted entitlement grants (the rows of the §3.3 table). */
export type EntitlementScope =
  | { kind: 'system' }
  | { kind: 'resources' }
  | { kind: 'project'; projectId: string }
  | { kind: 'project-provider'; projectId: string; providerId: string }
  | { kind: 'installation'; projectId: string; providerId: string; installationId: string }
  | { kind: 'provider-representative'; providerId: string };

const RESOURCES_TARGET = ['operations', 'resources'] as const;
const PROVIDER_ROLE_PREFIX = ['roles', 'provider'] as const;
/**
 * First hierarchy segments owned by the resources and provider-representative shapes. A project
 * hierarchy may not start with one, or `operations:role=admin` (project "operations") would prefix
 * `[operations, resources]` and `roles:role=admin` would prefix every provider-representative target.
 */
const RESERVED_FIRST_SEGMENTS: readonly string[] = [RESOURCES_TARGET[0], PROVIDER_ROLE_PREFIX[0]];
const ROLE_PREFIX = 'role=';

/** `:` separates segments and `=` marks the role, so neither may hide inside one; control characters never name anything. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const isSegment = (s: string) => s.length > 0 && !/[:=\u0000-\u001f\u007f-\u009f]/.test(s);

/** `{namespace}:{parent}:`, or undefined when the realm is unusable (then nothing is accepted). */
function realmPrefix({ namespace, parent }: EntitlementRealm): string | undefined {
  if (typeof namespace !== 'string' || namespace === '' || typeof parent !== 'string' || !isSegment(parent)) return undefined;
  // A namespace configured with its trailing separator names the same prefix as one without.
  return `${namespace.endsWith(':') ? namespace : `${namespace}:`}${parent}:`;
}

/** The scope of a hierarchy, or undefined for every shape outside the §3.3 table (including longer ones). */
export function scopeOf(hierarchy: readonly string[]): EntitlementScope | undefined {
  const [a, b, c] = hierarchy;
  if (hierarchy.length === 0) return { kind: 'system' };
  if (RESERVED_FIRST_SEGMENTS.includes(a)) {
    if (hierarchy.length === 2 && a === RESOURCES_TARGET[0] && b === RESOURCES_TARGET[1]) return { kind: 'resources' };
    if (hierarchy.length === 3 && a === PROVIDER_ROLE_PREFIX[0] && b === PROVIDER_ROLE_PREFIX[1]) {
      return { kind: 'provider-representative', providerId: c };
    }
    return undefined;
  }
  if (hierarchy.length === 1) return { kind: 'project', projectId: a };
  if (hierarchy.length === 2) return { kind: 'project-provider', projectId: a, providerId: b };
  if (hierarchy.length === 3) return { kind: 'installation', projectId: a, providerId: b, installationId: c };
  return undefined;
}

/**
 * Parses one entitlement string positionally: `{namespace}:{parent}:{h1}:…:{hn}:role={admin|viewer}`
 * with n ≤ 3, each segment non-empty and free of `:`, `=` and control characters, and the hierarchy
 * one of the §3.3 shapes (`operations` and `roles` only ever start their own). Returns undefined for
 * anything else, so unknown roles and longer hierarchies are dropped here and grant nothing.
 *
 * Why anchored and positional rather than the spec's `^.*group:…` regex: the greedy `.*` matched the
 * LAST `group:` anywhere in the string, so a subgroup named `…:workgroup:accounting:role=admin` under
 * some project parsed as the parent group's empty hierarchy — system admin. Here the group is always
 * the parent, fixed by position right after the namespace, and no later text can re-anchor the parse.
 */
export function parseEntitlement(raw: string, realm: EntitlementRealm): ParsedEntitlement | undefined {
  const prefix = realmPrefix(realm);
  if (prefix === undefined || typeof raw !== 'string' || !raw.startsWith(prefix)) return undefined;
  const segments = raw.slice(prefix.length).split(':');
  const last = segments.pop() as string;
  if (!last.startsWith(ROLE_PREFIX)) return undefined;
  const role = last.slice(ROLE_PREFIX.length);
  if (!ROLES.includes(role as Role)) return undefined;
  if (!segments.every(isSegment) || scopeOf(segments) === undefined) return undefined;
  return { group: realm.parent, hierarchy: segments, role };
}

/** The inverse of `parseEntitlement` for the entitlements it accepts. */
export function formatEntitlement(e: { hierarchy: readonly string[]; role: string }, realm: EntitlementRealm): string {
  const prefix = realmPrefix(realm);
  if (prefix === undefined) throw new Error('Entitlement realm needs a namespace and a parent group without ":" or "=".');
  return `${prefix}${[...e.hierarchy, `${ROLE_PREFIX}${e.role}`].join(':')}`;
}

/** Parses every string, dropping those outside the grammar (they grant nothing), keeping order and duplicates. */
export function parseEntitlements(raw: readonly string[], realm: EntitlementRealm): ParsedEntitlement[] {
  const out: ParsedEntitlement[] = [];
  for (const s of raw) {
    const e = parseEntitlement(s, realm);
    if (e) out.push(e);
  }
  return out;
}

export interface AccessPolicyOptions {
  /** The tenant's `group_management_parent` (or `accounting`). */
  parent: string;
  /** Whether the caller authenticated against the default tenant; only there can `bypass` hold. */
  defaultTenant: boolean;
}

/** Which installations (and therefore metrics) a caller may see; its meaning lives in access/visibility.ts. */
export type { Visibility };

export interface Grant {
  projectId: string;
  providerId?: string;
  installationId?: string;
  role: string;
}

const VISIBILITY_ROLES: readonly Role[] = ['admin', 'viewer'];

export function isPrefix(prefix: readonly string[], target: readonly string[]): boolean {
  if (prefix.length > target.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== target[i]) return false;
  return true;
}

function providerTarget(providerId: string): string[] {
  return [...PROVIDER_ROLE_PREFIX, providerId];
}

/** Resources, provider-representative and malformed hierarchies alike: none of them is a project path. */
function isReservedHierarchy(h: readonly string[]): boolean {
  return h.length > 0 && RESERVED_FIRST_SEGMENTS.includes(h[0]);
}

function isProviderRoleHierarchy(h: readonly string[]): boolean {
  return h.length === 3 && h[0] === PROVIDER_ROLE_PREFIX[0] && h[1] === PROVIDER_ROLE_PREFIX[1];
}

export class AccessPolicy {
  readonly entitlements: readonly ParsedEntitlement[];
  readonly parent: string;
  readonly defaultTenant: boolean;
  /** Only the parent group counts (fixed vs original, where any group's empty-hierarchy admin did). */
  readonly isSysAdmin: boolean;
  readonly bypass: boolean;

  constructor(entitlements: ParsedEntitlement[], options: AccessPolicyOptions) {
    // Copied so later mutation of the caller's array cannot change an already computed decision.
    this.entitlements = entitlements.map((e) => ({ group: e.group, hierarchy: [...e.hierarchy], role: e.role }));
    this.parent = options.parent;
    this.defaultTenant = options.defaultTenant;
    this.isSysAdmin = this.entitlements.some((e) => e.group === this.parent && e.role === 'admin' && e.hierarchy.length === 0);
    this.bypass = this.defaultTenant && this.hasAccess(this.parent, 'admin', []);
  }

  static fromStrings(raw: readonly string[], namespace: string, options: AccessPolicyOptions): AccessPolicy {
    return new AccessPolicy(parseEntitlements(raw, { namespace, parent: options.parent }), options);
  }

  /**
   * Exactly the spec pseudo-code. Note the asymmetry: an empty target needs system admin, while a
   * non-empty target is satisfied by ANY matching entitlement once the caller is system admin — so a
   * system admin passes `viewer` checks only if they also hold some viewer entitlement of `group`.
   */
  hasAccess(group: string, role: string, target: readonly string[]): boolean {
    const matching = this.entitlements.filter((e) => e.group === group && e.role === role);
    if (target.length === 0) return matching.length > 0 && this.isSysAdmin;
    return matching.some((e) => this.isSysAdmin || isPrefix(e.hierarchy, target));
  }

  /**
   * `hasAccess(parent, role, target)` for a project path [P, prov?, inst?]. The resources and
   * provider-representative hierarchies are not project paths, so they must not prefix one even when a
   * project is literally named `operations` or `roles`; the system-admin branch is left as the spec has it.
   */
  private hasProjectPathAccess(role: string, target: readonly string[]): boolean {
    return this.entitlements.some(
      (e) => e.group === this.parent && e.role === role && (this.isSysAdmin || (!isReservedHierarchy(e.hierarchy) && isPrefix(e.hierarchy, target))),
    );
  }

  private anyRole(roles: readonly Role[], check: (r: Role) => boolean): boolean {
    return this.bypass || roles.some(check);
  }

  sys(): boolean {
    return this.bypass;
  }

  res(roles: readonly Role[]): boolean {
    return this.anyRole(roles, (r) => this.hasAccess(this.parent, r, RESOURCES_TARGET));
  }

  prj(roles: readonly Role[], projectId: string): boolean {
    return this.anyRole(roles, (r) => this.hasProjectPathAccess(r, [projectId]));
  }

  prv(roles: readonly Role[], projectId: string, providerId: string): boolean {
    return this.anyRole(
      roles,
      (r) => this.hasProjectPathAccess(r, [projectId, providerId]) || this.hasAccess(this.parent, r, providerTarget(providerId)),
    );
  }

  ins(roles: readonly Role[], projectId: string, providerId: string, installationId: string): boolean {
    return this.anyRole(
      roles,
      (r) => this.hasProjectPathAccess(r, [projectId, providerId, installationId]) || this.hasAccess(this.parent, r, providerTarget(providerId)),
    );
  }

  prep(providerId: string): boolean {
    return this.bypass || this.hasAccess(this.parent, 'admin', providerTarget(providerId));
  }

  /**
   * Must agree with `ins(['admin','viewer'], P, prov, inst)` for every installation. Both `ins`
   * targets are non-empty, so each admin/viewer parent entitlement with hierarchy h admits
   * (P, prov, inst) iff h is a project path prefixing [P, prov, inst], or h prefixes
   * ['roles','provider',prov]. Hence: system admin (any tenant) or an empty-hierarchy viewer sees
   * everything, and so do ['roles'] and ['roles','provider'] (which the parser never produces, but a
   * hand-built policy may hold), which prefix every provider-role target.
   */
  visibility(): Visibility {
    if (this.bypass || this.isSysAdmin) return { all: true };

    const projects = new Map<string, string>();
    const projectProviders = new Map<string, [string, string]>();
    const installations = new Map<string, [string, string, string]>();
    const providers = new Map<string, string>();

    for (const e of this.entitlements) {
      if (e.group !== this.parent || !VISIBILITY_ROLES.includes(e.role as Role)) continue;
      const h = e.hierarchy;
      if (h.length === 0) return { all: true };
      // ['roles'] and ['roles','provider'] prefix ['roles','provider',prov] for every prov.
      if (isPrefix(h, PROVIDER_ROLE_PREFIX)) return { all: true };
      if (isProviderRoleHierarchy(h)) {
        providers.set(h[2], h[2]);
      } else if (isReservedHierarchy(h)) {
        // Not a project path (see hasProjectPathAccess), and no provider-role target starts like it.
      } else if (h.length === 1) {
        projects.set(h[0], h[0]);
      } else if (h.length === 2) {
        projectProviders.set(JSON.stringify(h), [h[0], h[1]]);
      } else if (h.length === 3) {
        installations.set(JSON.stringify(h), [h[0], h[1], h[2]]);
      }
      // Longer hierarchies are a prefix of no 3-element target, so they grant nothing here.
    }

    return {
      all: false,
      projects: [...projects.values()],
      projectProviders: [...projectProviders.values()],
      installations: [...installations.values()],
      providers: [...providers.values()],
    };
  }

  /** True iff `v` admits the installation (see `admits` in access/visibility.ts). */
  static visibilityAdmits(v: Visibility, projectId: string, providerId: string, installationId: string): boolean {
    return admits(v, { project: projectId, provider: providerId, installation: installationId });
  }

  /**
   * §4.1: parent-group project paths contribute by hierarchy length. The role is reported but not
   * filtered on, because the spec lets every parent-group entitlement contribute (the parser admits only
   * admin and viewer); the permission set depends only on the level. Unknown projects are the caller's
   * concern (needs the database).
   */
  grants(): Grant[] {
    const seen = new Set<string>();
    const out: Grant[] = [];
    for (const e of this.entitlements) {
      if (e.group !== this.parent) continue;
      const h = e.hierarchy;
      if (h.length < 1 || h.length > 3) continue;
      if (isReservedHierarchy(h)) continue;
      const key = JSON.stringify([...h, e.role]);
      if (seen.has(key)) continue;
      seen.add(key);
      const g: Grant = { projectId: h[0], role: e.role };
      if (h.length >= 2) g.providerId = h[1];
      if (h.length === 3) g.installationId = h[2];
      out.push(g);
    }
    return out;
  }
}
