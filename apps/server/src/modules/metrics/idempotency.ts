import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { DataSource, EntityManager } from 'typeorm';
import { metricMessages } from '@acc/contracts';
import { badRequest, conflict } from '../../errors.js';

/** Who may replay a response: keys are scoped to (caller id, method + path, key) (§7.2). */
export interface IdempotencyScope {
  callerId: string;
  route: string;
  key: string;
}

export interface StoredResponse {
  status: number;
  location: string | null;
  body: unknown;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]{1,255}$/;

/** The `Idempotency-Key` header, if sent; 400 when it is not 1–255 printable ASCII characters. */
export function idempotencyKeyOf(headers: IncomingHttpHeaders): string | undefined {
  const raw = headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw.join(', ') : raw;
  if (!PRINTABLE_ASCII.test(key)) throw badRequest(metricMessages.idempotencyKeyInvalid);
  return key;
}

/** JSON with object keys sorted at every level, so equal bodies hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export const requestHash = (body: unknown): string => createHash('sha256').update(canonicalJson(body)).digest('hex');

/** How long a completed key replays (§7.2). */
const RETENTION = "interval '24 hours'";

/**
 * The `idempotency_keys` table, used inside the push transaction. Claiming inserts the key with
 * ON CONFLICT DO NOTHING: a concurrent claimant blocks on the unique index until the first transaction
 * ends, then either finds the committed response (replay) or, if the first rolled back, claims it itself.
 */
export class IdempotencyRepository {
  constructor(private readonly m: EntityManager) {}

  /** Claims the key, or returns the stored response of an earlier identical request; 409 for a different one. */
  async claim(scope: IdempotencyScope, hash: string): Promise<StoredResponse | undefined> {
    const key = [scope.callerId, scope.route, scope.key];
    await this.m.query(
      `DELETE FROM idempotency_keys WHERE caller_id = $1 AND route = $2 AND key = $3 AND created_at < clock_timestamp() - ${RETENTION}`,
      key,
    );
    const claimed: unknown[] = await this.m.query(
      `INSERT INTO idempotency_keys (caller_id, route, key, request_hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING key`,
      [...key, hash],
    );
    if (claimed.length > 0) return undefined;
    const rows: { request_hash: string; status: number | null; location: string | null; body: unknown }[] = await this.m.query(
      `SELECT request_hash, status, location, body FROM idempotency_keys WHERE caller_id = $1 AND route = $2 AND key = $3`,
      key,
    );
    const row = rows[0];
    if (!row || row.request_hash !== hash || row.status === null) throw conflict(metricMessages.idempotencyKeyReused);
    const body = typeof row.body === 'string' ? (JSON.parse(row.body) as unknown) : row.body;
    return { status: row.status, location: row.location, body };
  }

  /** Records the successful response; the 24 hours run from here. */
  async complete(scope: IdempotencyScope, response: StoredResponse): Promise<void> {
    await this.m.query(
      `UPDATE idempotency_keys SET status = $4, location = $5, body = $6::jsonb, created_at = clock_timestamp()
        WHERE caller_id = $1 AND route = $2 AND key = $3`,
      [scope.callerId, scope.route, scope.key, response.status, response.location, JSON.stringify(response.body)],
    );
  }
}

/**
 * Deletes keys whose 24 hours are over, a batch per statement so no run holds many row locks or a long
 * statement; stops when a batch comes back short or the server is stopping. Returns how many went.
 */
export async function expireIdempotencyKeys(db: DataSource, signal?: AbortSignal, batch = 5_000): Promise<number> {
  let total = 0;
  while (!signal?.aborted) {
    const result: unknown = await db.query(
      `DELETE FROM idempotency_keys WHERE (caller_id, route, key) IN (
         SELECT caller_id, route, key FROM idempotency_keys WHERE created_at < clock_timestamp() - ${RETENTION} LIMIT $1)`,
      [batch],
    );
    // TypeORM answers a DELETE with [rows, affected count].
    const deleted = Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
    total += deleted;
    if (deleted < batch) break;
  }
  return total;
}

/**
 * Runs `store` at most once per idempotency scope, inside the caller's transaction `m`: an identical
 * earlier request's body is returned instead (`replayed`). Without a scope it just stores. `request`
 * gives what was sent, for the hash; it is called only with a scope, because a bulk push's copy of its
 * 10,000 elements is wasted work and memory without an `Idempotency-Key`.
 */
export async function storeOnce<T>(
  m: EntityManager,
  scope: IdempotencyScope | undefined,
  request: () => unknown,
  store: () => Promise<{ status: number; body: T; location: string | null }>,
): Promise<{ body: T; replayed: boolean }> {
  if (!scope) return { body: (await store()).body, replayed: false };
  const repo = new IdempotencyRepository(m);
  const stored = await repo.claim(scope, requestHash(request()));
  if (stored) return { body: stored.body as T, replayed: true };
  const fresh = await store();
  await repo.complete(scope, fresh);
  return { body: fresh.body, replayed: false };
}
