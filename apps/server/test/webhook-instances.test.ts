import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { openDatabase } from '@acc/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminUrl } from './support/database.js';
import { eventually, startReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

const repoRoot = new URL('../../../', import.meta.url).pathname;
const SECRET = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
const RULE = 'ffffffffffffffffffff2001';

/**
 * alerts.md §2 with several instances: two real server processes (the entry point, as operators run it)
 * on one PostgreSQL database deliver each event once, and when one dies holding a delivery, the other
 * sends it after the lease.
 */
describe('webhook delivery from two instances on one PostgreSQL', () => {
  const name = `acc_test_${randomBytes(6).toString('hex')}`;
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  const children: ChildProcess[] = [];
  let db: pg.Client;

  /** A server process on the shared database; resolves once it listens. */
  const instance = (): Promise<ChildProcess> => {
    const child = spawn(process.execPath, ['--conditions=@acc/source', '--import', 'tsx', 'apps/server/src/main.ts'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ACC_PORT: '0',
        ACC_DATABASE_URL: url.toString(),
        // Never contacted: no request carries a token here.
        ACC_OIDC_ISSUER: 'http://127.0.0.1:9/issuer',
        ACC_OPENAIRE_URL: 'off',
        ACC_LOG_FORMAT: 'json',
        ACC_LOG_LEVEL: 'info',
        ACC_WEBHOOK_ALLOW_HTTP: 'true',
        ACC_WEBHOOK_ALLOW_PRIVATE: 'true',
        ACC_WEBHOOK_POLL_MS: '100',
        // The stalled attempt must outlast starting the second instance; the lease is then timeout + 1 s.
        ACC_WEBHOOK_TIMEOUT_MS: '15000',
        ACC_WEBHOOK_LEASE_MS: '2000',
        ACC_WEBHOOK_BACKOFF_MS: '100',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    return new Promise((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        output += `${line}\n`;
        if (/listening on/.test(line)) resolve(child);
      });
      child.once('exit', (code) => reject(new Error(`instance exited (${code}) before listening:\n${output}`)));
    });
  };
  const exited = (child: ChildProcess) =>
    new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

  /** Inserts `n` due events of the rule in one statement, as the outbox would have. */
  const events = async (n: number, prefix: string): Promise<string[]> => {
    const ids = Array.from({ length: n }, (_, i) => `msg_${prefix}_${String(i).padStart(4, '0')}`);
    await db.query(
      `INSERT INTO webhook_events (id, rule_id, type, body, status, attempts, next_attempt_at)
       SELECT id, $2, 'alert.test', '{"type":"alert.test"}', 'pending', 0, clock_timestamp() FROM unnest($1::text[]) AS id`,
      [ids, RULE],
    );
    return ids;
  };
  const statusOf = async (ids: string[]) => {
    const rows = await db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM webhook_events WHERE id = ANY($1) GROUP BY status',
      [ids],
    );
    return Object.fromEntries(rows.rows.map((r) => [r.status, r.n]));
  };
  const pointRuleAt = (receiver: WebhookReceiver) => db.query('UPDATE alert_rules SET webhook_url = $1 WHERE id = $2', [receiver.url, RULE]);

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    // Migrated once here, so the instances start on a ready schema and never migrate at the same time.
    await (await openDatabase({ url: url.toString() })).close();
    db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    await db.query(`INSERT INTO providers (id, name) VALUES ('p', 'p')`);
    await db.query(
      `INSERT INTO alert_rules (id, name, kind, provider_id, silence_minutes, webhook_url, webhook_secret, enabled)
       SELECT $1, 'two instances', 'silence', id, 60, 'http://127.0.0.1:9/none', $2, false FROM providers LIMIT 1`,
      [RULE, SECRET],
    );
    expect((await db.query('SELECT 1 FROM alert_rules WHERE id = $1', [RULE])).rowCount).toBe(1);
  }, 60_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await db?.end();
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('N events → N deliveries, none twice; a killed instance’s claim is delivered by the other after its lease', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    // A receiver a little slow to answer, so both instances have claims in flight at once.
    const steady = await startReceiver(() => 200);
    try {
      await pointRuleAt(steady);
      const ids = await events(120, 'n');
      await eventually('120 delivered', async () => ((await statusOf(ids)).delivered === 120 ? true : undefined), 60_000);
      const seen = steady.received.map((r) => r.headers['webhook-id']);
      expect(seen).toHaveLength(120);
      expect(new Set(seen).size).toBe(120);
      expect((await db.query('SELECT DISTINCT attempts FROM webhook_events WHERE id = ANY($1)', [ids])).rows).toEqual([{ attempts: 1 }]);
    } finally {
      await steady.close();
    }

    // One instance left, holding a delivery to a receiver that stalls on the first request.
    b.kill('SIGKILL');
    await exited(b);
    const stalling = await startReceiver((n) => (n === 0 ? 'hang' : 200));
    try {
      await pointRuleAt(stalling);
      const [held] = await events(1, 'k');
      await eventually('the stalled attempt', () => (stalling.of(held).length === 1 ? true : undefined), 30_000);
      const c = await instance();
      a.kill('SIGKILL');
      await exited(a);
      await eventually('delivery by the survivor', async () => ((await statusOf([held])).delivered === 1 ? true : undefined), 60_000);
      expect(stalling.of(held)).toHaveLength(2);
      expect((await db.query('SELECT attempts FROM webhook_events WHERE id = $1', [held])).rows).toEqual([{ attempts: 1 }]);
      c.kill('SIGTERM');
      await exited(c);
    } finally {
      await stalling.close();
    }
  }, 180_000);
});
