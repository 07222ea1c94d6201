import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { AppRouter } from '../router.js';
import type { AppServices } from '../services.js';
import type { BodyState, Context } from '../trpc/context.js';
import { consumesAsJson, declaresType } from './body.js';

type Req = IncomingMessage & { bodyState?: BodyState };

export function createTrpcHandler(appRouter: AppRouter, app: AppServices, onError: (err: unknown) => void) {
  const handler = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    // Bodies without Content-Length are only counted as they stream in; the listener refuses declared ones.
    maxBodySize: app.config.maxBodyBytes,
    createContext: ({ req }): Context => ({
      app,
      http: { transport: 'trpc', method: req.method ?? 'GET', path: '', query: [], headers: req.headers, body: { state: (req as Req).bodyState ?? 'ok' }, response: { headers: {} } },
    }),
    onError: ({ error }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') onError(error.cause ?? error);
    },
  });

  return (req: Req, res: ServerResponse) => {
    if (req.method !== 'GET') {
      // The adapter would refuse any type but its own before authenticating; the procedure decides
      // instead (§1.1, after 401 as §1.3 orders), so the adapter is always handed JSON to route.
      const declared = req.headers['content-type'];
      req.bodyState = !declaresType(declared) ? 'undeclared' : consumesAsJson(declared, true) ? 'ok' : 'unsupported';
      req.headers['content-type'] = 'application/json';
    }
    return handler(req, res);
  };
}
