import type { Logger } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { Fixtures, stage, type InstallationFixture } from './support/fixtures.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const API = '/accounting-system';

/**
 * What a single push costs the database, statement by statement, with the authentication cache warm:
 * the definition, installation and project in one SELECT, then the INSERT, and a transaction only
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

  it('is one SELECT and one INSERT without an Idempotency-Key (by id and by external id)', async () => {
    // The first push fills the authentication cache (tenant by issuer, ENTITLEMENTS_MANAGEMENT).
    expect((await counted(`${API}/installations/${inst.id}/metrics`, metric(1))).status).toBe(201);

    expect(await counted(`${API}/installations/${inst.id}/metrics`, metric(2))).toEqual({ status: 201, seen: ['SELECT EXISTS', 'INSERT INTO'] });
    const external = `${API}/installations/external/metrics?externalId=${encodeURIComponent(inst.externalId ?? '')}`;
    expect(await counted(external, metric(3))).toEqual({ status: 201, seen: ['SELECT EXISTS', 'INSERT INTO'] });
  });

  it('refuses an unknown installation after the same one SELECT, storing nothing', async () => {
    const r = await counted(`${API}/installations/no-such-installation/metrics`, metric(4));
    expect(r).toEqual({ status: 404, seen: ['SELECT EXISTS'] });
  });

  it('wraps claim, INSERT and completion in one transaction with an Idempotency-Key', async () => {
    const r = await counted(`${API}/installations/${inst.id}/metrics`, metric(5), { 'Idempotency-Key': 'statements-1' });
    expect(r.status).toBe(201);
    expect(r.seen[0]).toBe('START TRANSACTION');
    expect(r.seen.at(-1)).toBe('COMMIT');
    expect(r.seen.filter((q) => q === 'INSERT INTO')).toHaveLength(2);
    expect(r.seen).toHaveLength(7);
  });
});
