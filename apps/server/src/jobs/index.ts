import type { Config } from '../config.js';
import type { AppServices } from '../services.js';
import { ScheduleRunner } from '../modules/schedules/schedule-runner.js';
import type { Background } from './background.js';

export { createBackground, type Background, type JobSpec } from './background.js';

/**
 * Every periodic job of the server, in one list: each feature adds its job here (alert evaluation and
 * sweeps, webhook delivery, report schedules…).
 */
export function registerJobs(background: Background, services: AppServices, config: Config): void {
  void config;
  // alerts.md §2: schedules run on one instance at a time; each minute is enough for week and month ends.
  const schedules = new ScheduleRunner(services.db, services.reports);
  background.add({ name: 'report-schedules', intervalMs: 60_000, exclusive: true, run: async (signal) => void (await schedules.run(signal)) });
}
