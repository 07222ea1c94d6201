import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccessPolicy, formatEntitlement, parseEntitlement, type Role } from './entitlements.js';

/**
 * Property tests of the entitlement grammar (spec §3.3 as tightened against the `.*group:` escalation).
 * The oracles below are written independently of the parser: an anchored regex of the accepted language,
 * and a by-hand table of what each §3.3 scope grants.
 */

const NS = 'urn:geant:sandbox.eosc-beyond.eu:core:integration:group';
const PARENT = 'accounting';
const REALM = { namespace: NS, parent: PARENT };
const DEFAULT = { parent: PARENT, defaultTenant: true };
const OTHER_TENANT = { parent: PARENT, defaultTenant: false };
const SEED = 20241203;
const PREFIX = `${NS}:${PARENT}:`;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** One hierarchy segment: non-empty, no separator, no `=`, no control character. */
const SEG = '[^:=\\u0000-\\u001f\\u007f-\\u009f]+';
/** The accepted language, as one anchored regex: the oracle for property (a). */
const LANGUAGE = new RegExp(
  `^${escape(PREFIX)}(?:` +
    [
      '', // system
      'operations:resources:',
      `roles:provider:${SEG}:`,
      `(?!(?:operations|roles):)${SEG}:(?:${SEG}:){0,2}`,
    ]
      .map((alt) => `(?:${alt})`)
      .join('|') +
    ')role=(?:admin|viewer)$',
  'u',
);

// ------------------------------------------------------------------------------------------------
// Checks: every rule of §3.4 over a universe of targets.
// ------------------------------------------------------------------------------------------------

interface Universe {
  projects: string[];
  providers: string[];
  installations: string[];
}

const BASE: Universe = {
  projects: ['P1', 'operations', 'roles', 'group', 'accounting'],
  providers: ['grnet', 'resources', 'provider', 'workgroup'],
  installations: ['I1', 'grnet', 'accounting'],
};

/** The base targets plus ids taken from the string under test (capped: the check count is cubic). */
function universeWith(extra: readonly string[]): Universe {
  const picked = [...new Set(extra)].slice(0, 6);
  const u = (xs: string[]) => [...new Set([...xs, ...picked])];
  return { projects: u(BASE.projects), providers: u(BASE.providers), installations: u(BASE.installations) };
}

type CheckId = string;
const ROLE_LIST: Role[] = ['admin', 'viewer'];

/** Every check that passes for `p` over `u`, as stable ids. */
function passing(p: AccessPolicy, u: Universe): Set<CheckId> {
  const out = new Set<CheckId>();
  const add = (ok: boolean, id: string) => ok && out.add(id);
  add(p.sys(), 'sys');
  for (const r of ROLE_LIST) {
    add(p.res([r]), `res|${r}`);
    for (const pj of u.projects) {
      add(p.prj([r], pj), `prj|${r}|${pj}`);
      for (const pr of u.providers) {
        add(p.prv([r], pj, pr), `prv|${r}|${pj}|${pr}`);
        for (const i of u.installations) add(p.ins([r], pj, pr, i), `ins|${r}|${pj}|${pr}|${i}`);
      }
    }
  }
  for (const pr of u.providers) add(p.prep(pr), `prep|${pr}`);
  return out;
}

const grantsAnything = (p: AccessPolicy, u: Universe) => {
  const v = p.visibility();
  const visible = v.all || v.projects.length + v.projectProviders.length + v.installations.length + v.providers.length > 0;
  return passing(p, u).size > 0 || visible || p.grants().length > 0 || p.isSysAdmin || p.bypass;
};

// ------------------------------------------------------------------------------------------------
// Generators
// ------------------------------------------------------------------------------------------------

/** Segment material biased towards the words the grammar cares about, plus odd characters. */
const word = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('P1', 'grnet', 'I1', 'operations', 'resources', 'roles', 'provider', 'group', 'accounting', 'workgroup') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('Accounting', 'GROUP', 'Operations', 'role', 'role=admin', 'admin', ' ', 'é', '🙂', '\u0000', '\n', '\u0085', '=', ''),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9._-]{1,8}$/) },
);
/** A segment the grammar accepts. */
const goodSegment = fc.oneof(
  fc.constantFrom('P1', 'grnet', 'I1', 'group', 'accounting', 'workgroup', 'resources', 'provider', 'P 1', 'Ί1', '🙂'),
  fc.stringMatching(/^[A-Za-z0-9._-]{1,8}$/),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 5 }).filter((s) => new RegExp(`^${SEG}$`, 'u').test(s)),
);
const projectSegment = goodSegment.filter((s) => s !== 'operations' && s !== 'roles');
const role = fc.constantFrom<Role>('admin', 'viewer');

