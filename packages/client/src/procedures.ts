import { createTRPCClient, httpLink, TRPCClientError, type TRPCClient } from '@trpc/client';
// Type-only: the client must never load server code at run time (the built output is checked for it).
import type { AppRouter } from '@acc/server';
import { AccError, AccServiceError, AccTimeoutError, errorFromResponse, fromTransportFailure, RawHttpAnswer, TransportFailure } from './errors.js';
import { send, type TransportOptions } from './transport.js';

export type ProcedureClient = TRPCClient<AppRouter>;

interface ProcedureClientOptions {
  endpoint: string;
  headers: () => Promise<Record<string, string>>;
  transport: TransportOptions;
}

/** Per-call extras travel in the operation context, e.g. an Idempotency-Key that makes a mutation retryable. */
export interface CallContext {
  headers?: Record<string, string>;
}

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * tRPC over the same transport as REST: per-attempt timeout, retries, debug log. Answers that are not
 * JSON (a proxy's 502 page, an empty 401) are thrown as `RawHttpAnswer`, because tRPC would otherwise
 * report a JSON parse error and lose the status.
 */
export function createProcedureClient(opts: ProcedureClientOptions): ProcedureClient {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${opts.endpoint}/trpc`,
        headers: async ({ op }) => ({ ...(await opts.headers()), ...((op.context as CallContext | undefined)?.headers ?? {}) }),
        fetch: async (input, init) => {
          const url = typeof input === 'string' ? input : input instanceof URL ? input.href : (input as Request).url;
          const headers: Record<string, string> = {};
          new Headers(init?.headers as HeadersInit | undefined).forEach((v, k) => (headers[k] = v));
          const raw = await send(
            url,
            { method: init?.method ?? 'GET', headers, body: typeof init?.body === 'string' ? init.body : undefined, signal: init?.signal ?? undefined },
            opts.transport,
          );
          if (!isJson(raw.text)) throw new RawHttpAnswer(raw.status, raw.text);
          return new Response(NULL_BODY_STATUS.has(raw.status) ? null : raw.text, { status: raw.status, headers: raw.headers });
        },
      }),
    ],
  });
}

interface AccErrorData {
  httpStatus?: number;
  acc?: { status: number; message: string; errors?: string[] };
}

/** Maps whatever a tRPC call threw onto the §3.1 classes, under the given route name. */
export function mapProcedureError(route: string, err: unknown): unknown {
  if (!(err instanceof TRPCClientError)) return err;
  const cause: unknown = err.cause;
  if (cause instanceof TransportFailure) return fromTransportFailure(route, cause);
  if (cause instanceof RawHttpAnswer) {
    if (cause.status >= 200 && cause.status < 300) {
      return new AccServiceError({ route, status: cause.status, errorMessage: `Response is not JSON: ${cause.text.trim().slice(0, 500)}`, body: cause.text });
    }
    return errorFromResponse(route, cause.status, cause.text);
  }
  const data = err.data as AccErrorData | undefined;
  if (data?.acc) {
    const { status, message, errors } = data.acc;
    // The same body REST would have sent, so callers can inspect `body` whatever the transport.
    const body = JSON.stringify({ code: status, message, ...(errors && { errors }) });
    const init = { route, status, code: status, errorMessage: message, body, cause: err };
    return status === 408 ? new AccTimeoutError(init) : new AccServiceError(init);
  }
  if (typeof data?.httpStatus === 'number') {
    return new AccServiceError({ route, status: data.httpStatus, errorMessage: err.message, body: JSON.stringify(err.shape ?? {}), cause: err });
  }
  return new AccError(`While trying the [${route}]: ${err.message}`, { cause: err });
}

/** Runs one tRPC call and rethrows its failure as an AccError carrying the route name. */
export async function callProcedure<T>(route: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw mapProcedureError(route, err);
  }
}
