import { fastifyRequestHandler } from '@trpc/server/adapters/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppRouter } from '../router.js';
import type { AppServices } from '../services.js';
import type { Context } from '../trpc/context.js';
import { errorResponseHeaders } from '../trpc/init.js';
import { MAX_TRPC_BATCH, type TrpcAdmitted } from './admission.js';
import type { RouteConfig } from './rest-routes.js';

/**
 * `/trpc/<procedure>[,<procedure>…]` through tRPC's Fastify adapter. `admittedOf` is the onRequest hook's
 * authentication and body read (http/admission.ts). The adapter is given that body as text, never the
 * stream, and always as JSON: the procedure decides on the type instead (§1.1, after 401 as §1.3 orders),
 * where the adapter would refuse any other type before authenticating.
 */
export function registerTrpcRoute(
  fastify: FastifyInstance,
  appRouter: AppRouter,
  app: AppServices,
  admittedOf: (request: FastifyRequest) => TrpcAdmitted | undefined,
  onError: (err: unknown) => void,
): void {
  fastify.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    url: '/trpc/:path',
    // Named per request (procedure or batch), see fastify-app.ts.
    config: { routeName: '/trpc', kind: 'api' } satisfies RouteConfig,
    handler: async (request, reply) => {
      const admitted = admittedOf(request) ?? { admission: {}, state: 'ok' };
      if (admitted.text !== undefined) request.body = admitted.text;
      // `?input=` nested too deeply is reported by the procedure; the adapter must never parse it.
      if (admitted.state === 'malformed' && request.method === 'GET') {
        const url = new URL(request.raw.url ?? '/', 'http://localhost');
        url.searchParams.delete('input');
        request.raw.url = `${url.pathname}${url.search}`;
      }
      await fastifyRequestHandler({
        router: appRouter,
        req: request,
        res: reply,
        path: (request.params as { path: string }).path,
        // Refused before authentication and before the body is read; the hook hands the adapter no body then.
        maxBatchSize: MAX_TRPC_BATCH,
        createContext: (): Context => ({
          app,
          http: {
            transport: 'trpc',
            method: request.method,
            path: '',
            query: [],
            headers: request.headers,
            body: { state: admitted.state, error: admitted.error },
            response: { headers: {} },
            admission: admitted.admission,
          },
        }),
        // The status comes from the error formatter (`data.httpStatus`); Retry-After has to be added here.
        responseMeta: ({ errors }) => (errors.length > 0 ? { headers: errorResponseHeaders(errors) } : {}),
        onError: ({ error }) => {
          if (error.code === 'INTERNAL_SERVER_ERROR') onError(error.cause ?? error);
        },
      });
      return reply;
    },
  });
}