type Scope =
  | { kind: 'system' }
  | { kind: 'resources' }
  | { kind: 'project'; h: [string] }
  | { kind: 'project-provider'; h: [string, string] }
  | { kind: 'installation'; h: [string, string, string] }
  | { kind: 'provider-representative'; prov: string };

const scope: fc.Arbitrary<Scope> = fc.oneof(
  fc.constant<Scope>({ kind: 'system' }),
  fc.constant<Scope>({ kind: 'resources' }),
  projectSegment.map((p): Scope => ({ kind: 'project', h: [p] })),
  fc.tuple(projectSegment, goodSegment).map(([p, pr]): Scope => ({ kind: 'project-provider', h: [p, pr] })),
  fc.tuple(projectSegment, goodSegment, goodSegment).map(([p, pr, i]): Scope => ({ kind: 'installation', h: [p, pr, i] })),
  goodSegment.map((prov): Scope => ({ kind: 'provider-representative', prov })),
);

function hierarchyOf(s: Scope): string[] {
  switch (s.kind) {
    case 'system':
      return [];
    case 'resources':
      return ['operations', 'resources'];
    case 'provider-representative':
      return ['roles', 'provider', s.prov];
    default:
      return [...s.h];
  }
}

/** Accepted entitlements, written out by hand (not through formatEntitlement). */
const valid = fc.tuple(scope, role).map(([sc, r]) => ({ scope: sc, role: r, raw: `${PREFIX}${[...hierarchyOf(sc), `role=${r}`].join(':')}` }));

const separator = fc.constantFrom(':', ':', ':', '::', '', ' :', ': ', ';');
const head = fc.oneof(
  fc.constant(PREFIX),
  fc.constant(`${NS}:`),
  fc.constant(`${NS}:group:${PARENT}:`),
  fc.integer({ min: 0, max: NS.length }).map((k) => NS.slice(0, k)),
  fc.constantFrom(
    'urn:geant:other:group:accounting:',
    'urn:mace:egi.eu:group:accounting:',
    `${NS.toUpperCase()}:${PARENT}:`,
    `x${PREFIX}`,
    ` ${PREFIX}`,
    '',
  ),
);
const tail = fc.constantFrom(
  'role=admin',
  'role=viewer',
  'role=Admin',
  'role=',
  'role=owner',
  'role=admin ',
  'role=admin:',
  'role=admin:x',
  'ROLE=admin',
  'admin',
  '',
);
/** Token soup: a plausible head, adversarial segments joined by odd separators, a plausible or broken tail. */
const soup = fc
  .tuple(head, fc.array(fc.tuple(word, separator), { maxLength: 6 }), tail)
  .map(([h, segs, t]) => h + segs.map(([w, sep]) => w + sep).join('') + t);

/** A valid string with one surgical change: the edits that turn an accepted string into a near miss. */
const mutated = fc
  .tuple(valid, fc.nat(), fc.constantFrom('insert', 'delete', 'case', 'group', 'roleMid', 'dupSeg', 'emptySeg', 'nul', 'space'), word)
  .map(([v, n, op, w]) => {
    const s = v.raw;
    const at = n % (s.length + 1);
    switch (op) {
      case 'insert':
        return s.slice(0, at) + w + s.slice(at);
      case 'delete':
        return s.slice(0, at) + s.slice(at + 1);
      case 'case':
        return s.slice(0, at) + s.slice(at).toUpperCase();
      case 'group':
        return s.replace(':role=', `:workgroup:${PARENT}:role=`);
      case 'roleMid':
        return s.replace(PREFIX, `${PREFIX}role=admin:`);
      case 'dupSeg':
        return s.replace(PREFIX, `${PREFIX}${PARENT}:`);
      case 'emptySeg':
        return s.replace(':role=', '::role=');
      case 'nul':
        return s.slice(0, at) + '\u0000' + s.slice(at);
      default:
        return s.slice(0, at) + ' ' + s.slice(at);
    }
  });

const adversarial = fc.oneof(
  { weight: 3, arbitrary: soup },
  { weight: 3, arbitrary: mutated },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map((s) => PREFIX + s) },
  { weight: 1, arbitrary: valid.map((v) => v.raw) },
);

const segmentsOf = (raw: string) => raw.split(/[:=]/);

// ------------------------------------------------------------------------------------------------
// Properties
// ------------------------------------------------------------------------------------------------

