/**
 * The acc server as the benchmark runs it: a separate process, bundled from the current sources by
 * bench/lib/build.ts and started by bench/run.ts with plain `node`, configured through the usual
 * ACC_* variables (it also runs unbundled: `node --conditions=@acc/source --import tsx bench/server-entry.ts`). Dev mode (the server is its own token issuer) gives a system-admin token without an
 * external IAM. Logs go to ACC_BENCH_LOG_FILE (JSON lines, as production writes them), so stdout
 * carries exactly one line: `{"url","adminToken","pid","backend"}` once the server is listening.
 */
import { pino } from 'pino';
import { startApp } from '../apps/server/src/app.js';
import { ConfigError, loadConfig } from '../apps/server/src/config.js';
import { createLogger } from '../apps/server/src/telemetry/index.js';

try {
  // Benchmarks measure their own data: no demo federation unless asked for explicitly.
  const config = loadConfig({ ACC_DEMO: 'false', ...process.env }, { dev: true });
  const destination = pino.destination({ dest: process.env.ACC_BENCH_LOG_FILE ?? '/dev/null', sync: true });
  const logger = await createLogger({ level: config.log.level, format: 'json', destination });
  const app = await startApp(config, { logger });
  process.stdout.write(`${JSON.stringify({ url: app.url, adminToken: app.adminToken, pid: process.pid, backend: app.database.backend })}\n`);
  const stop = async () => {
    try {
      await app.close();
      process.exit(0);
    } catch (err) {
      console.error(err);
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
