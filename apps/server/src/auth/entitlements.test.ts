import { describe, it, expect } from 'vitest';
import {
  AccessPolicy,
  formatEntitlement,
  isPrefix,
  parseEntitlement,
  parseEntitlements,
  type ParsedEntitlement,
  type Role,
  type Visibility,
} from './entitlements.js';

const NS = 'urn:geant:sandbox.eosc-beyond.eu:core:integration:group';
const PARENT = 'accounting';
const REALM = { namespace: NS, parent: PARENT };
const DEFAULT = { parent: PARENT, defaultTenant: true };
const OTHER_TENANT = { parent: PARENT, defaultTenant: false };

/** `{ns}:{group}:{rest}` — rest is e.g. `P1:grnet:role=admin`. */
const ent = (rest: string, group = PARENT) => `${NS}:${group}:${rest}`;
const policy = (raw: string[], opts = DEFAULT) => AccessPolicy.fromStrings(raw, NS, opts);
const e = (hierarchy: string[], role: string, group = PARENT): ParsedEntitlement => ({ group, hierarchy, role });

const BOTH: Role[] = ['admin', 'viewer'];

describe('parseEntitlements', () => {
  const cases: { name: string; raw: string; expected: ParsedEntitlement | null; realm?: { namespace: string; parent: string } }[] = [
    { name: 'system admin (no hierarchy)', raw: ent('role=admin'), expected: e([], 'admin') },
    { name: 'system viewer', raw: ent('role=viewer'), expected: e([], 'viewer') },
    {
      name: 'spec example',
      raw: 'urn:geant:sandbox.eosc-beyond.eu:core:integration:group:accounting:777536:grnet:role=admin',
      expected: e(['777536', 'grnet'], 'admin'),
    },
    { name: 'one-level hierarchy', raw: ent('P1:role=viewer'), expected: e(['P1'], 'viewer') },
    { name: 'two-level hierarchy', raw: ent('P1:grnet:role=admin'), expected: e(['P1', 'grnet'], 'admin') },
    { name: 'three-level hierarchy', raw: ent('P1:grnet:I1:role=admin'), expected: e(['P1', 'grnet', 'I1'], 'admin') },
    { name: 'operations:resources', raw: ent('operations:resources:role=viewer'), expected: e(['operations', 'resources'], 'viewer') },
    { name: 'provider representative', raw: ent('roles:provider:grnet:role=admin'), expected: e(['roles', 'provider', 'grnet'], 'admin') },
    { name: 'segments may hold spaces, dots and non-ASCII', raw: ent('P 1:gr.net:Ί1:role=admin'), expected: e(['P 1', 'gr.net', 'Ί1'], 'admin') },
    {
      name: 'non-default parent',
      raw: `${NS}:tenantx:P1:role=admin`,
      realm: { namespace: NS, parent: 'tenantx' },
      expected: { group: 'tenantx', hierarchy: ['P1'], role: 'admin' },
    },
    {
      name: 'namespace configured with its trailing ":"',
      raw: ent('role=admin'),
      realm: { namespace: `${NS}:`, parent: PARENT },
      expected: e([], 'admin'),
    },

    // The attack strings: a subgroup whose name contains `group:` must not re-anchor the parse. Read by
    // position, the first names installation "accounting" of provider "workgroup" in projA (system admin
    // under the spec regex); the second is four levels deep (admin of projB under the spec regex).
    {
      name: 'attack: subgroup "workgroup:accounting" stays inside projA',
      raw: ent('projA:workgroup:accounting:role=admin'),
      expected: e(['projA', 'workgroup', 'accounting'], 'admin'),
    },
    { name: 'attack: "workgroup:accounting:<B>" is not admin of B', raw: ent('projA:workgroup:accounting:projB:role=admin'), expected: null },
    {
      name: 'group: right after the parent is a project named "group"',
      raw: ent('group:other:role=admin'),
      expected: e(['group', 'other'], 'admin'),
    },
    { name: 'a second namespace after the first', raw: `${NS}:${ent('role=admin')}`, expected: null },
    { name: 'a second parent after the first', raw: ent('accounting:role=admin'), expected: e(['accounting'], 'admin') },

    // Hierarchies outside the §3.3 table grant nothing, so they are not accepted at all.
    { name: 'four-level hierarchy', raw: ent('a:b:c:d:role=admin'), expected: null },
    { name: 'provider representative with a tail', raw: ent('roles:provider:grnet:I1:role=admin'), expected: null },
    { name: '[operations] alone', raw: ent('operations:role=admin'), expected: null },
    { name: '[operations, X]', raw: ent('operations:grnet:role=admin'), expected: null },
    { name: '[operations, resources, X]', raw: ent('operations:resources:x:role=admin'), expected: null },
    { name: '[roles] alone', raw: ent('roles:role=viewer'), expected: null },
    { name: '[roles, provider]', raw: ent('roles:provider:role=admin'), expected: null },
    { name: '[roles, X]', raw: ent('roles:grnet:role=admin'), expected: null },
    { name: '[roles, X, Y]', raw: ent('roles:grnet:egi:role=admin'), expected: null },

    { name: 'unknown role', raw: ent('P1:role=owner'), expected: null },
    { name: 'role in another case', raw: ent('role=Admin'), expected: null },
    { name: 'trailing whitespace after the role', raw: ent('P1:role=admin '), expected: null },
    { name: 'role= in the middle', raw: ent('role=admin:role=viewer'), expected: null },
    { name: 'segment containing "="', raw: ent('P=1:role=admin'), expected: null },
    { name: 'ROLE= in another case', raw: ent('P1:ROLE=admin'), expected: null },
    { name: 'role containing a colon', raw: ent('role=ad:min'), expected: null },
    { name: 'trailing text after role', raw: ent('P1:role=admin:extra'), expected: null },
    { name: 'trailing colon', raw: `${ent('P1:role=admin')}:`, expected: null },
    { name: 'empty role', raw: ent('P1:role='), expected: null },
    { name: 'empty leading segment', raw: ent(':P1:role=admin'), expected: null },
    { name: 'empty middle segment', raw: ent('P1::grnet:role=admin'), expected: null },
    { name: 'NUL inside a segment', raw: ent('P1\u0000:role=admin'), expected: null },
    { name: 'newline inside a segment', raw: ent('P1\n:role=admin'), expected: null },
    { name: 'missing role=', raw: ent('P1:admin'), expected: null },
    { name: 'nothing after the parent', raw: `${NS}:${PARENT}`, expected: null },
    { name: 'nothing after the parent separator', raw: `${NS}:${PARENT}:`, expected: null },
    { name: 'another group', raw: ent('P1:role=admin', 'other'), expected: null },
    { name: 'another group, empty hierarchy', raw: ent('role=admin', 'other'), expected: null },
    { name: 'parent as a prefix of the group', raw: ent('role=admin', 'accountingx'), expected: null },
    { name: 'no separator after the namespace', raw: `${NS}accounting:role=admin`, expected: null },
    { name: 'outside the namespace', raw: 'urn:geant:other:group:accounting:role=admin', expected: null },
    { name: 'a prefix of the namespace', raw: `urn:geant:sandbox.eosc-beyond.eu:core:${PARENT}:role=admin`, expected: null },
    { name: 'namespace not at the start', raw: `x${ent('role=admin')}`, expected: null },
    { name: 'leading whitespace', raw: ` ${ent('role=admin')}`, expected: null },
    { name: 'namespace in different case', raw: ent('role=admin').toUpperCase(), expected: null },
    { name: 'parent in different case', raw: ent('role=admin', 'Accounting'), expected: null },
    { name: 'empty string', raw: '', expected: null },
    // Fail closed on an unusable realm rather than keeping everything.
    { name: 'empty namespace accepts nothing', raw: `:${PARENT}:role=admin`, realm: { namespace: '', parent: PARENT }, expected: null },
    { name: 'empty parent accepts nothing', raw: `${NS}::role=admin`, realm: { namespace: NS, parent: '' }, expected: null },
  ];

  it.each(cases)('$name', ({ raw, expected, realm }) => {
    expect(parseEntitlements([raw], realm ?? REALM)).toEqual(expected ? [expected] : []);
  });

  it('keeps order and duplicates, drops non-matching', () => {
    const raw = [ent('P2:role=viewer'), 'junk', ent('role=admin'), ent('P2:role=viewer'), `other:${ent('P1:role=admin')}`];
    expect(parseEntitlements(raw, REALM)).toEqual([e(['P2'], 'viewer'), e([], 'admin'), e(['P2'], 'viewer')]);
  });

  it('returns [] for no input and ignores non-strings', () => {
    expect(parseEntitlements([], REALM)).toEqual([]);
    expect(parseEntitlements([42, null, { s: ent('role=admin') }] as unknown as string[], REALM)).toEqual([]);
  });

  it('formats what it parses', () => {
    for (const s of [ent('role=admin'), ent('P1:grnet:I1:role=viewer'), ent('roles:provider:egi:role=admin')]) {
      expect(formatEntitlement(parseEntitlement(s, REALM)!, REALM)).toBe(s);
    }
    expect(formatEntitlement({ hierarchy: ['P1'], role: 'viewer' }, { namespace: `${NS}:`, parent: PARENT })).toBe(ent('P1:role=viewer'));
    expect(() => formatEntitlement({ hierarchy: [], role: 'admin' }, { namespace: '', parent: PARENT })).toThrow();
  });

  it('the attack strings grant neither system admin nor project B', () => {
    for (const raw of [ent('projA:workgroup:accounting:role=admin'), ent('projA:workgroup:accounting:projB:role=admin')]) {
      for (const opts of [DEFAULT, OTHER_TENANT]) {
        const p = policy([raw], opts);
        expect([p.isSysAdmin, p.sys(), p.res(BOTH), p.prj(BOTH, 'projA'), p.prj(BOTH, 'projB'), p.prv(BOTH, 'projB', 'grnet')]).toEqual([
          false,
          false,
          false,
          false,
          false,
          false,
        ]);
      }
    }
    const installationOnly = policy([ent('projA:workgroup:accounting:role=admin')]);
    expect(installationOnly.visibility()).toEqual({ ...none, installations: [['projA', 'workgroup', 'accounting']] });
    expect(installationOnly.ins(['admin'], 'projA', 'workgroup', 'accounting')).toBe(true);
    expect(policy([ent('projA:workgroup:accounting:projB:role=admin')]).visibility()).toEqual(none);
  });
});

