/** `npm run migrate`: applies pending migrations to the configured database and exits. */
import { openDatabase } from '@acc/db';
import { ConfigError, loadConfig } from './config.js';

try {
  // Migrations need no token issuer, so load the configuration as dev mode does.
  const config = loadConfig(process.env, { dev: true });
  const db = await openDatabase(config.database, { migrate: false });
  const applied = await db.dataSource.runMigrations({ transaction: 'each' });
  console.log(applied.length ? `Applied ${applied.map((m) => m.name).join(', ')}` : 'No pending migrations.');
  await db.close();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
