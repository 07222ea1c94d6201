/**
 * Entitlement parsing and the access algorithm of spec §3.2–§3.4, plus the derived
 * views used for SQL visibility filtering and GET /clients/me (§4.1). Pure logic.
 */

export interface ParsedEntitlement {
  group: string;
  hierarchy: string[];
  role: string;
}

/**
 * Spec §3.3, verbatim. The leading greedy `.*` means that when `group:` occurs more than once,
 * backtracking picks the LAST occurrence for which the remainder still matches — JS RegExp is a
 * standard backtracking engine, so using it directly reproduces the contract exactly.
 */
export const ENTITLEMENT_REGEX = /^.*group:([^:]+)(?::((?:[^:]+:)*[^:]+))?:role=([^:]+)$/;

/** Keep only strings starting with `namespace`, match each against the spec regex, drop non-matching. */
export function parseEntitlements(raw: readonly string[], namespace: string): ParsedEntitlement[] {
  const out: ParsedEntitlement[] = [];
  for (const s of raw) {
    if (typeof s !== 'string' || !s.startsWith(namespace)) continue;
    const m = ENTITLEMENT_REGEX.exec(s);
    if (!m) continue;
    out.push({ group: m[1], hierarchy: m[2] === undefined ? [] : m[2].split(':'), role: m[3] });
  }
  return out;
}

export type Role = 'admin' | 'viewer';

export interface AccessPolicyOptions {
  /** The tenant's `group_management_parent` (or `accounting`). */
  parent: string;
  /** Whether the caller authenticated against the default tenant; only there can `bypass` hold. */
  defaultTenant: boolean;
}

/**
 * Which installations (and therefore metrics) a caller may see. When `all` is false, an installation
 * (P, prov, inst) is visible iff P ∈ projects, or (P, prov) ∈ projectProviders, or
 * (P, prov, inst) ∈ installations, or prov ∈ providers.
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

export interface Grant {
  projectId: string;
  providerId?: string;
  installationId?: string;
  role: string;
}

const RESOURCES_TARGET = ['operations', 'resources'] as const;
const PROVIDER_ROLE_PREFIX = ['roles', 'provider'] as const;
const VISIBILITY_ROLES: readonly Role[] = ['admin', 'viewer'];

export function isPrefix(prefix: readonly string[], target: readonly string[]): boolean {
  if (prefix.length > target.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== target[i]) return false;
  return true;
}

function providerTarget(providerId: string): string[] {
  return [...PROVIDER_ROLE_PREFIX, providerId];
}

function isResourcesHierarchy(h: readonly string[]): boolean {
  return h.length === 2 && h[0] === RESOURCES_TARGET[0] && h[1] === RESOURCES_TARGET[1];
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
    this.isSysAdmin = this.entitlements.some(
      (e) => e.group === this.parent && e.role === 'admin' && e.hierarchy.length === 0,
    );
    this.bypass = this.defaultTenant && this.hasAccess(this.parent, 'admin', []);
  }

  static fromStrings(raw: readonly string[], namespace: string, options: AccessPolicyOptions): AccessPolicy {
    return new AccessPolicy(parseEntitlements(raw, namespace), options);
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
    return this.anyRole(roles, (r) => this.hasAccess(this.parent, r, [projectId]));
  }

  prv(roles: readonly Role[], projectId: string, providerId: string): boolean {
    return this.anyRole(
      roles,
      (r) =>
        this.hasAccess(this.parent, r, [projectId, providerId]) ||
        this.hasAccess(this.parent, r, providerTarget(providerId)),
    );
  }

  ins(roles: readonly Role[], projectId: string, providerId: string, installationId: string): boolean {
    return this.anyRole(
      roles,
      (r) =>
        this.hasAccess(this.parent, r, [projectId, providerId, installationId]) ||
        this.hasAccess(this.parent, r, providerTarget(providerId)),
    );
  }

  prep(providerId: string): boolean {
    return this.bypass || this.hasAccess(this.parent, 'admin', providerTarget(providerId));
  }

  /**
   * Must agree with `ins(['admin','viewer'], P, prov, inst)` for every installation. Both `ins`
   * targets are non-empty, so each admin/viewer parent entitlement with hierarchy h admits
   * (P, prov, inst) iff h is a prefix of [P, prov, inst] or of ['roles','provider',prov]. Hence:
   * system admin (any tenant) or an empty-hierarchy viewer sees everything, and so do the odd
   * hierarchies ['roles'] and ['roles','provider'], which prefix every provider-role target.
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
      if (h.length === 1) {
        projects.set(h[0], h[0]);
      } else if (h.length === 2) {
        projectProviders.set(JSON.stringify(h), [h[0], h[1]]);
      } else if (h.length === 3) {
        installations.set(JSON.stringify(h), [h[0], h[1], h[2]]);
        if (isProviderRoleHierarchy(h)) providers.set(h[2], h[2]);
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

  /** True iff `v` admits the installation; the in-memory twin of the WHERE clause built from `v`. */
  static visibilityAdmits(v: Visibility, projectId: string, providerId: string, installationId: string): boolean {
    if (v.all) return true;
    return (
      v.projects.includes(projectId) ||
      v.projectProviders.some(([p, pr]) => p === projectId && pr === providerId) ||
      v.installations.some(([p, pr, i]) => p === projectId && pr === providerId && i === installationId) ||
      v.providers.includes(providerId)
    );
  }

  /**
   * §4.1: parent-group entitlements contribute by hierarchy length. The role is reported but not
   * filtered on, because the spec lets every parent-group entitlement contribute; the permission set
   * depends only on the level. Unknown projects are the caller's concern (needs the database).
   */
  grants(): Grant[] {
    const seen = new Set<string>();
    const out: Grant[] = [];
    for (const e of this.entitlements) {
      if (e.group !== this.parent) continue;
      const h = e.hierarchy;
      if (h.length < 1 || h.length > 3) continue;
      if (isResourcesHierarchy(h) || isProviderRoleHierarchy(h)) continue;
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
