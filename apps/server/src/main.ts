import { startApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';

const dev = process.argv.includes('--dev');

try {
  const config = loadConfig(process.env, { dev });
  const app = await startApp(config);
  const { logger } = app;
  logger.info(
    { url: app.url, version: config.version, database: app.database.backend, dev, ...(app.metricsUrl && { metricsUrl: app.metricsUrl }) },
    `acc ${config.version} listening on ${app.url} (${app.database.backend}${dev ? ', dev mode' : ''})`,
  );
  if (app.adminToken) {
    console.log('\nDev mode: this server issues its own tokens. System-admin token (12 h):\n');
    console.log(app.adminToken);
    console.log(`\nTry: curl -H "Authorization: Bearer $TOKEN" ${app.url}/accounting-system/unit-types\n`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // A second Ctrl-C means "now": the operator has chosen to drop what is still in flight.
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down: no new connections, finishing in-flight requests');
    try {
      await app.close();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
