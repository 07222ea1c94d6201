import { startApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';

const dev = process.argv.includes('--dev');

try {
  const config = loadConfig(process.env, { dev });
  const app = await startApp(config);
  console.log(`acc ${config.version} listening on ${app.url} (${app.database.backend}${dev ? ', dev mode' : ''})`);
  if (app.adminToken) {
    console.log('\nDev mode: this server issues its own tokens. System-admin token (12 h):\n');
    console.log(app.adminToken);
    console.log(`\nTry: curl -H "Authorization: Bearer $TOKEN" ${app.url}/accounting-system/unit-types\n`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