describe('entitlement grammar (property, seeded)', () => {
  it('(a) a string outside the grammar grants nothing, and the parser accepts exactly the grammar', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(adversarial, (raw) => {
        const inLanguage = LANGUAGE.test(raw);
        expect(parseEntitlement(raw, REALM) !== undefined).toBe(inLanguage);
        if (inLanguage) {
          accepted++;
          return;
        }
        rejected++;
        const u = universeWith(segmentsOf(raw));
        for (const opts of [DEFAULT, OTHER_TENANT]) expect(grantsAnything(AccessPolicy.fromStrings([raw], NS, opts), u)).toBe(false);
      }),
      { seed: SEED, numRuns: 2000 },
    );
    // The generators must exercise both sides, or the property is vacuous.
    expect(accepted).toBeGreaterThan(150);
    expect(rejected).toBeGreaterThan(1000);
  });

  it('(b) an accepted entitlement has exactly one scope, grants exactly that scope, and round-trips', () => {
    const scopeGrants = (sc: Scope, r: Role, u: Universe, defaultTenant: boolean): Set<CheckId> => {
      const out = new Set<CheckId>();
      const everyTarget = (rr: Role) => {
        out.add(`res|${rr}`);
        for (const pj of u.projects) {
          out.add(`prj|${rr}|${pj}`);
          for (const pr of u.providers) {
            out.add(`prv|${rr}|${pj}|${pr}`);
            for (const i of u.installations) out.add(`ins|${rr}|${pj}|${pr}|${i}`);
          }
        }
      };
      switch (sc.kind) {
        case 'system':
          if (r === 'admin' && defaultTenant) {
            out.add('sys');
            for (const rr of ROLE_LIST) everyTarget(rr);
          } else {
            everyTarget(r);
          }
          if (r === 'admin') for (const pr of u.providers) out.add(`prep|${pr}`);
          return out;
        case 'resources':
          out.add(`res|${r}`);
          return out;
        case 'provider-representative':
          for (const pj of u.projects) {
            out.add(`prv|${r}|${pj}|${sc.prov}`);
            for (const i of u.installations) out.add(`ins|${r}|${pj}|${sc.prov}|${i}`);
          }
          if (r === 'admin') out.add(`prep|${sc.prov}`);
          return out;
        default: {
          const [p, pr, i] = sc.h;
          if (sc.kind === 'project') out.add(`prj|${r}|${p}`);
          for (const prov of u.providers) {
            if (pr !== undefined && prov !== pr) continue;
            if (sc.kind !== 'installation') out.add(`prv|${r}|${p}|${prov}`);
            for (const inst of u.installations) if (i === undefined || inst === i) out.add(`ins|${r}|${p}|${prov}|${inst}`);
          }
          return out;
        }
      }
    };

    fc.assert(
      fc.property(valid, ({ scope: sc, role: r, raw }) => {
        const parsed = parseEntitlement(raw, REALM);
        expect(parsed).toEqual({ group: PARENT, hierarchy: hierarchyOf(sc), role: r });
        expect(formatEntitlement(parsed!, REALM)).toBe(raw);
        const h = parsed!.hierarchy;
        const shapes = [
          h.length === 0,
          h.length === 2 && h[0] === 'operations' && h[1] === 'resources',
          h.length === 3 && h[0] === 'roles' && h[1] === 'provider',
          h.length >= 1 && h.length <= 3 && h[0] !== 'operations' && h[0] !== 'roles',
        ];
        expect(shapes.filter(Boolean)).toHaveLength(1);
        const u = universeWith(h);
        for (const opts of [DEFAULT, OTHER_TENANT]) {
          const got = [...passing(AccessPolicy.fromStrings([raw], NS, opts), u)].sort();
          expect(got).toEqual([...scopeGrants(sc, r, u, opts.defaultTenant)].sort());
        }
      }),
      { seed: SEED, numRuns: 600 },
    );
  });

  it('(c) extending an accepted entitlement never grants anything it did not already grant', () => {
    const extension = fc.oneof(
      fc.array(word, { minLength: 1, maxLength: 4 }).map((ws) => ({ where: 'hierarchy' as const, ws })),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }).map((t) => ({ where: 'end' as const, ws: [t] })),
    );
    let acceptedExtensions = 0;
    fc.assert(
      fc.property(valid, extension, ({ raw }, ext) => {
        const base = parseEntitlement(raw, REALM)!;
        const longer = ext.where === 'end' ? raw + ext.ws[0] : `${PREFIX}${[...base.hierarchy, ...ext.ws, `role=${base.role}`].join(':')}`;
        if (parseEntitlement(longer, REALM)) acceptedExtensions++;
        const u = universeWith([...base.hierarchy, ...ext.ws.flatMap(segmentsOf)]);
        for (const opts of [DEFAULT, OTHER_TENANT]) {
          const before = passing(AccessPolicy.fromStrings([raw], NS, opts), u);
          const after = passing(AccessPolicy.fromStrings([longer], NS, opts), u);
          expect([...after].filter((c) => !before.has(c))).toEqual([]);
        }
      }),
      { seed: SEED, numRuns: 800 },
    );
    // Some extensions are themselves accepted (a project gaining a provider), so the subset claim is tested.
    expect(acceptedExtensions).toBeGreaterThan(50);
  });
});
