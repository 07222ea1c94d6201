import closeWithGrace from 'close-with-grace';
import { startApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { writeAfterLog } from './telemetry/logger.js';

const dev = process.argv.includes('--dev');
/** How much longer than ACC_SHUTDOWN_TIMEOUT_MS closing (database included) may take before the process just exits. */
const SHUTDOWN_BACKSTOP_MS = 10_000;

/**
 * Logging while shutting down must not stop the shutdown: when stdout is gone (a closed pipe is often why
 * the process is stopping), pino throws, and close-with-grace would never reach its exit.
 */
const safely = (write: () => void) => {
  try {
    write();
  } catch {
    /* nowhere left to say it */
  }
};

const today = () => new Date().toISOString().slice(0, 10);
const yearAgo = () => new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);

try {
  const config = loadConfig(process.env, { dev });
  const app = await startApp(config);
  const { logger } = app;
  logger.info(
    { url: app.url, version: config.version, database: app.database.backend, dev, ...(app.metricsUrl && { metricsUrl: app.metricsUrl }) },
    `acc ${config.version} listening on ${app.url} (${app.database.backend}${dev ? ', dev mode' : ''})`,
  );
  if (app.adminToken) {
    const banner: string[] = [];
    // The admin token comes first and alone on its line: scripts and tests pick the first token line.
    banner.push('', 'Dev mode: this server issues its own tokens. System-admin token (12 h):', '', app.adminToken);
    if (app.demo) {
      const d = app.demo;
      banner.push(
        '',
        `Demo federation seeded in ${d.ms} ms: ${d.providers.length} providers, ${d.projects.length} projects (${d.projects.join(', ')}), ` +
          `${d.installations} installations, ${d.metricDefinitions} metric definitions, ${d.metrics} metrics, ${d.capacities} capacities ` +
          `(groups ${d.groups.join(', ')}; users ${d.users.join(', ')}).`,
      );
    } else if (config.demo) {
      banner.push('', 'Demo federation: not seeded, this data folder already has projects.');
    }
    if (app.viewer) banner.push('', `Viewer of project ${app.viewer.projectId} (actor demo-viewer), token (12 h):`, '', app.viewer.token);
    banner.push('', `Try: TOKEN=$(npm run -s dev:token); curl -H "Authorization: Bearer $TOKEN" ${app.url}/accounting-system/unit-types`);
    if (app.viewer)
      banner.push(
        `     VIEWER=<the viewer token>; curl -H "Authorization: Bearer $VIEWER" "${app.url}/accounting-system/projects/${app.viewer.projectId}/report?start=${yearAgo()}&end=${today()}"`,
      );
    // After the listening line, never before it: scripts read the URL from that line, then the token.
    writeAfterLog(logger, `${banner.join('\n')}\n\n`);
  }
  // SIGTERM/SIGINT and fatal errors close the app gracefully (app.close cuts what is left after
  // ACC_SHUTDOWN_TIMEOUT_MS); `delay` is only the backstop for a close that itself hangs.
  closeWithGrace(
    {
      delay: config.shutdownTimeoutMs + SHUTDOWN_BACKSTOP_MS,
      logger: { error: (message: unknown) => safely(() => logger.error(message)) },
      // A second Ctrl-C means "now": the operator has chosen to drop what is still in flight.
      onSecondSignal: (signal) => safely(() => logger.warn({ signal }, 'second signal: exiting without waiting')),
      onSecondError: (err) => safely(() => logger.error({ err }, 'second fatal error while shutting down: exiting')),
      onTimeout: (delayMs) => safely(() => logger.error({ delayMs }, 'shutdown did not finish: exiting')),
    },
    async ({ signal, err }) => {
      if (err) safely(() => logger.error({ err }, 'fatal error: shutting down'));
      safely(() => logger.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down: no new connections, finishing in-flight requests'));
      try {
        await app.close();
      } catch (failure) {
        safely(() => logger.error({ err: failure }, 'shutdown failed'));
        throw failure;
      }
      safely(() => logger.info('stopped'));
    },
  );
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
