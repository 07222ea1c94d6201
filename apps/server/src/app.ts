import { readFileSync } from 'node:fs';
import http, { type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { openDatabase, type Database } from '@acc/db';
import { createApelRoutes } from './apel/routes.js';
import { TokenVerifier, type IssuerTrust } from './auth/token-verifier.js';
import { insecureDefaults, type Config } from './config.js';
import { DEMO_VIEWER, seedDemoFederation, type DemoSummary } from './dev/demo-federation.js';
import { DEV_ISSUER, devAdminClaims, loadDevKeys, mintDevToken, projectEntitlement, type DevKeys } from './dev/dev-issuer.js';
import { seedDevAdmin } from './dev/seed.js';
import { devUiTokenRoute } from './dev/ui-token.js';
import { createLagMonitor, type LagMonitor } from './http/lag-monitor.js';
import { createBackground, registerJobs, underJobLock, type Background } from './jobs/index.js';
import { BodyBudget } from './http/body-budget.js';
import { heapShortfall } from './runtime.js';
import { createHttpApp, type RawRoute } from './http/fastify-app.js';
import { sendError, sendJson } from './http/send.js';
import { createProviderSync, type ProviderSync } from './modules/providers/provider-sync.js';
import { amsVerificationRoute } from './modules/ams/ams-verification-route.js';
import { appRouter } from './router.js';
import { createServices, type AppServices } from './services.js';
import { createLogger, createTelemetry, metricsHandler, registerBodyBudgetGauges, silentLogger, type Logger } from './telemetry/index.js';

export interface RunningApp {
  url: string;
  server: http.Server;
  services: AppServices;
  database: Database;
  logger: Logger;
  /** Set when ACC_METRICS_PORT moves /metrics to its own listener. */
  metricsUrl?: string;
  /** Dev mode only: a ready-to-use system-admin token. */
  adminToken?: string;
  /** Dev mode only: what this start seeded (an empty data folder and ACC_DEMO not false). */
  demo?: DemoSummary;
  /** Dev mode only, once the demo federation exists: a token of its project viewer. */
  viewer?: { token: string; projectId: string };
  /** Set when ACC_EOSC_PROVIDERS_URL is: the start-up and daily EOSC provider sync (§4.4). */
  providerSync?: ProviderSync;
  /** The server's periodic work (jobs/index.ts); stopped by `close` before the database closes. */
  background: Background;
  /**
   * Graceful stop: refuses new connections, lets in-flight requests finish (closing their connections
   * after the answer), then closes the database; after `config.shutdownTimeoutMs` the remaining
   * connections are cut. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

export interface AppOptions {
  /** Use an already opened database (tests share setup); otherwise open the configured one. */
  database?: Database;
  /** Where logs go; by default built from `config.log` (stdout). */
  logger?: Logger;
  /** Receives unexpected request errors instead of the logger; without `logger`, everything else is silent. */
  log?: (err: unknown) => void;
  /** What time it is for time-driven work (alert evaluation); tests move it instead of sleeping. */
  clock?: () => Date;
}

/** The composition root: database, services, HTTP(S) server; `listen` is the caller's to await. */
export async function startApp(config: Config, options: AppOptions = {}): Promise<RunningApp> {
  const logger = options.logger ?? (options.log ? silentLogger() : await createLogger(config.log));
  for (const warning of insecureDefaults(config)) logger.warn(warning);
  const heapWarning = heapShortfall(config.limits.maxBodyBytesInFlight);
  if (heapWarning) logger.warn(heapWarning);
  const database = options.database ?? (await openDatabase(config.database));
  const servers: (http.Server | https.Server)[] = [];
  const monitors: LagMonitor[] = [];
  try {
    let devKeys: DevKeys | undefined;
    let demo: DemoSummary | undefined;
    let trust: IssuerTrust | undefined;
    if (config.dev) {
      devKeys = await loadDevKeys('dataDir' in config.database ? join(config.database.dataDir, 'dev-signing-key.json') : undefined);
      trust = { issuer: DEV_ISSUER, keys: { jwks: devKeys.jwks } };
      await seedDevAdmin(database.dataSource, config.entitlements.namespace, config.entitlements.parent);
      if (config.demo) {
        demo = await seedDemoFederation(database.dataSource, { namespace: config.entitlements.namespace, parent: config.entitlements.parent });
        if (demo) logger.info({ ms: demo.ms, metrics: demo.metrics, projects: demo.projects }, `demo federation seeded in ${demo.ms} ms`);
      }
    } else if (config.oidc.issuer && config.oidc.jwksUri) {
      trust = { issuer: config.oidc.issuer, keys: { jwksUri: config.oidc.jwksUri }, audience: config.oidc.audience };
    }
    const telemetry = createTelemetry({ logger, version: config.version, dataSource: database.dataSource });
    const services = createServices(config, database.dataSource, new TokenVerifier(trust), telemetry, options.clock);
    const extra: Record<string, RawRoute> = {};
    // One budget for every body the process reads: JSON procedures and APEL messages alike.
    const bodyBudget = new BodyBudget(config.limits.maxBodyBytesInFlight);
    registerBodyBudgetGauges(telemetry.metrics.registry, bodyBudget);
    if (devKeys) {
      extra['/dev/jwks.json'] = (_req, res) => sendJson(res, 200, devKeys.jwks);
      // The dashboard's dev sign-in; never registered outside dev mode.
      extra['/dev/ui-token'] = devUiTokenRoute(devKeys, database.dataSource, config.entitlements.namespace, config.entitlements.parent);
    }
    extra['/ams_verification_hash'] = amsVerificationRoute(config);
    Object.assign(
      extra,
      createApelRoutes(config, database.dataSource, bodyBudget, (message) => logger.warn(message)),
    );
    const load = createLagMonitor({ maxLagMs: config.limits.maxEventLoopLagMs });
    monitors.push(load);
    // Responses still being worked on; on shutdown each is told to close its connection when done.
    const inFlight = new Set<ServerResponse>();
    let stopping = false;
    let drained: (() => void) | undefined;
    const track = (res: ServerResponse) => {
      inFlight.add(res);
      if (stopping) res.setHeader('Connection', 'close');
      res.once('close', () => {
        inFlight.delete(res);
        if (inFlight.size === 0) drained?.();
        // A keep-alive connection turns idle only after the response; server.close() alone would wait on it.
        if (stopping) setImmediate(() => server.closeIdleConnections());
      });
    };
    const { limits } = config;
    // node:http checks both timeouts only every `connectionsCheckingInterval` (30 s by default), which
    // would let a slow client outlive a 10 s header timeout threefold.
    const timeouts: http.ServerOptions = {
      headersTimeout: limits.headersTimeoutMs,
      // The request timeout covers the slowest route (APEL uploads); the others' bodies are held to
      // ACC_REQUEST_TIMEOUT_MS by the body reader.
      requestTimeout: limits.apelRequestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(5_000, Math.max(50, Math.floor(limits.headersTimeoutMs / 4))),
    };
    const tls = config.tls && {
      cert: readFileSync(config.tls.cert),
      key: readFileSync(config.tls.key),
      ...(config.tls.clientCa && { ca: readFileSync(config.tls.clientCa), requestCert: true, rejectUnauthorized: false }),
    };
    // Fastify routes on our node server: its timeouts, TLS (APEL client certificates) and shutdown tracking.
    const fastify = createHttpApp(appRouter, services, {
      raw: extra,
      bodyBudget,
      log: options.log,
      load,
      serverFactory: (handler) => {
        const listener: http.RequestListener = (req, res) => {
          track(res);
          handler(req, res);
        };
        return tls ? https.createServer({ ...timeouts, ...tls }, listener) : http.createServer(timeouts, listener);
      },
    });
    const server = fastify.server;
    // Older node versions take these only as properties; set both ways so either applies.
    server.keepAliveTimeout = limits.keepAliveTimeoutMs;
    server.headersTimeout = limits.headersTimeoutMs;
    server.requestTimeout = limits.apelRequestTimeoutMs;
    // Connections beyond the cap are closed on accept, before they cost a parser or a request.
    server.maxConnections = limits.maxConnections;
    servers.push(server);
    await fastify.ready();
    await listen(server, config.port, config.host);
    const { port } = server.address() as AddressInfo;
    let metricsUrl: string | undefined;
    if (config.metrics.port !== undefined) {
      const scrape = metricsHandler(telemetry.metrics, config.metrics.token);
      const metricsServer = http.createServer((req, res) => {
        if (stopping) res.setHeader('Connection', 'close');
        if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/metrics') return sendError(res, 404, 'Not found');
        scrape(req, res).catch((err: unknown) => {
          logger.error({ err }, 'metrics scrape failed');
          if (!res.headersSent) sendError(res, 500, 'An unexpected error occurred.');
        });
      });
      servers.push(metricsServer);
      await listen(metricsServer, config.metrics.port, config.metrics.host);
      metricsUrl = `http://${hostForUrl(config.metrics.host)}:${(metricsServer.address() as AddressInfo).port}/metrics`;
    }
    const scheme = config.tls ? 'https' : 'http';
    let closing: Promise<void> | undefined;
    const { namespace, parent } = config.entitlements;
    const adminToken = devKeys ? await mintDevToken(devKeys, devAdminClaims(namespace, parent)) : undefined;
    // On every start of a demo folder, not only the first: the banner always offers the viewer.
    const viewer =
      devKeys && (await demoViewerExists(database))
        ? {
            projectId: DEMO_VIEWER.projectId,
            token: await mintDevToken(devKeys, {
              sub: DEMO_VIEWER.oidcId,
              name: DEMO_VIEWER.name,
              entitlements: [projectEntitlement(namespace, parent, DEMO_VIEWER.projectId, 'viewer')],
            }),
          }
        : undefined;
    // Started last, so no failure below can leave its timer behind; it never delays start-up.
    const providerSync = config.eoscProvidersUrl
      ? createProviderSync(config.eoscProvidersUrl, database.dataSource, logger, (run) =>
          // Several instances on one PostgreSQL: one syncs, an instance finding the lock taken skips that run.
          underJobLock(database.dataSource, database.backend, 'eosc-provider-sync', run),
        )
      : undefined;
    void providerSync?.start();
    const background = createBackground({
      db: database.dataSource,
      backend: database.backend,
      onError: (job, err) => logger.warn({ err, job }, 'background job failed'),
    });
    registerJobs(background, services, config);
    return {
      url: `${scheme}://${hostForUrl(config.host)}:${port}`,
      server,
      services,
      database,
      adminToken,
      demo,
      viewer,
      providerSync,
      background,
      logger,
      metricsUrl,
      close() {
        closing ??= (async () => {
          stopping = true;
          const syncStopped = providerSync?.stop();
          for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
          const closed = Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
          for (const s of servers) s.closeIdleConnections();
          let timer: NodeJS.Timeout | undefined;
          const expired = new Promise<'expired'>((resolve) => {
            timer = setTimeout(() => resolve('expired'), config.shutdownTimeoutMs);
          });
          if ((await Promise.race([closed, expired])) === 'expired') {
            logger.warn({ inFlight: inFlight.size, timeoutMs: config.shutdownTimeoutMs }, 'shutdown timeout: closing remaining connections');
            for (const s of servers) s.closeAllConnections();
            await closed;
          }
          clearTimeout(timer);
          // The server reports closed before the responses on cut connections have run their close
          // handlers (metrics, the log line); the database must outlive them too.
          if (inFlight.size > 0) await new Promise<void>((resolve) => (drained = resolve));
          await syncStopped;
          await background.stop();
          for (const m of monitors) m.stop();
          if (!options.database) await database.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    for (const m of monitors) m.stop();
    for (const s of servers) s.close();
    if (!options.database) await database.close();
    throw err;
  }
}

async function demoViewerExists(database: Database): Promise<boolean> {
  const rows: unknown[] = await database.dataSource.query('SELECT 1 FROM actors WHERE oidc_id = $1 AND issuer = $2', [
    DEMO_VIEWER.oidcId,
    DEV_ISSUER,
  ]);
  return rows.length > 0;
}

const listen = (server: http.Server | https.Server, port: number, host: string) =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

const hostForUrl = (host: string) => (host.includes(':') ? `[${host}]` : host);
