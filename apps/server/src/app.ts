import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { openDatabase, type Database } from '@acc/db';
import { TokenVerifier, type IssuerTrust } from './auth/token-verifier.js';
import type { Config } from './config.js';
import { DEV_ADMIN, DEV_ISSUER, loadDevKeys, mintDevToken, type DevKeys } from './dev/dev-issuer.js';
import { seedDevAdmin } from './dev/seed.js';
import { createRequestListener, type Route } from './http/server.js';
import { sendJson } from './http/send.js';
import { appRouter } from './router.js';
import { createServices, type AppServices } from './services.js';

export interface RunningApp {
  url: string;
  server: http.Server;
  services: AppServices;
  database: Database;
  /** Dev mode only: a ready-to-use system-admin token. */
  adminToken?: string;
  close(): Promise<void>;
}

export interface AppOptions {
  /** Use an already opened database (tests share setup); otherwise open the configured one. */
  database?: Database;
  log?: (err: unknown) => void;
}

/** The composition root: database, services, HTTP(S) server; `listen` is the caller's to await. */
export async function startApp(config: Config, options: AppOptions = {}): Promise<RunningApp> {
  const database = options.database ?? (await openDatabase(config.database));
  try {
    let devKeys: DevKeys | undefined;
    let trust: IssuerTrust | undefined;
    if (config.dev) {
      devKeys = await loadDevKeys('dataDir' in config.database ? join(config.database.dataDir, 'dev-signing-key.json') : undefined);
      trust = { issuer: DEV_ISSUER, keys: { jwks: devKeys.jwks } };
      await seedDevAdmin(database.dataSource, config.entitlements.namespace, config.entitlements.parent);
    } else if (config.oidc.issuer && config.oidc.jwksUri) {
      trust = { issuer: config.oidc.issuer, keys: { jwksUri: config.oidc.jwksUri }, audience: config.oidc.audience };
    }
    const services = createServices(config, database.dataSource, new TokenVerifier(trust));
    const extra: Record<string, Route> = {};
    if (devKeys) extra['/dev/jwks.json'] = (_req, res) => sendJson(res, 200, devKeys.jwks);
    const listener = createRequestListener(appRouter, services, extra, options.log);
    const server = config.tls
      ? https.createServer(
          {
            cert: readFileSync(config.tls.cert),
            key: readFileSync(config.tls.key),
            ...(config.tls.clientCa && { ca: readFileSync(config.tls.clientCa), requestCert: true, rejectUnauthorized: false }),
          },
          listener,
        )
      : http.createServer(listener);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const scheme = config.tls ? 'https' : 'http';
    // The claim makes the token work whichever entitlement source is configured.
    const adminEntitlement = `${config.entitlements.namespace}:${config.entitlements.parent}:role=admin`;
    const adminToken = devKeys
      ? await mintDevToken(devKeys, { sub: DEV_ADMIN.oidcId, name: 'Dev Admin', entitlements: [adminEntitlement] })
      : undefined;
    return {
      url: `${scheme}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
      server,
      services,
      database,
      adminToken,
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections?.();
        });
        if (!options.database) await database.close();
      },
    };
  } catch (err) {
    if (!options.database) await database.close();
    throw err;
  }
}
