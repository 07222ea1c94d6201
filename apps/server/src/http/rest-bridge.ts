import type { IncomingMessage, ServerResponse } from 'node:http';
import { createOpenApiNodeHttpHandler } from 'trpc-to-openapi';
import { REST_BASE } from '@acc/contracts';
import type { AppRouter } from '../router.js';
import type { AppServices } from '../services.js';
import type { Context, HttpExchange } from '../trpc/context.js';
import { errorResponseHeaders, toEnvelope } from '../trpc/init.js';
import type { RestAdmitted } from './admission.js';

type Req = IncomingMessage & { body?: unknown; exchange?: HttpExchange };

/**
 * Rewrites the bridge's error bodies into the spec's envelope `{code, message[, errors]}`, taking the
 * message our errorFormatter put in `data.acc` (the bridge itself would say "Input validation failed").
 */
function envelopeErrors(res: ServerResponse) {
  const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => ServerResponse;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (res.statusCode >= 400 && typeof chunk === 'string') {
      let message = 'Request failed';
      let errors: string[] | undefined;
      try {
        const body = JSON.parse(chunk) as { message?: string; data?: { acc?: { message: string; errors?: string[] } } };
        message = body.data?.acc?.message ?? body.message ?? message;
        errors = body.data?.acc?.errors;
      } catch {
        /* keep the generic message */
      }
      chunk = JSON.stringify({ code: res.statusCode, message, ...(errors && { errors }) });
    }
    return end(chunk, ...rest);
  }) as typeof res.end;
}

/** `admitted`: the listener's authentication and body read (http/admission.ts), done before the bridge runs. */
export function createRestBridge(appRouter: AppRouter, app: AppServices, onError: (err: unknown) => void) {
  const handler = createOpenApiNodeHttpHandler({
    router: appRouter,
    createContext: ({ req }): Context => ({ app, http: (req as Req).exchange! }),
    responseMeta: ({ ctx, errors }) => {
      if (errors.length > 0) {
        // The bridge takes the status from the tRPC code, which for a database outage says 500.
        const status = toEnvelope(errors[0]!).status;
        return { ...(status === 503 && { status }), headers: errorResponseHeaders(errors) };
      }
      if (!ctx) return {};
      const { status, headers } = (ctx as Context).http.response;
      return { status: status ?? 200, headers };
    },
    onError: ({ error }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') onError(error.cause ?? error);
    },
  });

  return async (req: Req, res: ServerResponse, admitted: RestAdmitted) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const exchange: HttpExchange = {
      transport: 'rest',
      method: req.method ?? 'GET',
      path: url.pathname.slice(REST_BASE.length) || '/',
      query: [...url.searchParams.entries()],
      headers: req.headers,
      body: { state: 'none' },
      response: { headers: {} },
    };
    exchange.admission = admitted.admission;
    if (admitted.body) {
      const body = admitted.body;
      exchange.body = { state: body.state, error: body.error, value: body.value };
      // The bridge spreads the body into the input object; arrays travel under `items`.
      req.body = Array.isArray(body.value) ? { items: body.value } : body.state === 'ok' && typeof body.value === 'object' ? body.value : {};
      // The procedure decides on 415 after authentication (§1.3); let the bridge's own check pass.
      req.headers['content-type'] = 'application/json';
    }
    req.exchange = exchange;
    envelopeErrors(res);
    await handler(req, res);
  };
}
