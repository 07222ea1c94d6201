import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

const run = promisify(execFile);
const serverDir = new URL('..', import.meta.url).pathname;

describe('dev mode', () => {
  let app: RunningApp;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'acc-dev-'));
    app = await startApp(loadConfig({ ACC_PORT: '0', ACC_DATA_DIR: dataDir, ACC_ENTITLEMENTS_SOURCE: 'oidc', ACC_DEMO: 'false' }, { dev: true }), {
      log: () => {},
    });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints an admin token that reads the seeded unit types; no token gives 401', async () => {
    const url = `${app.url}/accounting-system/unit-types`;
    expect((await fetch(url)).status).toBe(401);
    const r = await fetch(url, { headers: { Authorization: `Bearer ${app.adminToken}` } });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { total_elements: number }).total_elements).toBe(11);
  });

  it('serves its JWKS and seeds the spec dev admin actor', async () => {
    const jwks = (await (await fetch(`${app.url}/dev/jwks.json`)).json()) as { keys: unknown[] };
    expect(jwks.keys).toHaveLength(1);
    const actors = await app.database.dataSource.query(`SELECT id, oidc_id, issuer FROM actors`);
    expect(actors).toEqual([{ id: '507f1f77bcf86cd799439011', oidc_id: 'admin_voperson_id', issuer: 'http://localhost:58080/realms/quarkus' }]);
  });

  it('mints role tokens from the persisted key with npm run dev:token', async () => {
    const viewer = 'urn:geant:sandbox.eosc-beyond.eu:core:integration:group:accounting:operations:resources:role=viewer';
    const { stdout } = await run(
      'npx',
      ['tsx', '--conditions=@acc/source', 'src/dev/mint-token.ts', '--sub', 'bob', '--entitlement', viewer, '--data-dir', dataDir, '--url', app.url],
      { cwd: serverDir },
    );
    const token = stdout.trim();
    const ok = await fetch(`${app.url}/accounting-system/metric-types`, { headers: { Authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    const denied = await fetch(`${app.url}/accounting-system/admin/version`, { headers: { Authorization: `Bearer ${token}` } });
    expect(denied.status).toBe(403);
  });
});
