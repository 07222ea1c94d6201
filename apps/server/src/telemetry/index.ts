import type { DataSource } from 'typeorm';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';

export { createLogger, silentLogger, requestLogger, currentRequestId, type Logger } from './logger.js';
export { createMetrics, metricsHandler, registerBodyBudgetGauges, type Metrics } from './metrics.js';

/** What any module may report through: `app.telemetry.metricsIngested.inc(n)`, `app.telemetry.logger`. */
export interface Telemetry {
  logger: Logger;
  metrics: Metrics;
  metricsIngested: Metrics['metricsIngested'];
  apelRecords: Metrics['apelRecords'];
}

export function createTelemetry(opts: { logger: Logger; version: string; dataSource?: DataSource; defaultMetrics?: boolean }): Telemetry {
  const metrics = createMetrics(opts);
  return { logger: opts.logger, metrics, metricsIngested: metrics.metricsIngested, apelRecords: metrics.apelRecords };
}
