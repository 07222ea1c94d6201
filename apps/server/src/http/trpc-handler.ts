import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { AppRouter } from '../router.js';
import type { AppServices } from '../services.js';
import type { Context } from '../trpc/context.js';
import { errorResponseHeaders } from '../trpc/init.js';
import { MAX_TRPC_BATCH, type TrpcAdmitted } from './admission.js';

type Req = IncomingMessage & { admitted?: TrpcAdmitted; body?: string };

export function createTrpcHandler(appRouter: AppRouter, app: AppServices, onError: (err: unknown) => void) {
  const handler = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    // Refused before authentication and before the body is read; the listener hands the adapter no body then.
    maxBatchSize: MAX_TRPC_BATCH,
    createContext: ({ req }): Context => {
      const admitted = (req as Req).admitted!;
      return {
        app,
        http: {
          transport: 'trpc',
          method: req.method ?? 'GET',
          path: '',
          query: [],
          headers: req.headers,
          body: { state: admitted.state, error: admitted.error },
          response: { headers: {} },
          admission: admitted.admission,
        },
      };
    },
    // The status comes from the error formatter (`data.httpStatus`); Retry-After has to be added here.
    responseMeta: ({ errors }) => (errors.length > 0 ? { headers: errorResponseHeaders(errors) } : {}),
    onError: ({ error }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') onError(error.cause ?? error);
    },
  });

  /**
   * `admitted`: the listener's authentication and body read (http/admission.ts). The adapter is given
   * that body as text, never the stream, and always as JSON: the procedure decides on the type instead
   * (§1.1, after 401 as §1.3 orders), where the adapter would refuse any other type before authenticating.
   */
  return (req: Req, res: ServerResponse, admitted: TrpcAdmitted) => {
    req.admitted = admitted;
    if (admitted.text !== undefined) {
      req.body = admitted.text;
      req.headers['content-type'] = 'application/json';
    }
    // `?input=` nested too deeply is reported by the procedure; the adapter must never parse it.
    if (admitted.state === 'malformed' && req.method === 'GET') {
      const url = new URL(req.url ?? '/', 'http://localhost');
      url.searchParams.delete('input');
      req.url = `${url.pathname}${url.search}`;
    }
    return handler(req, res);
  };
}
