import type { Config } from '../config.js';
import type { AppServices } from '../services.js';
import type { Background } from './background.js';

export { createBackground, type Background, type JobSpec } from './background.js';

/**
 * Every periodic job of the server, in one list: each feature adds its job here (alert evaluation and
 * sweeps, webhook delivery, report schedules…).
 */
export function registerJobs(background: Background, services: AppServices, config: Config): void {
  void background;
  void services;
  void config;
}
