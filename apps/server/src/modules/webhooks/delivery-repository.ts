import type { EntityManager } from 'typeorm';
import { columnOf, type OwnerRef, type WebhookOwner } from './owner.js';

/** An event one instance has claimed: it alone sends it until `leaseUntil`. */
export interface ClaimedEvent {
  id: string;
  type: string;
  body: string;
  /** Attempts before this one. */
  attempts: number;
  /**
   * The claim's fencing token: results are written only while the lease is still this one, so an
   * instance whose lease expired (and was taken over) cannot overwrite the newer claim's bookkeeping.
   */
  leaseUntil: Date;
  /** The owner column that is set, and its value. */
  owner?: { owner: WebhookOwner; id: string };
}

export interface DeliveryRow {
  id: string;
  type: string;
  createdAt: Date;
  attempts: number;
  status: string;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
}

interface RawDelivery {
  id: string;
  type: string;
  created_at: Date | string;
  attempts: number;
  status: string;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Date | string | null;
  delivered_at: Date | string | null;
}

const date = (v: Date | string | null) => (v === null ? null : new Date(v));
const secs = (ms: number) => ms / 1000;

/**
 * The SQL of webhook delivery. Times come from the database's clock (`clock_timestamp()`), so instances
 * with skewed clocks still agree on what is due and whose lease has expired. Leases are truncated to
 * milliseconds so they survive the round trip through a JavaScript Date as an exact fencing token.
 */
export class DeliveryRepository {
  constructor(
    private readonly m: EntityManager,
    private readonly owners: WebhookOwner[] = [],
  ) {}

  /**
   * Claims up to `limit` due events for `leaseMs`. `FOR UPDATE SKIP LOCKED` lets concurrent claimers (other
   * instances) pass over rows being claimed instead of waiting for them, and the re-check of the lease
   * after the row lock means a row claimed meanwhile is not claimed twice.
   */
  async claim(limit: number, leaseMs: number): Promise<ClaimedEvent[]> {
    const ownerColumns = this.owners.map((o) => `, ${columnOf(o)}`).join('');
    const rows: Record<string, unknown>[] = await this.m.query(
      `UPDATE webhook_events
          SET lease_until = date_trunc('milliseconds', clock_timestamp() + make_interval(secs => $2))
        WHERE id IN (
          SELECT id FROM webhook_events
           WHERE status = 'pending' AND next_attempt_at <= clock_timestamp()
             AND (lease_until IS NULL OR lease_until < clock_timestamp())
           ORDER BY next_attempt_at
           LIMIT $1
           FOR UPDATE SKIP LOCKED)
        RETURNING id, type, body, attempts, lease_until${ownerColumns}`,
      [limit, secs(leaseMs)],
    );
    return (Array.isArray(rows[0]) ? (rows[0] as Record<string, unknown>[]) : rows).map((r) => {
      const owner = this.owners.find((o) => r[o.column] !== null && r[o.column] !== undefined);
      return {
        id: String(r.id),
        type: String(r.type),
        body: String(r.body),
        attempts: Number(r.attempts),
        leaseUntil: new Date(r.lease_until as string | Date),
        owner: owner && { owner, id: String(r[owner.column]) },
      };
    });
  }

  async delivered(e: ClaimedEvent, statusCode: number): Promise<void> {
    await this.m.query(
      `UPDATE webhook_events
          SET status = 'delivered', attempts = attempts + 1, last_status_code = $3, last_error = NULL,
              delivered_at = clock_timestamp(), next_attempt_at = NULL, lease_until = NULL
        WHERE id = $1 AND lease_until = $2`,
      [e.id, e.leaseUntil, statusCode],
    );
  }

  /**
   * A failed attempt: the next one after `retryInMs`, unless that is past `retryForMs` from when the
   * event was queued, which makes it `failed`.
   */
  async attemptFailed(e: ClaimedEvent, outcome: { statusCode: number | null; error: string }, retryInMs: number, retryForMs: number): Promise<void> {
    await this.m.query(
      `UPDATE webhook_events
          SET attempts = attempts + 1, last_status_code = $3, last_error = $4, lease_until = NULL,
              status = CASE WHEN clock_timestamp() + make_interval(secs => $5) > queued_at + make_interval(secs => $6)
                            THEN 'failed' ELSE 'pending' END,
              next_attempt_at = CASE WHEN clock_timestamp() + make_interval(secs => $5) > queued_at + make_interval(secs => $6)
                                     THEN NULL ELSE clock_timestamp() + make_interval(secs => $5) END
        WHERE id = $1 AND lease_until = $2`,
      [e.id, e.leaseUntil, outcome.statusCode, outcome.error, secs(retryInMs), secs(retryForMs)],
    );
  }

  /** Gives a claim back without counting an attempt (the instance is stopping): any instance may take it now. */
  async release(e: ClaimedEvent): Promise<void> {
    await this.m.query(`UPDATE webhook_events SET lease_until = NULL WHERE id = $1 AND lease_until = $2`, [e.id, e.leaseUntil]);
  }

  /** A page of the owner's events, newest first, and how many there are. */
  async page(ref: OwnerRef, offset: number, limit: number): Promise<{ rows: DeliveryRow[]; total: number }> {
    const column = columnOf(ref.owner);
    const rows: RawDelivery[] = await this.m.query(
      `SELECT id, type, created_at, attempts, status, last_status_code, last_error, next_attempt_at, delivered_at
         FROM webhook_events WHERE ${column} = $1 ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT $3`,
      [ref.id, offset, limit],
    );
    const counted: { n: number }[] = await this.m.query(`SELECT count(*)::int AS n FROM webhook_events WHERE ${column} = $1`, [ref.id]);
    const n = counted[0]?.n ?? 0;
    return {
      total: Number(n),
      rows: rows.map((r) => ({
        id: r.id,
        type: r.type,
        createdAt: new Date(r.created_at),
        attempts: Number(r.attempts),
        status: r.status,
        lastStatusCode: r.last_status_code,
        lastError: r.last_error,
        nextAttemptAt: date(r.next_attempt_at),
        deliveredAt: date(r.delivered_at),
      })),
    };
  }

  /**
   * Queues one of the owner's events again, due now, with a fresh retry window and attempt count; false
   * when the owner has no such event. A claim in flight is voided: its result is no longer recorded.
   */
  async requeue(ref: OwnerRef, eventId: string): Promise<boolean> {
    const rows: unknown[] = await this.m.query(
      `UPDATE webhook_events
          SET status = 'pending', attempts = 0, next_attempt_at = clock_timestamp(), queued_at = clock_timestamp(),
              lease_until = NULL, delivered_at = NULL
        WHERE id = $1 AND ${columnOf(ref.owner)} = $2
        RETURNING id`,
      [eventId, ref.id],
    );
    return (Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows).length > 0;
  }
}
