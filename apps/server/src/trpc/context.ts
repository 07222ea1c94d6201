import type { IncomingHttpHeaders } from 'node:http';
import type { Caller } from '../auth/caller.js';
import type { AppError } from '../errors.js';
import type { AppServices } from '../services.js';

/**
 * `undeclared` (tRPC only): no Content-Type was sent, so whether the body can be consumed depends on
 * whether there is one, which only the adapter's read of it tells; the procedure settles it after auth.
 */
export type BodyState = 'none' | 'ok' | 'empty' | 'malformed' | 'unsupported' | 'undeclared';

/**
 * What a procedure may know about the HTTP exchange, whichever transport carried it. REST fills it from
 * the request; tRPC derives `path` and `query` from the procedure's contract so page links look the same.
 */
export interface HttpExchange {
  transport: 'rest' | 'trpc';
  method: string;
  /** Path below /accounting-system, e.g. `/unit-types`. */
  path: string;
  /** Query parameters in the order received. */
  query: [string, string][];
  headers: IncomingHttpHeaders;
  /** `value` is the parsed JSON (REST only), for procedures that validate the raw body themselves (search, §6). */
  body: { state: BodyState; error?: string; value?: unknown };
  response: { status?: number; headers: Record<string, string> };
  /** What the listener settled before reading the body (http/admission.ts); absent when it did not run. */
  admission?: Admission;
}

export interface Admission {
  /** The authenticator's verdict on the bearer token: the procedure awaits it instead of verifying again. */
  caller?: Promise<Caller>;
  /** Refused before anything else (413, 408), answered in the transport's own format. */
  refusal?: AppError;
}

export interface Context {
  app: AppServices;
  http: HttpExchange;
  caller?: Caller;
}

/** What handlers of non-public procedures see: `procedureFor` has narrowed the caller. */
export type AuthenticatedContext = Context & { caller: Caller };
