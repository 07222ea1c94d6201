import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { REST_BASE } from '@acc/contracts';
import { pingDatabase } from '@acc/db';
import type { AppRouter } from '../router.js';
import type { AppServices } from '../services.js';
import { requestLogger, withRequestScope } from '../telemetry/logger.js';
import { metricsHandler } from '../telemetry/metrics.js';
import { createRouteNamer, UNMATCHED } from '../telemetry/routes.js';
import { createAdmission, leaveBodyUnread } from './admission.js';
import { createCors } from './cors.js';
import { createDocsHandler, DOCS_PATH } from './docs.js';
import type { LagMonitor } from './lag-monitor.js';
import { buildOpenApiDocument } from './openapi.js';
import { createRestBridge } from './rest-bridge.js';
import { sendError, sendJson } from './send.js';
import { createTrpcHandler } from './trpc-handler.js';

const READY_PROBE_TIMEOUT_MS = 1_500;

export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

/** A client's request id is kept only if it is safe to echo and log verbatim. */
const SANE_REQUEST_ID = /^[\x20-\x7e]{1,128}$/;
/** Probes and scrapes arrive every few seconds; at info they would drown the request log. */
const QUIET_ROUTES = new Set(['/health', '/ready', '/metrics']);
/** What nginx logs for a client that went away before the answer was complete. */
const CLIENT_CLOSED = 499;

/**
 * The one request listener: health, the OpenAPI document and its interactive reference, metrics, tRPC,
 * the REST bridge, plus extra routes (dev JWKS, APEL) mounted by exact path. Any unexpected failure
 * answers 500 in the envelope; the server itself never goes down with a request. Every exchange gets a
 * request id (echoed as X-Request-Id), one log line and a sample in the HTTP metrics under its route.
 * `log` overrides where unexpected errors go (tests); by default they go to the request's logger.
 * `load`, when given, sheds requests (503) while the event loop lags.
 */
