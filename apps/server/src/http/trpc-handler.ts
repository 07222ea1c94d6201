import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { AppRouter } from '../router.js';
import type { AppServices } from '../services.js';
import type { Context } from '../trpc/context.js';

export function createTrpcHandler(appRouter: AppRouter, app: AppServices, onError: (err: unknown) => void) {
  return createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    // Bodies without Content-Length are only counted as they stream in; the listener refuses declared ones.
    maxBodySize: app.config.maxBodyBytes,
    createContext: ({ req }): Context => ({
      app,
      http: { transport: 'trpc', method: req.method ?? 'GET', path: '', query: [], headers: req.headers, body: { state: 'ok' }, response: { headers: {} } },
    }),
    onError: ({ error }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') onError(error.cause ?? error);
    },
  });
}
