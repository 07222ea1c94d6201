import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPglite, pgliteDriver } from '@acc/db';
import type { PGlite } from '@electric-sql/pglite';
import { AccessPolicy } from '../auth/entitlements.js';
import { admits, visibilitySql } from './visibility.js';

const NS = 'urn:test:group';
const policy = (...entitlements: string[]) =>
  AccessPolicy.fromStrings(
    entitlements.map((e) => `${NS}:accounting:${e}`),
    NS,
    { parent: 'accounting', defaultTenant: true },
  );

const projects = ['P', 'Q', 'roles', 'operations'];
const providers = ['a', 'b', 'provider', 'resources'];
const installations = ['i1', 'i2', 'a'];
const grid = projects.flatMap((p) => providers.flatMap((v) => installations.map((i) => [p, v, `${p}-${v}-${i}`] as const)));

/** Entitlement sets covering every visibility clause, the odd hierarchies and roles that grant nothing. */
const cases: string[][] = [
  [],
  ['role=admin'],
  ['role=viewer'],
  ['role=member'],
  ['P:role=viewer'],
  ['P:a:role=admin'],
  ['P:a:P-a-i1:role=viewer', 'Q:b:Q-b-i2:role=admin'],
  ['roles:provider:b:role=viewer'],
  ['roles:role=viewer'],
  ['roles:provider:role=admin'],
  ['operations:resources:role=admin'],
  ['P:a:P-a-i1:extra:role=admin'],
  ['P:role=member', 'Q:a:role=viewer', 'roles:provider:resources:role=admin'],
];

describe('visibilitySql', () => {
  let db: PGlite;
  let pool: { query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>; release(): void };
  beforeAll(async () => {
    db = await createPglite();
    // One leased session: pg's parameter encoding (arrays included), as the server's driver uses it.
    pool = await new (pgliteDriver(db).Pool)().connect();
    await pool.query('CREATE TABLE t (project_id text, provider_id text, id text)');
    for (const [p, v, i] of grid) await pool.query('INSERT INTO t VALUES ($1, $2, $3)', [p, v, i]);
  });
  afterAll(async () => {
    pool.release();
    await db.close();
  });

  const admitted = async (where: { sql: string; params: unknown[] }) =>
    ((await pool.query(`SELECT t.id FROM t WHERE ${where.sql} ORDER BY t.id`, where.params)).rows as { id: string }[]).map((r) => r.id);

  it.each(cases.map((c) => [c.join(' + ') || '(none)', c]))('agrees with INS[admin,viewer] for %s', async (_, entitlements) => {
    const p = policy(...entitlements);
    const sql = visibilitySql(p.visibility(), { project: 't.project_id', provider: 't.provider_id', installation: 't.id' });
    const expected = grid
      .filter(([pr, v, i]) => p.ins(['admin', 'viewer'], pr, v, i))
      .map(([, , i]) => i)
      .sort();
    expect(await admitted(sql)).toEqual(expected);
  });

  it.each(cases.map((c) => [c.join(' + ') || '(none)', c]))('agrees with PRV[admin,viewer] at provider level for %s', async (_, entitlements) => {
    const p = policy(...entitlements);
    const v = p.visibility();
    const sql = visibilitySql(v, { project: 't.project_id', provider: 't.provider_id' });
    const expected = grid
      .filter(([pr, pv]) => p.prv(['admin', 'viewer'], pr, pv))
      .map(([, , i]) => i)
      .sort();
    expect(await admitted(sql)).toEqual(expected);
    for (const [pr, pv] of grid) expect(admits(v, { project: pr, provider: pv })).toBe(p.prv(['admin', 'viewer'], pr, pv));
  });

  it('numbers its parameters from firstParam and sends values only as parameters', () => {
    const v = policy('P:role=viewer', "Q';DROP:a:role=admin").visibility();
    const sql = visibilitySql(v, { project: 'x.p', provider: 'x.v', installation: 'x.i' }, 4);
    expect(sql.sql).toContain('$4::text[]');
    expect(sql.sql).toContain('$6::text[]');
    expect(sql.sql).not.toContain('DROP');
    expect(sql.params).toEqual([['P'], ["Q';DROP"], ['a']]);
  });

  it('is TRUE for everything and FALSE for nothing', () => {
    expect(visibilitySql(policy('role=admin').visibility(), { project: 'p' })).toEqual({ sql: 'TRUE', params: [] });
    expect(visibilitySql(policy().visibility(), { project: 'p', provider: 'v', installation: 'i' })).toEqual({ sql: 'FALSE', params: [] });
  });
});
