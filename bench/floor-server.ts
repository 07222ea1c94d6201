/**
 * The floor for single metric pushes: a bare `node:http` server, no framework, no authentication, no
 * validation beyond JSON parsing, doing the same INSERT into the same `metrics` table as the acc server
 * (all columns, the installation's denormalised fields included) and answering 201 with the §4.7
 * response shape. It runs as its own process, like the acc server, so both pay the same process costs.
 *
 * Configuration (environment):
 *   FLOOR_DATABASE_URL  PostgreSQL through `pg` (pool of FLOOR_POOL_SIZE, default 10 = the acc default), or
 *   FLOOR_PGLITE_DIR    a PGlite data folder (one session, as the acc server has it)
 *   FLOOR_OWNER         JSON of the installation's fields: installationId, projectId, providerId,
 *                       projectAcronym, installationName, infrastructure, resource, resourceId, creatorId
 * Prints one JSON line `{"url","pid"}` once listening on 127.0.0.1 (random port).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';

interface Owner {
  installationId: string;
  projectId: string;
  providerId: string;
  projectAcronym: string;
  installationName: string;
  infrastructure: string | null;
  resource: string | null;
  resourceId: string;
  creatorId: string;
}

type Query = (sql: string, params: unknown[]) => Promise<unknown>;

const owner = JSON.parse(process.env.FLOOR_OWNER ?? 'null') as Owner | null;
if (!owner) throw new Error('FLOOR_OWNER is required');

let query: Query;
let close: () => Promise<void>;
if (process.env.FLOOR_DATABASE_URL) {
  const pool = new pg.Pool({ connectionString: process.env.FLOOR_DATABASE_URL, max: Number(process.env.FLOOR_POOL_SIZE ?? 10) });
  query = (sql, params) => pool.query(sql, params);
  close = () => pool.end();
} else if (process.env.FLOOR_PGLITE_DIR) {
  const db = await PGlite.create({ dataDir: process.env.FLOOR_PGLITE_DIR });
  query = (sql, params) => db.query(sql, params);
  close = () => db.close();
} else {
  throw new Error('set FLOOR_DATABASE_URL or FLOOR_PGLITE_DIR');
}

const INSERT = `INSERT INTO metrics (installation_id, id, metric_definition_id, time_period_start, time_period_end, value, group_id, user_id,
                                     creator_id, project_id, provider_id, project_acronym, installation_name, infrastructure, resource, resource_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`;
const PATH = /^\/accounting-system\/installations\/([^/]+)\/metrics$/;

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

const server = http.createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/health') return send(res, 200, { status: 'UP' });
  const match = req.method === 'POST' ? PATH.exec(path) : null;
  if (!match) return send(res, 404, { code: 404, message: 'Not found' });
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return send(res, 400, { code: 400, message: 'malformed JSON' });
    }
    const id = randomBytes(12).toString('hex');
    const o = owner;
    query(INSERT, [
      o.installationId,
      id,
      m.metric_definition_id,
      m.time_period_start,
      m.time_period_end,
      m.value ?? 0,
      m.group_id ?? null,
      m.user_id ?? null,
      o.creatorId,
      o.projectId,
      o.providerId,
      o.projectAcronym,
      o.installationName,
      o.infrastructure,
      o.resource,
      o.resourceId,
    ]).then(
      () =>
        send(
          res,
          201,
          {
            metric_id: id,
            metric_definition_id: m.metric_definition_id,
            time_period_start: m.time_period_start,
            time_period_end: m.time_period_end,
            value: m.value ?? 0,
          },
          { Location: `http://127.0.0.1${path}/${id}` },
        ),
      (err: Error) => send(res, 500, { code: 500, message: err.message }),
    );
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, pid: process.pid })}\n`);
});

const stop = () => {
  server.close();
  server.closeAllConnections();
  close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