describe('isPrefix', () => {
  it.each([
    [[], [], true],
    [[], ['P1'], true],
    [['P1'], ['P1'], true],
    [['P1'], ['P1', 'grnet'], true],
    [['P1'], ['P10'], false],
    [['P10'], ['P1'], false],
    [['P1', 'grnet'], ['P1'], false],
    [['P1', 'grnet'], ['P1', 'grnet2'], false],
    [['P1', 'grnet'], ['P1', 'grnet', 'I1'], true],
    [['grnet'], ['P1', 'grnet'], false],
  ] as [string[], string[], boolean][])('%j prefix of %j -> %s', (p, t, want) => {
    expect(isPrefix(p, t)).toBe(want);
  });
});

describe('isSysAdmin and bypass', () => {
  const cases: { name: string; raw: string[]; sysAdmin: boolean; bypassDefault: boolean }[] = [
    { name: 'none', raw: [], sysAdmin: false, bypassDefault: false },
    { name: 'parent role=admin', raw: [ent('role=admin')], sysAdmin: true, bypassDefault: true },
    { name: 'parent role=viewer', raw: [ent('role=viewer')], sysAdmin: false, bypassDefault: false },
    // fixed vs original: another group's empty-hierarchy admin no longer counts.
    { name: 'other group role=admin', raw: [ent('role=admin', 'other')], sysAdmin: false, bypassDefault: false },
    { name: 'parent project admin', raw: [ent('P1:role=admin')], sysAdmin: false, bypassDefault: false },
    { name: 'parent role=Admin', raw: [ent('role=Admin')], sysAdmin: false, bypassDefault: false },
    { name: 'parent role outside namespace', raw: ['urn:x:group:accounting:role=admin'], sysAdmin: false, bypassDefault: false },
    {
      name: 'parent admin among others',
      raw: [ent('P1:role=viewer'), ent('role=admin', 'other'), ent('role=admin')],
      sysAdmin: true,
      bypassDefault: true,
    },
  ];

  it.each(cases)('$name', ({ raw, sysAdmin, bypassDefault }) => {
    const d = policy(raw, DEFAULT);
    const o = policy(raw, OTHER_TENANT);
    expect(d.isSysAdmin).toBe(sysAdmin);
    expect(o.isSysAdmin).toBe(sysAdmin);
    expect(d.bypass).toBe(bypassDefault);
    expect(o.bypass).toBe(false);
    expect(d.sys()).toBe(bypassDefault);
    expect(o.sys()).toBe(false);
  });

  it('respects a non-default parent name', () => {
    const p = AccessPolicy.fromStrings([ent('role=admin'), ent('role=admin', 'tenantx')], NS, {
      parent: 'tenantx',
      defaultTenant: true,
    });
    expect(p.isSysAdmin).toBe(true);
    expect(p.bypass).toBe(true);
    const q = AccessPolicy.fromStrings([ent('role=admin')], NS, { parent: 'tenantx', defaultTenant: true });
    expect(q.isSysAdmin).toBe(false);
    expect(q.bypass).toBe(false);
    expect(q.prj(BOTH, 'P1')).toBe(false);
  });

  it('is not affected by mutating the input array afterwards', () => {
    const list = [e([], 'viewer')];
    const p = new AccessPolicy(list, DEFAULT);
    list.push(e([], 'admin'));
    list[0].hierarchy.push('P9');
    expect(p.isSysAdmin).toBe(false);
    expect(p.prj(['viewer'], 'P1')).toBe(true);
  });
});

