import type { DataSource } from 'typeorm';
import type { WebhookDeliveryConfig } from '../../config.js';
import type { WebhookPolicy } from '../alerts/webhook-target.js';
import { DeliveryRepository, type ClaimedEvent } from './delivery-repository.js';
import type { WebhookOwner } from './owner.js';
import { sendWebhook, type AttemptOutcome } from './sender.js';

/** The wait after the `attempts`-th failed attempt (1-based): the schedule's entry, its last one repeating. */
export const retryDelayMs = (attempts: number, backoffMs: readonly number[]): number =>
  backoffMs[Math.min(Math.max(attempts, 1), backoffMs.length) - 1] ?? 0;

export interface DispatcherOptions {
  db: DataSource;
  owners: WebhookOwner[];
  policy: WebhookPolicy;
  delivery: WebhookDeliveryConfig;
  userAgent: string;
  /** How many attempts one instance keeps in flight at once. */
  concurrency?: number;
  onError: (err: unknown) => void;
}

/**
 * Sends due webhook events. Every instance runs one: `tick` claims what it has room for (a lease per
 * event, see DeliveryRepository.claim) and starts the attempts without waiting for them, so a receiver
 * that never answers holds one slot for the timeout, not the whole dispatcher; a finished attempt ticks
 * again. `settle` (on shutdown) waits for the attempts in flight, which the abort has cut short and whose
 * claims it gives back.
 */
export class Dispatcher {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly concurrency: number;
  private readonly abort = new AbortController();
  private ticking?: Promise<void>;

  constructor(private readonly o: DispatcherOptions) {
    this.concurrency = o.concurrency ?? 16;
  }

  /** Claims and starts as many due events as there is room for; returns once they are started. */
  tick(): Promise<void> {
    this.ticking ??= this.claimAndStart().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  async settle(): Promise<void> {
    this.abort.abort();
    await this.ticking?.catch(() => {});
    await Promise.all([...this.inFlight]);
  }

  private async claimAndStart(): Promise<void> {
    const room = this.concurrency - this.inFlight.size;
    if (room <= 0 || this.abort.signal.aborted) return;
    const claimed = await new DeliveryRepository(this.o.db.manager, this.o.owners).claim(room, this.o.delivery.leaseMs);
    for (const event of claimed) {
      const attempt = this.attempt(event)
        .catch((err: unknown) => this.o.onError(err))
        .finally(() => {
          this.inFlight.delete(attempt);
          // A freed slot may let more due events go out now rather than at the next poll.
          if (claimed.length === room && !this.abort.signal.aborted) void this.tick().catch((err: unknown) => this.o.onError(err));
        });
      this.inFlight.add(attempt);
    }
  }

  private async attempt(event: ClaimedEvent): Promise<void> {
    const repo = new DeliveryRepository(this.o.db.manager);
    const target = event.owner && (await event.owner.owner.target(this.o.db.manager, event.owner.id));
    const outcome: AttemptOutcome = target
      ? await sendWebhook(target, event.id, event.body, {
          policy: this.o.policy,
          timeoutMs: this.o.delivery.timeoutMs,
          signal: this.abort.signal,
          userAgent: this.o.userAgent,
        })
      : { statusCode: null, error: 'The webhook owner no longer exists.' };
    if ('aborted' in outcome) return repo.release(event);
    if (outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300) return repo.delivered(event, outcome.statusCode);
    const error = outcome.statusCode === null ? outcome.error : `HTTP ${outcome.statusCode}`;
    const { backoffMs, retryForMs } = this.o.delivery;
    await repo.attemptFailed(event, { statusCode: outcome.statusCode, error }, retryDelayMs(event.attempts + 1, backoffMs), retryForMs);
  }
}