export function createRequestListener(
  appRouter: AppRouter,
  app: AppServices,
  extra: Record<string, Route> = {},
  log?: (err: unknown) => void,
  load?: Pick<LagMonitor, 'overloaded' | 'lagMs'>,
): RequestListener {
  const logError = log ?? ((err: unknown) => requestLogger(app.telemetry.logger).error({ err }, 'request failed'));
  const rest = createRestBridge(appRouter, app, logError);
  const trpc = createTrpcHandler(appRouter, app, logError);
  const admission = createAdmission(appRouter, app);
  const names = createRouteNamer(appRouter);
  const docs = createDocsHandler({ publicUrl: app.config.publicUrl });
  const cors = createCors(app.config.cors.origins);
  // With a metrics port configured, scrapes go to that listener only (see app.ts), not to the public one.
  const metrics = app.config.metrics.port === undefined ? metricsHandler(app.telemetry.metrics, app.config.metrics.token) : undefined;
  const { logger: baseLogger, metrics: telemetry } = app.telemetry;
  let openapi: string | undefined;

  const routeOf = (path: string): string => {
    if (path === '/health' || path === '/ready' || path === '/openapi.json' || (metrics && path === '/metrics')) return path;
    if (path === DOCS_PATH || path.startsWith(`${DOCS_PATH}/`)) return DOCS_PATH;
    if (path.startsWith('/trpc/')) return names.trpc(path);
    if (path === REST_BASE || path.startsWith(`${REST_BASE}/`)) return names.rest(path);
    return Object.hasOwn(extra, path) ? path : UNMATCHED;
  };

  const dispatch = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const path = url.pathname;
    if (cors(req, res)) return;
    // Checked here so every route, including ones that never read their body, refuses before doing any
    // work; bodies without a declared length are counted by each reader against the same limit. tRPC is
    // left to its adapter (same limit), whose clients expect its error shape rather than the envelope.
    const declared = Number(req.headers['content-length']);
    const isTrpc = path.startsWith('/trpc/');
    const isRest = path === REST_BASE || path.startsWith(`${REST_BASE}/`);
    // Work queued behind a lagging event loop is answered late whatever it is: refuse it now, cheaply.
    // /health stays, or an orchestrator would restart a server that is merely busy.
    if (path !== '/health' && load?.overloaded()) {
      leaveBodyUnread(req, res);
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(load.lagMs() / 1000))));
      return sendError(res, 503, 'The server is overloaded; retry later.');
    }
    // REST and tRPC go through admission (per-procedure limits); extra routes own their limits: APEL
    // messages may reach ACC_APEL_MAX_BODY_BYTES (64 MiB by default).
    if (Number.isFinite(declared) && declared > app.config.maxBodyBytes && !isTrpc && !isRest && !Object.hasOwn(extra, path)) {
      // The unread body would otherwise be drained before the connection could serve anything else.
      res.setHeader('Connection', 'close');
      return sendError(res, 413, 'The request body is too large.');
    }
    // Routes that never read a body must not let one trickle in on a kept-alive connection.
    if (!isTrpc && !isRest && !Object.hasOwn(extra, path)) leaveBodyUnread(req, res);
    if (path === '/health') return sendJson(res, 200, { status: 'UP' });
    if (path === '/ready') {
      try {
        // Its own short timeout: a frozen database must turn the probe DOWN well before a request's statement limit.
        if (!(await pingDatabase(app.db, READY_PROBE_TIMEOUT_MS))) throw new Error('database not ready');
        return sendJson(res, 200, { status: 'UP', database: 'UP' });
      } catch {
        return sendJson(res, 503, { status: 'DOWN', database: 'DOWN' });
      }
    }
    if (path === '/openapi.json') {
      openapi ??= JSON.stringify(buildOpenApiDocument(appRouter, { version: app.config.version, publicUrl: app.config.publicUrl }));
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end(openapi);
    }
    if (metrics && path === '/metrics') return await metrics(req, res);
    if (path === DOCS_PATH || path.startsWith(`${DOCS_PATH}/`)) return await docs(req, res, path);
    // The one place where REST and tRPC requests are authenticated and their bodies read (admission.ts).
    if (isTrpc) return void (await trpc(req, res, await admission.trpc(req, res, url)));
    if (isRest) {
      const admitted = await admission.rest(req, res, url);
      return admitted && (await rest(req, res, admitted));
    }
    const route = extra[path];
    if (route) return await route(req, res, url);
    return sendError(res, 404, 'Not found');
  };

  return (req, res) => {
    const started = process.hrtime.bigint();
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const logger = baseLogger.child({ reqId: requestId });
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      url = new URL('http://localhost/');
    }
    const route = routeOf(url.pathname);
    // Only the path: query strings may carry search terms or, from careless clients, credentials.
    const path = url.pathname.length > 512 ? `${url.pathname.slice(0, 512)}…` : url.pathname;
    if (logger.isLevelEnabled('debug')) logger.debug({ method: req.method, route, path }, 'request received');

    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const aborted = !res.writableFinished;
      const status = aborted ? CLIENT_CLOSED : res.statusCode;
      telemetry.observeRequest({ route, method: req.method ?? '', status }, seconds);
      const line = { method: req.method, route, path, status, durationMs: Math.round(seconds * 1e6) / 1e3, ...(aborted && { aborted }) };
      if (status >= 500 && !aborted) logger.error(line, 'request completed');
      else if (aborted) logger.warn(line, 'request aborted');
      else if (QUIET_ROUTES.has(route) && status < 400) logger.debug(line, 'request completed');
      else logger.info(line, 'request completed');
    });

    return withRequestScope({ requestId, logger }, async () => {
      try {
        await dispatch(req, res, url);
      } catch (err) {
        // A client that hung up mid-upload is not a server fault; the close handler logs it as aborted.
        if (req.destroyed && !req.complete) return void res.destroy();
        logError(err);
        if (!res.headersSent) sendError(res, 500, 'An unexpected error occurred.');
        else res.destroy();
      }
    });
  };
}
