import { randomUUID } from 'node:crypto';
import { METHODS, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerFactory,
} from 'fastify';
import { pingDatabase } from '@acc/db';
import { AppError, errorHeaders } from '../errors.js';
import type { AppRouter } from '../router.js';
import type { AppServices } from '../services.js';
import { requestLogger, withRequestScope } from '../telemetry/logger.js';
import { metricsHandler } from '../telemetry/metrics.js';
import { createTrpcRouteNamer, UNMATCHED } from '../telemetry/routes.js';
import { createAdmission, leaveBodyUnread, type RestAdmitted, type TrpcAdmitted } from './admission.js';
import { TOO_LARGE_MESSAGE } from './body.js';
import { BodyBudget } from './body-budget.js';
import { onClientError } from './client-error.js';
import { createCors } from './cors.js';
import { createDocsHandler, DOCS_PATH } from './docs.js';
import type { LagMonitor } from './lag-monitor.js';
import { buildOpenApiDocument } from './openapi.js';
import { procedureTable } from './procedure-table.js';
import { registerRestRoutes, type RouteConfig } from './rest-routes.js';
import { registerTrpcRoute } from './trpc-route.js';
import { uiPermissionsRoute, UI_PERMISSIONS_PATH } from './ui-permissions.js';
import { createWebUi, DEFAULT_WEB_DIR, webUiCsp } from './web-ui.js';

const READY_PROBE_TIMEOUT_MS = 1_500;

/** A route that answers on node's request and response itself: APEL and AMS (their own bodies and formats), dev JWKS. */
/** The route label of the dashboard's catch-all (`/` and `/*`). */
const WEB_UI_ROUTE = '/';

export type RawRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

/** A client's request id is kept only if it is safe to echo and log verbatim. */
const SANE_REQUEST_ID = /^[\x20-\x7e]{1,128}$/;
/** Probes and scrapes arrive every few seconds; at info they would drown the request log. */
const QUIET_ROUTES = new Set(['/health', '/ready', '/metrics']);
/** What nginx logs for a client that went away before the answer was complete. */
const CLIENT_CLOSED = 499;

export interface HttpAppOptions {
  /** Extra routes by exact path, any method (dev JWKS, APEL, AMS). */
  raw?: Record<string, RawRoute>;
  /** Overrides where unexpected errors go (tests); by default they go to the request's logger. */
  log?: (err: unknown) => void;
  /** When given, sheds requests (503 + Retry-After) while the event loop lags. */
  load?: Pick<LagMonitor, 'overloaded' | 'lagMs'>;
  /** The node server to serve on (timeouts, TLS); Fastify's own otherwise. */
  serverFactory?: FastifyServerFactory;
  /** Shared with the raw routes that read bodies (APEL); one of its own (ACC_MAX_BODY_BYTES_IN_FLIGHT) otherwise. */
  bodyBudget?: BodyBudget;
}

const envelope = (reply: FastifyReply, status: number, message: string) =>
  reply
    .code(status)
    .header('Content-Type', 'application/json')
    .send(JSON.stringify({ code: status, message }));

/**
 * The HTTP layer: one Fastify instance serving REST (one route per contract), tRPC, health, the OpenAPI
 * document and its reference page, metrics and the raw routes. Every exchange gets a request id (echoed
 * as X-Request-Id), one log line and a sample in the HTTP metrics under its route template; any
 * unexpected failure answers 500 in the envelope. Authentication and body limits run in `onRequest`,
 * before any body is read (admission.ts); Fastify's own body parsing is switched off for the same reason.
 */
