import type { DataSource } from 'typeorm';
import { EoscProviderClient } from './eosc-client.js';
import { ProviderRepository } from './provider-repository.js';

export interface SyncResult {
  upserted: number;
  /** Items the registry sent without id/name, or that clash with a local provider (e.g. its name). */
  skipped: number;
}

export interface ProviderSyncOptions {
  db: DataSource;
  client: EoscProviderClient;
  /** Failures are only reported here (§4.4): a sync never stops the server. */
  onError: (err: unknown) => void;
  onSynced?: (result: SyncResult) => void;
  /** Per-run limit, so a hanging registry cannot hold shutdown or the next run hostage. */
  timeoutMs?: number;
  now?: () => Date;
  /** Runs a sync so that instances sharing the database take turns (jobs/background.ts `underJobLock`). */
  exclusive?: (run: () => Promise<void>) => Promise<unknown>;
}

/** Milliseconds from `now` to the next 00:00 UTC. */
export const msUntilNextMidnightUtc = (now: Date): number => {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return next - now.getTime();
};

/**
 * Keeps the provider catalogue in step with the EOSC registry: once at start-up and every day at 00:00
 * UTC (§1.5). Each provider is upserted on its own, so one bad row does not cost the others.
 */
export class ProviderSync {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private abort?: AbortController;
  private stopped = false;

  constructor(private readonly opts: ProviderSyncOptions) {}

  /** Starts the initial run and the daily schedule; the returned promise settles when the initial run has. */
  start(): Promise<void> {
    this.stopped = false;
    const first = this.runLogged();
    this.schedule();
    return first;
  }

  /** Clears the schedule, aborts a run in flight and waits for it, so the database can close after. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.abort?.abort();
    await this.running;
  }

  /** Resolves once no run is in flight. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** One sync; throws when the registry cannot be read. */
  async syncOnce(signal?: AbortSignal): Promise<SyncResult> {
    const { providers, skipped: invalid } = await this.opts.client.fetchAll(signal);
    const repo = new ProviderRepository(this.opts.db.manager);
    let upserted = 0;
    let skipped = invalid;
    for (const p of providers) {
      if (signal?.aborted) break;
      try {
        await repo.upsertFromEosc(p);
        upserted++;
      } catch (err) {
        skipped++;
        this.opts.onError(err);
      }
    }
    return { upserted, skipped };
  }

  private runLogged(): Promise<void> {
    if (this.running) return this.running;
    this.abort = new AbortController();
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.opts.timeoutMs ?? 5 * 60_000)]);
    const once = () => this.syncOnce(signal).then((result) => this.opts.onSynced?.(result));
    const run: Promise<void> = (this.opts.exclusive ? this.opts.exclusive(once) : once())
      .then(() => undefined)
      .catch((err: unknown) => {
        if (!this.stopped) this.opts.onError(err);
      })
      .finally(() => {
        if (this.running === run) this.running = undefined;
      });
    this.running = run;
    return run;
  }

  private schedule(): void {
    if (this.stopped) return;
    const delay = msUntilNextMidnightUtc(this.opts.now?.() ?? new Date());
    this.timer = setTimeout(() => {
      void this.runLogged().finally(() => this.schedule());
    }, delay);
    // The schedule alone must not keep the process alive.
    this.timer.unref();
  }
}

/** The production wiring: the registry at `baseUrl`, outcomes reported through the server's logger. */
export function createProviderSync(
  baseUrl: string,
  db: DataSource,
  logger: { info: (obj: object, msg: string) => void; warn: (obj: object, msg: string) => void },
  exclusive?: ProviderSyncOptions['exclusive'],
): ProviderSync {
  return new ProviderSync({
    db,
    exclusive,
    client: new EoscProviderClient(baseUrl),
    onError: (err) => logger.warn({ err }, 'EOSC provider sync failed'),
    onSynced: (result) => logger.info({ ...result }, 'EOSC providers synced'),
  });
}
