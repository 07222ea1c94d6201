import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { REST_BASE } from '@acc/contracts';
import type { AppRouter } from '../router.js';
import type { AppServices } from '../services.js';
import { buildOpenApiDocument } from './openapi.js';
import { createRestBridge } from './rest-bridge.js';
import { sendError, sendJson } from './send.js';
import { createTrpcHandler } from './trpc-handler.js';

export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

/**
 * The one request listener: health, the OpenAPI document, tRPC, the REST bridge, plus extra routes
 * (dev JWKS, APEL) mounted by exact path. Any unexpected failure answers 500 in the envelope; the
 * server itself never goes down with a request.
 */
export function createRequestListener(appRouter: AppRouter, app: AppServices, extra: Record<string, Route> = {}, log: (err: unknown) => void = console.error): RequestListener {
  const rest = createRestBridge(appRouter, app, log);
  const trpc = createTrpcHandler(appRouter, app, log);
  let openapi: string | undefined;
  return async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const path = url.pathname;
      if (path === '/health') return sendJson(res, 200, { status: 'UP' });
      if (path === '/ready') {
        try {
          await app.db.query('SELECT 1');
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
      if (path.startsWith('/trpc/')) return void (await trpc(req, res));
      if (path === REST_BASE || path.startsWith(`${REST_BASE}/`)) return await rest(req, res);
      const route = extra[path];
      if (route) return await route(req, res, url);
      return sendError(res, 404, 'Not found');
    } catch (err) {
      log(err);
      if (!res.headersSent) sendError(res, 500, 'An unexpected error occurred.');
      else res.destroy();
    }
  };
}