export function createHttpApp(appRouter: AppRouter, app: AppServices, options: HttpAppOptions = {}): FastifyInstance {
  const { logger: baseLogger, metrics: telemetry } = app.telemetry;
  const logError = options.log ?? ((err: unknown) => requestLogger(baseLogger).error({ err }, 'request failed'));
  const procedures = procedureTable(appRouter);
  const admission = createAdmission(procedures, app, options.bodyBudget ?? new BodyBudget(app.config.limits.maxBodyBytesInFlight));
  const trpcName = createTrpcRouteNamer(procedures.map((p) => p.name));
  const cors = createCors(app.config.cors.origins);
  const docs = createDocsHandler({ publicUrl: app.config.publicUrl });
  const { load } = options;
  const admittedRest = new WeakMap<FastifyRequest, RestAdmitted>();
  const admittedTrpc = new WeakMap<FastifyRequest, TrpcAdmitted>();

  // Typed as Fastify's base logger so the instance is the plain FastifyInstance the route modules take.
  const loggerInstance: FastifyBaseLogger = baseLogger;
  const fastify = Fastify({
    // Our logger, without Fastify's own request lines: the one line per exchange is written below.
    loggerInstance,
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Ids may be up to 255 characters and must reach validation (400), not the router's 414.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 4096 },
    // A stopping server still answers on open connections, closing each after its answer (app.ts).
    return503OnClosing: false,
    // The spec's envelope for what node's parser refuses (oversized headers, malformed HTTP).
    clientErrorHandler: onClientError,
    // A path whose percent-encoding does not decode is the client's error, answered in the envelope.
    frameworkErrors: (err, _request, reply) => {
      void envelope(reply, err.statusCode && err.statusCode < 500 ? err.statusCode : 400, 'The request path is not valid.');
    },
    ...(options.serverFactory && { serverFactory: options.serverFactory }),
  });

  // Bodies are read by admission (after authentication) or by the raw routes; Fastify must leave them alone.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

  const configOf = (request: FastifyRequest): RouteConfig | undefined => {
    const { kind, routeName, procedure } = request.routeOptions.config;
    return request.is404 || !kind || !routeName ? undefined : { kind, routeName, procedure };
  };

  // Request id, logger scope, the log line and the metrics sample; everything after runs inside the scope.
  fastify.addHook('onRequest', (request, reply, done) => {
    const started = process.hrtime.bigint();
    const { raw: req } = request;
    const res = reply.raw;
    const requestId = String(request.id);
    res.setHeader('X-Request-Id', requestId);
    const logger = baseLogger.child({ reqId: requestId });
    const url = new URL(request.url, 'http://localhost');
    const config = configOf(request);
    const route = !config ? UNMATCHED : config.routeName === '/trpc' ? trpcName(url.pathname) : config.routeName;
    // Only the path: query strings may carry search terms or, from careless clients, credentials.
    const path = url.pathname.length > 512 ? `${url.pathname.slice(0, 512)}…` : url.pathname;
    if (logger.isLevelEnabled('debug')) logger.debug({ method: req.method, route, path }, 'request received');
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const aborted = !res.writableFinished;
      const status = aborted ? CLIENT_CLOSED : res.statusCode;
      // The dashboard's catch-all answers 404 for every path it does not serve: count those as unmatched.
      const label = route === WEB_UI_ROUTE && status === 404 ? UNMATCHED : route;
      telemetry.observeRequest({ route: label, method: req.method ?? '', status }, seconds);
      const line = { method: req.method, route: label, path, status, durationMs: Math.round(seconds * 1e6) / 1e3, ...(aborted && { aborted }) };
      if (status >= 500 && !aborted) logger.error(line, 'request completed');
      else if (aborted) logger.warn(line, 'request aborted');
      else if (QUIET_ROUTES.has(route) && status < 400) logger.debug(line, 'request completed');
      else logger.info(line, 'request completed');
    });
    withRequestScope({ requestId, logger }, () => done());
  });

  fastify.addHook('onRequest', async (request, reply) => {
    const { raw: req } = request;
    const res = reply.raw;
    if (cors(req, res)) return reply.hijack();
    const config = configOf(request);
    const path = new URL(request.url, 'http://localhost').pathname;
    // Work queued behind a lagging event loop is answered late whatever it is: refuse it now, cheaply.
    // /health stays, or an orchestrator would restart a server that is merely busy.
    if (path !== '/health' && load?.overloaded()) {
      leaveBodyUnread(req, res);
      reply.header('Retry-After', String(Math.max(1, Math.ceil(load.lagMs() / 1000))));
      return envelope(reply, 503, 'The server is overloaded; retry later.');
    }
    if (config?.kind === 'raw') return;
    if (config?.kind !== 'api') {
      // Routes that never read a body refuse a large one unread, and must not let one trickle in.
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > app.config.maxBodyBytes) {
        // The unread body would otherwise be drained before the connection could serve anything else.
        reply.header('Connection', 'close');
        return envelope(reply, 413, TOO_LARGE_MESSAGE);
      }
      leaveBodyUnread(req, res);
      return;
    }
    // The one place where REST and tRPC requests are authenticated and their bodies read (admission.ts).
    if (config.procedure) {
      const admitted = await admission.rest(req, res, config.procedure);
      if ('refusal' in admitted) {
        // A body cut off half-way leaves the stream destroyed: nobody is left to answer.
        if (res.destroyed) return reply.hijack();
        return envelope(reply.headers(errorHeaders(admitted.refusal.status)), admitted.refusal.status, admitted.refusal.message);
      }
      admittedRest.set(request, admitted);
    } else {
      admittedTrpc.set(request, await admission.trpc(req, res, new URL(request.url, 'http://localhost')));
    }
    // Read already or left unread on purpose: the type is the procedure's to judge (415 after 401, §1.3),
    // and the tRPC adapter is handed the text as JSON; Fastify must not refuse the type first.
    const bodyHandedOn = config.procedure ? admittedRest.get(request)?.body !== undefined : admittedTrpc.get(request)?.text !== undefined;
    if (bodyHandedOn || req.headers['content-type'] !== undefined) req.headers['content-type'] = 'application/json';
  });

  fastify.setNotFoundHandler((_request, reply) => envelope(reply, 404, 'Not found'));
  fastify.setErrorHandler((err, request, reply) => {
    // A client that hung up mid-upload is not a server fault; the close handler logs it as aborted.
    if (request.raw.destroyed && !request.raw.complete) return void reply.raw.destroy();
    if (err instanceof AppError) return envelope(reply, err.status, err.message);
    logError(err);
    if (reply.raw.headersSent) return void reply.raw.destroy();
    return envelope(reply, 500, 'An unexpected error occurred.');
  });

  // Plain and raw routes answer any method node parses (their handlers refuse what they do not serve), as
  // they always have; CONNECT never reaches a request handler.
  for (const method of METHODS)
    if (method !== 'CONNECT' && !fastify.supportedMethods.includes(method)) fastify.addHttpMethod(method, { hasBody: true });
  const ALL = fastify.supportedMethods;
  const raw = (url: string, config: RouteConfig, route: RawRoute) =>
    fastify.route({
      method: [...ALL],
      url,
      config,
      exposeHeadRoute: false,
      handler: async (request, reply) => {
        reply.hijack();
        const { raw: req } = request;
        const res = reply.raw;
        try {
          await route(req, res, new URL(request.url, 'http://localhost'));
        } catch (err) {
          if (req.destroyed && !req.complete) return void res.destroy();
          logError(err);
          if (!res.headersSent) {
            const text = JSON.stringify({ code: 500, message: 'An unexpected error occurred.' });
            res.writeHead(500, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
            res.end(text);
          } else res.destroy();
        }
      },
    });

  const plain = (path: string, route: RawRoute) => raw(path, { routeName: path, kind: 'plain' }, route);
  const json = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };
  plain('/health', (_req, res) => json(res, 200, { status: 'UP' }));
  plain('/ready', async (_req, res) => {
    try {
      // Its own short timeout: a frozen database must turn the probe DOWN well before a request's statement limit.
      if (!(await pingDatabase(app.db, READY_PROBE_TIMEOUT_MS))) throw new Error('database not ready');
      json(res, 200, { status: 'UP', database: 'UP' });
    } catch {
      json(res, 503, { status: 'DOWN', database: 'DOWN' });
    }
  });
  let openapi: string | undefined;
  plain('/openapi.json', (_req, res) => {
    openapi ??= JSON.stringify(buildOpenApiDocument(appRouter, { version: app.config.version, publicUrl: app.config.publicUrl }));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(openapi);
  });
  // With a metrics port configured, scrapes go to that listener only (see app.ts), not to the public one.
  if (app.config.metrics.port === undefined) plain('/metrics', metricsHandler(telemetry, app.config.metrics.token));
  const docsRoute: RawRoute = (req, res, url) => docs(req, res, url.pathname);
  raw(DOCS_PATH, { routeName: DOCS_PATH, kind: 'plain' }, docsRoute);
  raw(`${DOCS_PATH}/*`, { routeName: DOCS_PATH, kind: 'plain' }, docsRoute);
  for (const [path, route] of Object.entries(options.raw ?? {})) raw(path, { routeName: path, kind: 'raw' }, route);

  // The web dashboard: how it signs in, then its files at `/` with an SPA fallback for every other page path.
  const { ui, oidc, dev } = app.config;
  plain('/ui-config.json', (_req, res) =>
    json(res, 200, dev ? { sign_in: 'dev' } : { sign_in: 'oidc', issuer: oidc.issuer, client_id: ui.oidcClientId ?? null, scopes: ui.oidcScopes }),
  );
  plain(UI_PERMISSIONS_PATH, uiPermissionsRoute(app));
  const webUi = createWebUi({ dir: ui.webDir ?? DEFAULT_WEB_DIR, csp: webUiCsp(dev ? undefined : oidc.issuer) });
  const page = (url: string) =>
    fastify.route({
      method: ['GET', 'HEAD'],
      url,
      config: { routeName: WEB_UI_ROUTE, kind: 'plain' },
      exposeHeadRoute: false,
      handler: (request, reply) => {
        reply.hijack();
        webUi.handle(request.raw, reply.raw, new URL(request.url, 'http://localhost').pathname);
      },
    });
  page('/');
  page('/*');

  registerRestRoutes(fastify, appRouter, app, procedures, (r) => admittedRest.get(r), logError);
  registerTrpcRoute(fastify, appRouter, app, (r) => admittedTrpc.get(r), logError);
  return fastify;
}
