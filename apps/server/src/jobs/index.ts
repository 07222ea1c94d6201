import type { Config } from '../config.js';
import { expireIdempotencyKeys } from '../modules/metrics/idempotency.js';
import { Dispatcher } from '../modules/webhooks/dispatcher.js';
import type { AppServices } from '../services.js';
import { ScheduleRunner } from '../modules/schedules/schedule-runner.js';
import type { Background } from './background.js';

export { createBackground, underJobLock, type Background, type JobSpec } from './background.js';

/** Alert evaluation polls this often: an empty marker table costs one index-less `LIMIT 1` read. */
export const ALERT_EVALUATE_MS = 1_000;
/** Silence and calendar roll-overs are checked at least every minute (alerts.md §2). */
export const ALERT_SWEEP_MS = 30_000;
/** How often expired idempotency keys are deleted (a claim also deletes its own expired key first). */
export const IDEMPOTENCY_EXPIRY_MS = 10 * 60_000;
/** Job names: `background.nudge(name)` runs one now. */
export const JOBS = { webhookDispatch: 'webhook-dispatch' } as const;

/**
 * Every periodic job of the server, in one list: each feature adds its job here (alert evaluation and
 * sweeps, webhook delivery, report schedules…).
 */
export function registerJobs(background: Background, services: AppServices, config: Config): void {
  registerWebhookDispatch(background, services, config);
  // alerts.md §2: schedules run on one instance at a time; each minute is enough for week and month ends.
  const schedules = new ScheduleRunner(services.db, services.reports);
  // Reports a run committed go out now rather than at the dispatcher's next poll.
  schedules.onEvents = () => services.webhooks.queued();
  background.add({ name: 'report-schedules', intervalMs: 60_000, exclusive: true, run: async (signal) => void (await schedules.run(signal)) });
  // §7.2: completed idempotency keys replay for 24 h; expired ones are deleted in batches, one instance at a time.
  background.add({
    name: 'idempotency-expiry',
    intervalMs: IDEMPOTENCY_EXPIRY_MS,
    exclusive: true,
    run: async (signal) => void (await expireIdempotencyKeys(services.db, signal)),
  });
  // Not exclusive: instances evaluating at once claim disjoint markers and serialize on the rule locks.
  background.add({ name: 'alerts.evaluate', intervalMs: ALERT_EVALUATE_MS, run: () => services.alertEvaluation.evaluateDue() });
  services.alertEvaluation.onDue = () => background.nudge('alerts.evaluate');
  background.add({ name: 'alerts.sweep', intervalMs: ALERT_SWEEP_MS, exclusive: true, run: () => services.alertEvaluation.sweep() });
}

/**
 * Not exclusive: every instance delivers, and the claims (row locks with SKIP LOCKED, then a lease) keep
 * two instances from sending the same event.
 */
function registerWebhookDispatch(background: Background, services: AppServices, config: Config): void {
  const { delivery, ...policy } = config.webhooks;
  const dispatcher = new Dispatcher({
    db: services.db,
    owners: services.webhooks.owners,
    policy,
    delivery,
    userAgent: `acc/${config.version}`,
    onError: (err) => services.telemetry.logger.warn({ err }, 'webhook delivery failed'),
  });
  background.add({ name: JOBS.webhookDispatch, intervalMs: delivery.pollMs, run: () => dispatcher.tick(), settle: () => dispatcher.settle() });
  services.webhooks.onQueued(() => background.nudge(JOBS.webhookDispatch));
  // Events an evaluation committed go out now rather than at the next poll (alerts.md §2: within 5 s).
  services.alertEvaluation.onEvents = () => services.webhooks.queued();
}
