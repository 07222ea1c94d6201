import type { EntityManager } from 'typeorm';

/** Where an owner's events go: read at every attempt, so a changed URL or secret applies to pending retries. */
export interface WebhookTarget {
  url: string;
  /** `whsec_…`: used to sign and nowhere else (never logged, never in an answer). */
  secret: string;
}

/**
 * Something that owns webhook events — an alert rule, a report schedule. Delivery, the deliveries log,
 * redeliver and test are the same for every owner; an owner only says which `webhook_events` column
 * names it (with an ON DELETE CASCADE foreign key, so its log goes with it) and where its events go.
 */
export interface WebhookOwner {
  /** A `webhook_events` column: a constant of the code, never input (it is written into SQL). */
  column: string;
  target(m: EntityManager, id: string): Promise<WebhookTarget | undefined>;
}

/** One owner instance: the rule or schedule with this id. */
export interface OwnerRef {
  owner: WebhookOwner;
  id: string;
}

const COLUMN = /^[a-z_]+$/;

/** The owner's column, checked to be a plain identifier before it meets SQL. */
export function columnOf(owner: Pick<WebhookOwner, 'column'>): string {
  if (!COLUMN.test(owner.column)) throw new Error(`not a column name: ${owner.column}`);
  return owner.column;
}
