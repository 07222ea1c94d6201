/**
 * `npm run rollups:check [-- --rebuild]`: compares the usage rollups of the configured database with its
 * raw metrics (exit code 1 when they differ), or rebuilds them. The same as `acc admin rollups check`,
 * without a running server.
 */
import { openDatabase } from '@acc/db';
import { ConfigError, loadConfig } from './config.js';
import { RollupService } from './modules/rollups/rollup-service.js';

try {
  const config = loadConfig(process.env, { dev: true });
  // A check reads every metric: no statement limit here (the server's bounds requests, not maintenance).
  const target =
    'url' in config.database ? { ...config.database, timeouts: { ...config.database.timeouts, statementTimeoutMs: 0 } } : config.database;
  const db = await openDatabase(target);
  const rollups = new RollupService(db.dataSource);
  if (process.argv.includes('--rebuild')) {
    const r = await rollups.rebuild();
    console.log(`Rebuilt the rollups: ${r.rows} rows (${r.differences_before} differences before).`);
  } else {
    const c = await rollups.check();
    console.log(`${c.rows} rollup rows; ${c.differences} differences from the raw metrics.`);
    for (const d of c.sample) console.log(JSON.stringify(d));
    process.exitCode = c.differences > 0 ? 1 : 0;
  }
  await db.close();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
