import { callTRPCProcedure, getTRPCErrorFromUnknown } from '@trpc/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasJsonBody, REST_BASE, type CsvForm, type Page } from '@acc/contracts';
import { once } from 'node:events';
import type { z } from 'zod';
import { errorHeaders } from '../errors.js';
import type { AppRouter } from '../router.js';
import type { AppServices } from '../services.js';
import type { Context, HttpExchange } from '../trpc/context.js';
import { toEnvelope } from '../trpc/init.js';
import type { RestAdmitted } from './admission.js';
import { CSV_CONTENT_TYPE, csvStream, csvText, wantsCsv } from './csv.js';
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

/**
 * The procedure's input as REST clients have always sent it: the body (the contract's `body` field when
 * the whole body is one field, the bulk array) or the query string (a repeated key, or any key of an array field, as a list), with the path
 * parameters over either. Query values stay strings: the contracts' fields convert them themselves.
 */
function restInput(entry: ProcedureEntry, url: URL, params: Record<string, string>, body: RestAdmitted['body']): unknown {
  const kind = kindOf(entry.contract.input);
  if (kind === 'void' || kind === 'undefined' || kind === 'never') return undefined;
  let base: Record<string, unknown> = {};
  if (hasJsonBody(entry.contract.method)) {
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
        const params = request.params as Record<string, string>;
        /** One call of the procedure with the exchange it reads; `url` may carry another page (CSV). */
        const invoke = async (url: URL) => {
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
          const input = restInput(entry, url, params, admitted.body);
          const data: unknown = await callTRPCProcedure({
            router: appRouter,
            path: entry.name,
            type: entry.type,
            ctx,
            getRawInput: () => Promise.resolve(input),
            signal: undefined,
            batchIndex: 0,
          });
          return { data, http, input };
        };
        const url = new URL(request.url, 'http://localhost');
        const csv = entry.contract.csv && wantsCsv(request.headers.accept) ? entry.contract.csv : undefined;
        try {
          if (csv) return await sendCsv(reply, entry, csv, url, invoke);
          const { data, http } = await invoke(url);
          return reply
            .code(http.response.status ?? 200)
            .header('Content-Type', 'application/json')
            .headers(http.response.headers)
            .send(data === undefined ? undefined : JSON.stringify(data));
        } catch (cause) {
          const error = getTRPCErrorFromUnknown(cause);
          if (error.code === 'INTERNAL_SERVER_ERROR') onError(error.cause ?? error);
          const { status, message, errors } = toEnvelope(error);
          return reply
            .code(status)
            .header('Content-Type', 'application/json')
            .headers(errorHeaders(status))
            .send(JSON.stringify({ code: status, message, ...(errors && { errors }) }));
        }
      },
    });
  }
}

type Invoke = (url: URL) => Promise<{ data: unknown; http: HttpExchange; input: unknown }>;

const withPage = (url: URL, page: number, size: number): URL => {
  const next = new URL(url);
  next.searchParams.set('page', String(page));
  next.searchParams.set('size', String(size));
  return next;
};

/**
 * The `Accept: text/csv` answer (usage-api.md §3) from the contract's CSV form. The (first) call runs
 * before anything is sent, so refusals stay JSON envelopes. A paged listing then streams every further
 * page as it is read, each through the same procedure (and access check); a failure after the header is
 * sent can only cut the stream, which the client sees as an incomplete body.
 */
async function sendCsv(reply: FastifyReply, entry: ProcedureEntry, csv: CsvForm, url: URL, invoke: Invoke): Promise<FastifyReply> {
  if (!csv.paged) {
    const { data, http, input } = await invoke(url);
    const table = csv.table(data, entry.contract.input.parse(input));
    return reply
      .code(http.response.status ?? 200)
      .header('Content-Type', CSV_CONTENT_TYPE)
      .send(csvText(table));
  }
  const { size } = csv.paged;
  const first = await invoke(withPage(url, 1, size));
  const page = first.data as Page<unknown>;
  const table = csv.table(page, undefined);
  const stream = csvStream(table.columns);
  for (const row of table.rows) stream.write(row);
  void (async () => {
    try {
      for (let n = 2; n <= page.total_pages; n++) {
        const next = await invoke(withPage(url, n, size));
        for (const row of csv.table(next.data, undefined).rows) {
          if (stream.destroyed) return; // the client went away
          if (!stream.write(row)) await Promise.race([once(stream, 'drain'), once(stream, 'close')]);
        }
      }
      stream.end();
    } catch (err) {
      stream.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  })();
  return reply.code(200).header('Content-Type', CSV_CONTENT_TYPE).send(stream);
}
