import { callTRPCProcedure, getTRPCErrorFromUnknown } from '@trpc/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { REST_BASE } from '@acc/contracts';
import type { z } from 'zod';
import { errorHeaders } from '../errors.js';
import type { AppRouter } from '../router.js';
import type { AppServices } from '../services.js';
import type { Context, HttpExchange } from '../trpc/context.js';
import { toEnvelope } from '../trpc/init.js';
import type { RestAdmitted } from './admission.js';
import { fastifyPath, restTemplate, type ProcedureEntry } from './procedure-table.js';

/** What the route config carries for the hooks in fastify-app.ts. */
export interface RouteConfig {
  /** The label in metrics and logs. */
  routeName: string;
  /** `api`: admitted before its body is read (REST, tRPC); `raw`: owns its body and limits (APEL, AMS); `plain`: reads no body. */
  kind: 'api' | 'raw' | 'plain';
  /** The procedure a REST route calls. */
  procedure?: ProcedureEntry;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    routeName?: string;
    kind?: RouteConfig['kind'];
    procedure?: ProcedureEntry;
  }
}

/** Zod's kind of a schema, under optional/default/nullable wrappers. */
const kindOf = (schema: z.ZodType): string => {
  let def = schema.def as { type: string; innerType?: z.ZodType };
  while ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) def = def.innerType.def;
  return def.type;
};

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Methods whose input is the JSON body (plus path parameters); GET and DELETE take theirs from the query. */
const inputFromBody = (method: string) => method !== 'GET' && method !== 'DELETE';

/**
 * The procedure's input as REST clients have always sent it: the body (the contract's `body` field when
 * the whole body is one field, the bulk array) or the query string (a repeated key, or any key of an array field, as a list), with the path
 * parameters over either. Query values stay strings: the contracts' fields convert them themselves.
 */
function restInput(entry: ProcedureEntry, url: URL, params: Record<string, string>, body: RestAdmitted['body']): unknown {
  const kind = kindOf(entry.contract.input);
  if (kind === 'void' || kind === 'undefined' || kind === 'never') return undefined;
  let base: Record<string, unknown> = {};
  if (inputFromBody(entry.contract.method)) {
    const { body: whole } = entry.contract;
    if (body?.state === 'ok') {
      // A body that is one field (the bulk array) is handed over as sent; its schema judges what JSON it is.
      if (whole) base = { [whole]: body.value };
      else if (isPlainObject(body.value)) base = body.value;
    }
  } else {
    const shape = kind === 'object' ? ((entry.contract.input as z.ZodObject).shape as Record<string, z.ZodType>) : {};
    for (const key of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(key);
      base[key] = values.length > 1 || (Object.hasOwn(shape, key) && kindOf(shape[key]) === 'array') ? values : values[0];
    }
  }
  return { ...base, ...params };
}

/**
 * One Fastify route per contract (method and path from the contract), each calling its tRPC procedure
 * with the exchange the procedure reads (query, body state, response status and headers), and rendering
 * the spec's envelope `{code, message[, errors]}` for every failure. Route precedence is the router's:
 * a literal segment (`/x/search`) beats a parameter (`/x/:id`) whatever the declaration order.
 */
export function registerRestRoutes(
  fastify: FastifyInstance,
  appRouter: AppRouter,
  app: AppServices,
  procedures: readonly ProcedureEntry[],
  admittedOf: (request: FastifyRequest) => RestAdmitted | undefined,
  onError: (err: unknown) => void,
): void {
  for (const entry of procedures) {
    const config: RouteConfig = { routeName: restTemplate(entry.contract), kind: 'api', procedure: entry };
    fastify.route({
      method: entry.contract.method,
      url: fastifyPath(entry.contract),
      config,
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const admitted = admittedOf(request) ?? { admission: {} };
        const url = new URL(request.url, 'http://localhost');
        const http: HttpExchange = {
          transport: 'rest',
          method: request.method,
          path: url.pathname.slice(REST_BASE.length) || '/',
          query: [...url.searchParams.entries()],
          headers: request.headers,
          body: admitted.body ? { state: admitted.body.state, error: admitted.body.error, value: admitted.body.value } : { state: 'none' },
          response: { headers: {} },
          admission: admitted.admission,
        };
        const ctx: Context = { app, http };
        const input = restInput(entry, url, request.params as Record<string, string>, admitted.body);
        reply.header('Content-Type', 'application/json');
        try {
          const data: unknown = await callTRPCProcedure({
            router: appRouter,
            path: entry.name,
            type: entry.type,
            ctx,
            getRawInput: () => Promise.resolve(input),
            signal: undefined,
            batchIndex: 0,
          });
          return reply
            .code(http.response.status ?? 200)
            .headers(http.response.headers)
            .send(data === undefined ? undefined : JSON.stringify(data));
        } catch (cause) {
          const error = getTRPCErrorFromUnknown(cause);
          if (error.code === 'INTERNAL_SERVER_ERROR') onError(error.cause ?? error);
          const { status, message, errors } = toEnvelope(error);
          return reply
            .code(status)
            .headers(errorHeaders(status))
            .send(JSON.stringify({ code: status, message, ...(errors && { errors }) }));
        }
      },
    });
  }
}
