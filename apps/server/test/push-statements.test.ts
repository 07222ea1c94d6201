import type { Logger } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { Fixtures, stage, type InstallationFixture } from './support/fixtures.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const API = '/accounting-system';

/**
 * What a single push costs the database, statement by statement, with the authentication cache warm:
 * one INSERT once the push-target cache remembers the installation and definition (the INSERT re-checks
 * them), else the definition, installation and project in one SELECT and the INSERT; a transaction only
 * around an Idempotency-Key (issue #13: it was 9 statements, three of them authentication).
 */
describe.each(backends)('statements of a single push (%s)', (backend) => {
  let s: TestServer;
  let admin: string;
  let inst: InstallationFixture;
  let def: string;
  let statements: string[] | undefined;

  beforeAll(async () => {
    s = await startTestServer(backend, { ACC_AUTH_CACHE_TTL_MS: '600000' });
    admin = await s.issuer.token({ sub: 'alice', entitlements: [ent('role=admin')] });
    ({ inst, def } = await stage(Fixtures.of(s)));
    // The server's own periodic work (alert evaluation polls every second) would land in the counts.
    await s.app.background.stop();
    // Every statement TypeORM runs, on either driver, passes through the DataSource's logger.
    const logger: Logger = s.app.database.dataSource.logger;
    const logQuery = logger.logQuery.bind(logger);
    logger.logQuery = (query, parameters, runner) => {
      statements?.push(query.trim().split(/\s+/).slice(0, 2).join(' '));
      return logQuery(query, parameters, runner);
    };
  });
  afterAll(() => s?.close());

  const metric = (value: number) => ({
    metric_definition_id: def,
    time_period_start: '2024-01-01T00:00:00Z',
    time_period_end: '2024-01-02T00:00:00Z',
    value,
  });
  const counted = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    statements = [];
    const r = await s.call('POST', path, { token: admin, body, headers });
    const seen = statements;
    statements = undefined;
    return { status: r.status, seen };
  };

  it('is one INSERT once the target is remembered, one SELECT and one INSERT before (by id and by external id)', async () => {
    // The first push fills the authentication cache (tenant by issuer, ENTITLEMENTS_MANAGEMENT) and the target cache.
    expect((await counted(`${API}/installations/${inst.id}/metrics`, metric(1))).status).toBe(201);
    expect(await counted(`${API}/installations/${inst.id}/metrics`, metric(2))).toEqual({ status: 201, seen: ['INSERT INTO'] });

    const external = `${API}/installations/external/metrics?externalId=${encodeURIComponent(inst.externalId ?? '')}`;
    expect(await counted(external, metric(3))).toEqual({ status: 201, seen: ['SELECT EXISTS', 'INSERT INTO'] });
    expect(await counted(external, metric(4))).toEqual({ status: 201, seen: ['INSERT INTO'] });
  });

  it('refuses an unknown installation after the same one SELECT, storing nothing', async () => {
    const r = await counted(`${API}/installations/no-such-installation/metrics`, metric(4));
    expect(r).toEqual({ status: 404, seen: ['SELECT EXISTS'] });
  });

  it('never acts on a remembered target that changed behind its back: the INSERT stores nothing and fresh rows answer', async () => {
    const f = Fixtures.of(s);
    const db = s.app.database.dataSource;
    const other = await f.installation(inst.projectId, inst.providerId);
    const def2 = await f.definition();
    const push = (i: InstallationFixture, d: string, token = admin) =>
      s.call('POST', `${API}/installations/${i.id}/metrics`, { token, body: { ...metric(7), metric_definition_id: d } });
    expect((await push(other, def2)).status).toBe(201);
    expect((await counted(`${API}/installations/${other.id}/metrics`, { ...metric(8), metric_definition_id: def2 })).seen).toEqual(['INSERT INTO']);

    // Moved to another provider (as another server instance, or SQL, could do): its old provider's admin is refused now.
    await f.provider('prov-moved');
    await f.associate(inst.projectId, 'prov-moved');
    const provAdmin = await s.issuer.token({ sub: 'pa', entitlements: [ent(`${inst.projectId}:${inst.providerId}:role=admin`)] });
    expect((await push(other, def2, provAdmin)).status).toBe(201);
    await db.query('DELETE FROM metrics WHERE installation_id = $1', [other.id]);
    await db.query('UPDATE installations SET provider_id = $2 WHERE id = $1', [other.id, 'prov-moved']);
    const before = await f.count('metrics');
    expect((await push(other, def2, provAdmin)).status).toBe(403);
    expect(await f.count('metrics')).toBe(before);
    // …and a push the new scope admits copies the new provider.
    expect((await push(other, def2)).status).toBe(201);
    const [row] = await db.query<{ provider_id: string; resource_id: string }[]>(
      'SELECT provider_id, resource_id FROM metrics WHERE installation_id = $1',
      [other.id],
    );
    expect(row).toEqual({ provider_id: 'prov-moved', resource_id: `${inst.projectId}.prov-moved.${other.id}` });

    // A deleted definition: the foreign key stops the INSERT, and the fresh SELECT answers rule 2's 404.
    await db.query('DELETE FROM metrics WHERE metric_definition_id = $1', [def2]);
    await db.query('DELETE FROM metric_definitions WHERE id = $1', [def2]);
    const gone = await counted(`${API}/installations/${other.id}/metrics`, { ...metric(9), metric_definition_id: def2 });
    expect(gone).toEqual({ status: 404, seen: ['INSERT INTO', 'SELECT EXISTS'] });

    // A deleted installation: the INSERT finds no row, the fresh SELECT answers 404.
    expect((await push(other, def)).status).toBe(201);
    await db.query('DELETE FROM metrics WHERE installation_id = $1', [other.id]);
    await db.query('DELETE FROM installations WHERE id = $1', [other.id]);
    const deleted = await counted(`${API}/installations/${other.id}/metrics`, metric(10));
    expect(deleted).toEqual({ status: 404, seen: ['INSERT INTO', 'SELECT EXISTS'] });
    expect(await f.count('metrics')).toBe(before + 1 - 1);
  });

  it('wraps claim, INSERT and completion in one transaction with an Idempotency-Key, remembered target or not', async () => {
    const r = await counted(`${API}/installations/${inst.id}/metrics`, metric(5), { 'Idempotency-Key': 'statements-1' });
    expect(r.status).toBe(201);
    expect(r.seen[0]).toBe('START TRANSACTION');
    expect(r.seen.at(-1)).toBe('COMMIT');
    expect(r.seen.filter((q) => q === 'INSERT INTO')).toHaveLength(2);
    expect(r.seen).toHaveLength(7);
  });
});