describe('hasAccess (spec pseudo-code)', () => {
  const cases: {
    name: string;
    ents: ParsedEntitlement[];
    group?: string;
    role: string;
    target: string[];
    want: boolean;
  }[] = [
    { name: 'no entitlements, empty target', ents: [], role: 'admin', target: [], want: false },
    { name: 'no entitlements, non-empty target', ents: [], role: 'admin', target: ['P1'], want: false },
    { name: 'sys admin, empty target', ents: [e([], 'admin')], role: 'admin', target: [], want: true },
    // Empty target requires system admin; [] being a prefix of [] is not enough.
    { name: 'sys viewer, empty target', ents: [e([], 'viewer')], role: 'viewer', target: [], want: false },
    { name: 'project admin, empty target', ents: [e(['P1'], 'admin')], role: 'admin', target: [], want: false },
    {
      name: 'sys admin with any viewer entitlement, viewer empty target',
      ents: [e([], 'admin'), e(['P9'], 'viewer')],
      role: 'viewer',
      target: [],
      want: true,
    },
    { name: 'sys admin, viewer empty target, no viewer ent', ents: [e([], 'admin')], role: 'viewer', target: [], want: false },
    { name: 'sys admin, viewer check, no viewer ent', ents: [e([], 'admin')], role: 'viewer', target: ['P1'], want: false },
    // Once sys admin, ANY entitlement of the requested group+role satisfies any non-empty target.
    {
      name: 'sys admin + unrelated viewer grant passes any viewer target',
      ents: [e([], 'admin'), e(['P9'], 'viewer')],
      role: 'viewer',
      target: ['P1', 'grnet', 'I1'],
      want: true,
    },
    { name: 'sys viewer, any non-empty target', ents: [e([], 'viewer')], role: 'viewer', target: ['x', 'y', 'z', 'w'], want: true },
    { name: 'sys viewer, admin role', ents: [e([], 'viewer')], role: 'admin', target: ['P1'], want: false },
    { name: 'exact target', ents: [e(['P1', 'grnet'], 'admin')], role: 'admin', target: ['P1', 'grnet'], want: true },
    { name: 'longer target', ents: [e(['P1'], 'admin')], role: 'admin', target: ['P1', 'grnet', 'I1'], want: true },
    { name: 'shorter target', ents: [e(['P1', 'grnet'], 'admin')], role: 'admin', target: ['P1'], want: false },
    { name: 'string prefix is not a path prefix', ents: [e(['P1'], 'admin')], role: 'admin', target: ['P10'], want: false },
    { name: 'role compared exactly (case)', ents: [e(['P1'], 'Admin')], role: 'admin', target: ['P1'], want: false },
    { name: 'role compared exactly (space)', ents: [e(['P1'], 'admin ')], role: 'admin', target: ['P1'], want: false },
    { name: 'arbitrary role', ents: [e(['P1'], 'owner')], role: 'owner', target: ['P1'], want: true },
    {
      name: 'other group entitlement, parent query',
      ents: [e(['P1'], 'admin', 'other')],
      role: 'admin',
      target: ['P1'],
      want: false,
    },
    {
      name: 'other group entitlement, other group query',
      ents: [e(['P1'], 'admin', 'other')],
      group: 'other',
      role: 'admin',
      target: ['P1'],
      want: true,
    },
    {
      name: 'other group empty-hierarchy admin, other group empty target (not sys admin)',
      ents: [e([], 'admin', 'other')],
      group: 'other',
      role: 'admin',
      target: [],
      want: false,
    },
    {
      name: 'parent sys admin lifts other group entitlements too',
      ents: [e([], 'admin'), e(['Q'], 'viewer', 'other')],
      group: 'other',
      role: 'viewer',
      target: ['Z'],
      want: true,
    },
    {
      name: 'parent sys admin does not create other group entitlements',
      ents: [e([], 'admin')],
      group: 'other',
      role: 'admin',
      target: ['Z'],
      want: false,
    },
  ];

  it.each(cases)('$name', ({ ents, group, role, target, want }) => {
    for (const opts of [DEFAULT, OTHER_TENANT]) {
      expect(new AccessPolicy(ents, opts).hasAccess(group ?? PARENT, role, target)).toBe(want);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Rule matrix: every entitlement kind × every rule. World:
//   P1/grnet/{I1,I2}, P1/egi/I3, P10/grnet/I4, P2/grnet/I5
// ---------------------------------------------------------------------------------------------

type Check = { id: string; run: (p: AccessPolicy) => boolean };
const checks: Check[] = [
  { id: 'sys', run: (p) => p.sys() },
  { id: 'res:A', run: (p) => p.res(['admin']) },
  { id: 'res:V', run: (p) => p.res(['viewer']) },
  { id: 'res:AV', run: (p) => p.res(BOTH) },
  { id: 'res:none', run: (p) => p.res([]) },
  { id: 'prj:A:P1', run: (p) => p.prj(['admin'], 'P1') },
  { id: 'prj:V:P1', run: (p) => p.prj(['viewer'], 'P1') },
  { id: 'prj:AV:P1', run: (p) => p.prj(BOTH, 'P1') },
  { id: 'prj:AV:P10', run: (p) => p.prj(BOTH, 'P10') },
  { id: 'prj:AV:P2', run: (p) => p.prj(BOTH, 'P2') },
  { id: 'prv:A:P1/grnet', run: (p) => p.prv(['admin'], 'P1', 'grnet') },
  { id: 'prv:V:P1/grnet', run: (p) => p.prv(['viewer'], 'P1', 'grnet') },
  { id: 'prv:AV:P1/egi', run: (p) => p.prv(BOTH, 'P1', 'egi') },
  { id: 'prv:AV:P10/grnet', run: (p) => p.prv(BOTH, 'P10', 'grnet') },
  { id: 'prv:AV:P2/grnet', run: (p) => p.prv(BOTH, 'P2', 'grnet') },
  { id: 'ins:A:I1', run: (p) => p.ins(['admin'], 'P1', 'grnet', 'I1') },
  { id: 'ins:V:I1', run: (p) => p.ins(['viewer'], 'P1', 'grnet', 'I1') },
  { id: 'ins:AV:I2', run: (p) => p.ins(BOTH, 'P1', 'grnet', 'I2') },
  { id: 'ins:AV:I3', run: (p) => p.ins(BOTH, 'P1', 'egi', 'I3') },
  { id: 'ins:AV:I4', run: (p) => p.ins(BOTH, 'P10', 'grnet', 'I4') },
  { id: 'ins:AV:I5', run: (p) => p.ins(BOTH, 'P2', 'grnet', 'I5') },
  { id: 'prep:grnet', run: (p) => p.prep('grnet') },
  { id: 'prep:egi', run: (p) => p.prep('egi') },
];
const ALL = checks.map((c) => c.id);
const adminChecks = ALL.filter((id) => !id.includes(':V:') && id !== 'res:V' && id !== 'res:none' && id !== 'sys');
const viewerChecks = ALL.filter((id) => !id.includes(':A:') && id !== 'res:A' && id !== 'res:none' && !id.startsWith('prep') && id !== 'sys');

interface Kind {
  name: string;
  raw: string[];
  opts?: typeof DEFAULT;
  pass: string[];
}
const kinds: Kind[] = [
  { name: 'none', raw: [], pass: [] },
  { name: 'system admin (default tenant → bypass)', raw: [ent('role=admin')], pass: ALL },
  // Not bypass, but sys admin makes the admin entitlement satisfy every non-empty admin target.
  { name: 'system admin on another tenant', raw: [ent('role=admin')], opts: OTHER_TENANT, pass: adminChecks },
  { name: 'system viewer', raw: [ent('role=viewer')], pass: viewerChecks },
  { name: 'operations:resources admin', raw: [ent('operations:resources:role=admin')], pass: ['res:A', 'res:AV'] },
  { name: 'operations:resources viewer', raw: [ent('operations:resources:role=viewer')], pass: ['res:V', 'res:AV'] },
  {
    name: 'project admin P1',
    raw: [ent('P1:role=admin')],
    pass: ['prj:A:P1', 'prj:AV:P1', 'prv:A:P1/grnet', 'prv:AV:P1/egi', 'ins:A:I1', 'ins:AV:I2', 'ins:AV:I3'],
  },
  {
    name: 'project viewer P1',
    raw: [ent('P1:role=viewer')],
    pass: ['prj:V:P1', 'prj:AV:P1', 'prv:V:P1/grnet', 'prv:AV:P1/egi', 'ins:V:I1', 'ins:AV:I2', 'ins:AV:I3'],
  },
  {
    name: 'project-provider admin P1/grnet',
    raw: [ent('P1:grnet:role=admin')],
    pass: ['prv:A:P1/grnet', 'ins:A:I1', 'ins:AV:I2'],
  },
  {
    name: 'project-provider viewer P1/grnet',
    raw: [ent('P1:grnet:role=viewer')],
    pass: ['prv:V:P1/grnet', 'ins:V:I1', 'ins:AV:I2'],
  },
  { name: 'installation admin I1', raw: [ent('P1:grnet:I1:role=admin')], pass: ['ins:A:I1'] },
  { name: 'installation viewer I1', raw: [ent('P1:grnet:I1:role=viewer')], pass: ['ins:V:I1'] },
  {
    name: 'provider representative admin grnet',
    raw: [ent('roles:provider:grnet:role=admin')],
    pass: ['prv:A:P1/grnet', 'prv:AV:P10/grnet', 'prv:AV:P2/grnet', 'ins:A:I1', 'ins:AV:I2', 'ins:AV:I4', 'ins:AV:I5', 'prep:grnet'],
  },
  {
    name: 'provider representative viewer grnet',
    raw: [ent('roles:provider:grnet:role=viewer')],
    pass: ['prv:V:P1/grnet', 'prv:AV:P10/grnet', 'prv:AV:P2/grnet', 'ins:V:I1', 'ins:AV:I2', 'ins:AV:I4', 'ins:AV:I5'],
  },
  {
    name: "another project's admin (P2)",
    raw: [ent('P2:role=admin')],
    pass: ['prj:AV:P2', 'prv:AV:P2/grnet', 'ins:AV:I5'],
  },
  {
    name: 'admin of P10 (string-prefix sibling of P1)',
    raw: [ent('P10:role=admin')],
    pass: ['prj:AV:P10', 'prv:AV:P10/grnet', 'ins:AV:I4'],
  },
  // fixed vs original
  { name: 'admin of an unrelated group, empty hierarchy', raw: [ent('role=admin', 'other')], pass: [] },
  { name: 'unrelated group project admin', raw: [ent('P1:role=admin', 'other')], pass: [] },
  { name: 'entitlement outside the namespace', raw: ['urn:x:group:accounting:role=admin'], pass: [] },
  { name: 'non-standard role on P1', raw: [ent('P1:role=owner'), ent('P1:role=Admin')], pass: [] },
  { name: 'four-level hierarchy', raw: [ent('P1:grnet:I1:x:role=admin')], pass: [] },
  {
    name: 'system viewer + project admin P1',
    raw: [ent('role=viewer'), ent('P1:role=admin')],
    pass: [...new Set([...viewerChecks, 'prj:A:P1', 'prv:A:P1/grnet', 'ins:A:I1'])],
  },
  {
    name: 'installation admin I1 + provider viewer egi',
    raw: [ent('P1:grnet:I1:role=admin'), ent('roles:provider:egi:role=viewer')],
    pass: ['ins:A:I1', 'prv:AV:P1/egi', 'ins:AV:I3'],
  },
];

describe('rule matrix', () => {
  const rows = kinds.flatMap((k) => checks.map((c) => ({ kind: k.name, check: c.id, k, c, want: k.pass.includes(c.id) })));

  it('every expectation names a real check', () => {
    for (const k of kinds) for (const id of k.pass) expect(ALL).toContain(id);
  });

  it.each(rows)('$kind :: $check -> $want', ({ k, c, want }) => {
    expect(c.run(policy(k.raw, k.opts ?? DEFAULT))).toBe(want);
  });

  it('results only depend on the tenant through bypass', () => {
    for (const k of kinds) {
      const d = policy(k.raw, DEFAULT);
      const o = policy(k.raw, OTHER_TENANT);
      if (d.bypass) continue;
      for (const c of checks) expect([k.name, c.id, c.run(o)]).toEqual([k.name, c.id, c.run(d)]);
    }
  });
});

describe('rule semantics', () => {
  it('admin does not imply viewer', () => {
    const p = policy([ent('P1:role=admin'), ent('operations:resources:role=admin'), ent('roles:provider:grnet:role=admin')]);
    expect(p.prj(['admin'], 'P1')).toBe(true);
    expect(p.prj(['viewer'], 'P1')).toBe(false);
    expect(p.res(['viewer'])).toBe(false);
    expect(p.prv(['viewer'], 'P1', 'grnet')).toBe(false);
    expect(p.ins(['viewer'], 'P1', 'grnet', 'I1')).toBe(false);
  });

  it('viewer does not imply admin', () => {
    const p = policy([ent('role=viewer')]);
    expect(p.prj(['viewer'], 'P1')).toBe(true);
    expect(p.prj(['admin'], 'P1')).toBe(false);
    expect(p.res(['admin'])).toBe(false);
    expect(p.prep('grnet')).toBe(false);
    expect(p.sys()).toBe(false);
  });

  it('permission flows downward only', () => {
    const ins = policy([ent('P1:grnet:I1:role=admin')]);
    expect(ins.ins(BOTH, 'P1', 'grnet', 'I1')).toBe(true);
    expect(ins.prv(BOTH, 'P1', 'grnet')).toBe(false);
    expect(ins.prj(BOTH, 'P1')).toBe(false);
    const prv = policy([ent('P1:grnet:role=admin')]);
    expect(prv.ins(BOTH, 'P1', 'grnet', 'anything')).toBe(true);
    expect(prv.prv(BOTH, 'P1', 'grnet')).toBe(true);
    expect(prv.prj(BOTH, 'P1')).toBe(false);
  });

  it('prefix is per segment, not per string', () => {
    const p = policy([ent('P1:role=admin'), ent('P2:grnet:role=admin'), ent('P3:grnet:I1:role=admin')]);
    expect(p.prj(BOTH, 'P10')).toBe(false);
    expect(p.prj(BOTH, 'P')).toBe(false);
    expect(p.prv(BOTH, 'P2', 'grnet2')).toBe(false);
    expect(p.prv(BOTH, 'P2', 'grne')).toBe(false);
    expect(p.ins(BOTH, 'P3', 'grnet', 'I10')).toBe(false);
    expect(p.ins(BOTH, 'P3', 'grnet', 'I1')).toBe(true);
    expect(policy([ent('roles:provider:grnet:role=admin')]).prep('grnet2')).toBe(false);
  });

  it('provider-representative grant for prov X does not open other providers', () => {
    const p = policy([ent('roles:provider:grnet:role=admin')]);
    expect(p.ins(BOTH, 'P1', 'egi', 'I3')).toBe(false);
    expect(p.prv(BOTH, 'P1', 'egi')).toBe(false);
    expect(p.prep('egi')).toBe(false);
  });

  it('PREP needs admin of the provider-representative group', () => {
    expect(policy([ent('roles:provider:grnet:role=admin')]).prep('grnet')).toBe(true);
    expect(policy([ent('roles:provider:grnet:role=viewer')]).prep('grnet')).toBe(false);
    expect(policy([ent('P1:grnet:role=admin')]).prep('grnet')).toBe(false);
    // Was true while ['roles','provider'] parsed: it prefixes every provider-representative target.
    expect(policy([ent('roles:provider:role=admin')]).prep('grnet')).toBe(false);
    expect(policy([ent('roles:provider:grnet:role=admin', 'other')]).prep('grnet')).toBe(false);
  });

  it('SYS rejects tenant admins', () => {
    expect(policy([ent('role=admin')], OTHER_TENANT).sys()).toBe(false);
    expect(policy([ent('role=admin')], OTHER_TENANT).prj(['admin'], 'P1')).toBe(true);
  });

  it('an empty role list passes only through bypass', () => {
    expect(policy([ent('role=admin')]).prj([], 'P1')).toBe(true);
    expect(policy([ent('role=admin')], OTHER_TENANT).prj([], 'P1')).toBe(false);
    expect(policy([ent('role=viewer')]).ins([], 'P1', 'grnet', 'I1')).toBe(false);
  });

  it('hierarchies colliding with the reserved shapes grant nothing', () => {
    // Literally, ['roles'] would prefix ['roles','provider',prov] and so cover every provider.
    const roles = policy([ent('roles:role=viewer'), ent('roles:provider:role=viewer'), ent('operations:role=admin')]);
    for (const c of checks) expect([c.id, c.run(roles)]).toEqual([c.id, false]);
    expect(roles.prv(['viewer'], 'P1', 'anyprov')).toBe(false);
    expect(roles.ins(['viewer'], 'P1', 'anyprov', 'I9')).toBe(false);
    expect(roles.prj(['viewer'], 'roles')).toBe(false);
  });

  it('the reserved shapes do not reach projects named like them', () => {
    // Literally, operations:resources is also the project-provider pair (operations, resources).
    const ops = policy([ent('operations:resources:role=admin')]);
    expect(ops.res(['admin'])).toBe(true);
    expect(ops.prv(['admin'], 'operations', 'resources')).toBe(false);
    expect(ops.ins(['admin'], 'operations', 'resources', 'I1')).toBe(false);
    // ... and roles:provider:X the installation X of provider "provider" in project "roles".
    const rep = policy([ent('roles:provider:grnet:role=admin')]);
    expect(rep.ins(['admin'], 'roles', 'provider', 'grnet')).toBe(false);
    expect(rep.ins(['admin'], 'roles', 'grnet', 'I1')).toBe(true);
    // A system admin on another tenant keeps the spec's "any entitlement of that role" branch.
    const tenantAdmin = policy([ent('role=admin'), ent('operations:resources:role=viewer')], OTHER_TENANT);
    expect(tenantAdmin.prj(['viewer'], 'P1')).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Visibility
// ---------------------------------------------------------------------------------------------

const sortVis = (v: Visibility) =>
  v.all
    ? v
    : {
        all: false,
        projects: [...v.projects].sort(),
        projectProviders: [...v.projectProviders].map((x) => x.join('/')).sort(),
        installations: [...v.installations].map((x) => x.join('/')).sort(),
        providers: [...v.providers].sort(),
      };
const none = { all: false, projects: [], projectProviders: [], installations: [], providers: [] };

describe('visibility', () => {
  const cases: { name: string; raw: string[]; opts?: typeof DEFAULT; want: ReturnType<typeof sortVis> }[] = [
    { name: 'none', raw: [], want: none },
    { name: 'system admin', raw: [ent('role=admin')], want: { all: true } },
    { name: 'system admin on another tenant', raw: [ent('role=admin')], opts: OTHER_TENANT, want: { all: true } },
    { name: 'system viewer', raw: [ent('role=viewer')], want: { all: true } },
    { name: 'system viewer on another tenant', raw: [ent('role=viewer')], opts: OTHER_TENANT, want: { all: true } },
    { name: 'resources admin', raw: [ent('operations:resources:role=admin')], want: none },
    { name: 'project admin', raw: [ent('P1:role=admin')], want: { ...none, projects: ['P1'] } },
    { name: 'project viewer', raw: [ent('P1:role=viewer')], want: { ...none, projects: ['P1'] } },
    { name: 'project-provider', raw: [ent('P1:grnet:role=viewer')], want: { ...none, projectProviders: ['P1/grnet'] } },
    { name: 'installation', raw: [ent('P1:grnet:I1:role=admin')], want: { ...none, installations: ['P1/grnet/I1'] } },
    {
      name: 'provider representative',
      raw: [ent('roles:provider:grnet:role=viewer')],
      want: { ...none, providers: ['grnet'] },
    },
    { name: 'unrelated group admin', raw: [ent('role=admin', 'other')], want: none },
    { name: 'unrelated group project viewer', raw: [ent('P1:role=viewer', 'other')], want: none },
    { name: 'non-standard role', raw: [ent('role=owner'), ent('P1:role=Viewer')], want: none },
    { name: 'four-level hierarchy', raw: [ent('P1:grnet:I1:x:role=viewer')], want: none },
    // These three used to parse: the first two then covered every provider, the last named project "roles".
    { name: "['roles'] is not accepted", raw: [ent('roles:role=viewer')], want: none },
    { name: "['roles','provider'] is not accepted", raw: [ent('roles:provider:role=admin')], want: none },
    { name: "['roles', X] is not accepted", raw: [ent('roles:grnet:role=admin')], want: none },
    {
      name: 'mixed and deduplicated',
      raw: [
        ent('P1:role=admin'),
        ent('P1:role=viewer'),
        ent('P2:grnet:role=admin'),
        ent('P2:grnet:role=viewer'),
        ent('P3:egi:I7:role=viewer'),
        ent('roles:provider:egi:role=admin'),
        ent('roles:provider:egi:role=viewer'),
      ],
      want: {
        all: false,
        projects: ['P1'],
        projectProviders: ['P2/grnet'],
        installations: ['P3/egi/I7'],
        providers: ['egi'],
      },
    },
  ];

  it.each(cases)('$name', ({ raw, opts, want }) => {
    expect(sortVis(policy(raw, opts ?? DEFAULT).visibility())).toEqual(want);
  });

  it('visibilityAdmits evaluates the structure', () => {
    const v: Visibility = {
      all: false,
      projects: ['P1'],
      projectProviders: [['P2', 'grnet']],
      installations: [['P3', 'egi', 'I7']],
      providers: ['eudat'],
    };
    expect(AccessPolicy.visibilityAdmits(v, 'P1', 'x', 'y')).toBe(true);
    expect(AccessPolicy.visibilityAdmits(v, 'P10', 'x', 'y')).toBe(false);
    expect(AccessPolicy.visibilityAdmits(v, 'P2', 'grnet', 'y')).toBe(true);
    expect(AccessPolicy.visibilityAdmits(v, 'P2', 'egi', 'y')).toBe(false);
    expect(AccessPolicy.visibilityAdmits(v, 'P3', 'egi', 'I7')).toBe(true);
    expect(AccessPolicy.visibilityAdmits(v, 'P3', 'egi', 'I8')).toBe(false);
    expect(AccessPolicy.visibilityAdmits(v, 'P9', 'eudat', 'I1')).toBe(true);
    expect(AccessPolicy.visibilityAdmits({ all: true }, 'a', 'b', 'c')).toBe(true);
  });
});

describe('visibility agrees with ins([admin, viewer]) (property)', () => {
  // Names chosen to collide with the special hierarchies so the odd corners are exercised.
  const projectIds = ['P1', 'P10', 'P2', 'roles', 'operations'];
  const providerIds = ['grnet', 'egi', 'provider', 'resources'];
  const installationIds = ['I1', 'I2', 'grnet'];
  const universe: [string, string, string][] = projectIds.flatMap((p) =>
    providerIds.flatMap((pr) => installationIds.map((i) => [p, pr, i] as [string, string, string])),
  );

  const hierarchies: string[][] = [
    [],
    ['P1'],
    ['P10'],
    ['roles'],
    ['operations'],
    ['P1', 'grnet'],
    ['P1', 'egi'],
    ['P2', 'provider'],
    ['roles', 'provider'],
    ['roles', 'grnet'],
    ['operations', 'resources'],
    ['P1', 'grnet', 'I1'],
    ['P2', 'egi', 'I2'],
    ['roles', 'provider', 'grnet'],
    ['roles', 'provider', 'egi'],
    ['roles', 'provider', 'provider'],
    ['roles', 'provider', 'grnet', 'I1'],
    ['P1', 'grnet', 'I1', 'x'],
  ];
  const roles = ['admin', 'viewer', 'Admin', 'owner'];
  const groups = [PARENT, 'other'];
  const atoms: ParsedEntitlement[] = hierarchies.flatMap((h) => roles.flatMap((r) => groups.map((g) => e(h, r, g))));

  function mismatches(ents: ParsedEntitlement[]): string[] {
    const out: string[] = [];
    for (const opts of [DEFAULT, OTHER_TENANT]) {
      const p = new AccessPolicy(ents, opts);
      const v = p.visibility();
      for (const [pj, pr, i] of universe) {
        const expected = p.ins(['admin', 'viewer'], pj, pr, i);
        if (AccessPolicy.visibilityAdmits(v, pj, pr, i) !== expected) {
          out.push(`${JSON.stringify(ents)} ${opts.defaultTenant ? 'default' : 'other'} ${pj}/${pr}/${i} expected ${expected}`);
        }
      }
    }
    return out;
  }

  it('holds for the empty set and every single entitlement', () => {
    const bad = [...mismatches([]), ...atoms.flatMap((a) => mismatches([a]))];
    expect(bad).toEqual([]);
  });

  it('holds for every pair of entitlements', () => {
    const bad: string[] = [];
    for (let x = 0; x < atoms.length; x++) {
      for (let y = x + 1; y < atoms.length; y++) bad.push(...mismatches([atoms[x], atoms[y]]));
      if (bad.length > 20) break;
    }
    expect(bad.slice(0, 20)).toEqual([]);
  });

  it('holds for random larger sets (seeded)', () => {
    let seed = 0x9e3779b9;
    const rnd = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    const bad: string[] = [];
    for (let n = 0; n < 1500 && bad.length === 0; n++) {
      const size = 3 + Math.floor(rnd() * 6);
      const ents = Array.from({ length: size }, () => atoms[Math.floor(rnd() * atoms.length)]);
      bad.push(...mismatches(ents));
    }
    expect(bad.slice(0, 20)).toEqual([]);
  });

  it('the generated grid actually covers both outcomes', () => {
    let visible = 0;
    let hidden = 0;
    for (const a of atoms) {
      const p = new AccessPolicy([a], OTHER_TENANT);
      for (const [pj, pr, i] of universe) {
        if (p.ins(BOTH, pj, pr, i)) visible++;
        else hidden++;
      }
    }
    expect(visible).toBeGreaterThan(100);
    expect(hidden).toBeGreaterThan(100);
  });
});

// ---------------------------------------------------------------------------------------------
// /clients/me grants
// ---------------------------------------------------------------------------------------------

describe('grants', () => {
  const cases: { name: string; raw: string[]; want: ReturnType<AccessPolicy['grants']> }[] = [
    { name: 'none', raw: [], want: [] },
    { name: 'system admin contributes nothing', raw: [ent('role=admin')], want: [] },
    { name: 'system viewer contributes nothing', raw: [ent('role=viewer')], want: [] },
    { name: 'operations:resources contributes nothing', raw: [ent('operations:resources:role=admin')], want: [] },
    { name: 'provider representative contributes nothing', raw: [ent('roles:provider:grnet:role=admin')], want: [] },
    { name: 'four-level hierarchy contributes nothing', raw: [ent('P1:grnet:I1:x:role=admin')], want: [] },
    { name: 'other group contributes nothing', raw: [ent('P1:role=admin', 'other')], want: [] },
    { name: 'project', raw: [ent('P1:role=admin')], want: [{ projectId: 'P1', role: 'admin' }] },
    {
      name: 'project-provider',
      raw: [ent('P1:grnet:role=viewer')],
      want: [{ projectId: 'P1', providerId: 'grnet', role: 'viewer' }],
    },
    {
      name: 'installation',
      raw: [ent('P1:grnet:I1:role=admin')],
      want: [{ projectId: 'P1', providerId: 'grnet', installationId: 'I1', role: 'admin' }],
    },
    // Unknown roles and the reserved first segments never get past the parser.
    { name: 'non-standard role contributes nothing', raw: [ent('P1:role=owner')], want: [] },
    { name: "['roles'] is no project id", raw: [ent('roles:role=viewer')], want: [] },
    { name: "['operations', X] is no project-provider pair", raw: [ent('operations:grnet:role=viewer')], want: [] },
    {
      name: 'deduplicated, order kept, roles distinct',
      raw: [
        ent('P2:role=viewer'),
        ent('P1:grnet:role=admin'),
        ent('P2:role=viewer'),
        ent('P2:role=admin'),
        ent('P1:grnet:role=admin'),
        ent('role=admin'),
      ],
      want: [
        { projectId: 'P2', role: 'viewer' },
        { projectId: 'P1', providerId: 'grnet', role: 'admin' },
        { projectId: 'P2', role: 'admin' },
      ],
    },
  ];

  it.each(cases)('$name', ({ raw, want }) => {
    expect(policy(raw).grants()).toEqual(want);
    expect(policy(raw, OTHER_TENANT).grants()).toEqual(want);
  });

  it('omits providerId/installationId keys when absent', () => {
    const [g] = policy([ent('P1:role=admin')]).grants();
    expect(Object.keys(g).sort()).toEqual(['projectId', 'role']);
  });
});
