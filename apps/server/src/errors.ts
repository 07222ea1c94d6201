import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';

const codeFor: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_SUPPORTED',
  408: 'TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_CONTENT',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_SERVER_ERROR',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
};

/**
 * The one error type every layer throws for a client-visible failure. It is a TRPCError so tRPC passes
 * it through untouched and both transports derive the same HTTP status from it; REST renders it as the
 * spec's `{"code": status, "message": ...}` envelope, tRPC as an error whose `data.acc` carries the same.
 */
export class AppError extends TRPCError {
  constructor(
    readonly status: number,
    message: string,
    /** Only bulk push and project registration add an `errors` list (spec §1.2). */
    readonly errors?: string[],
  ) {
    super({ code: codeFor[status] ?? 'INTERNAL_SERVER_ERROR', message });
  }
}

export const badRequest = (message: string, errors?: string[]) => new AppError(400, message, errors);
export const unauthorized = (message: string) => new AppError(401, message);
export const forbidden = (message = 'The authenticated client is not permitted to perform the requested operation.') => new AppError(403, message);
export const notFound = (message: string) => new AppError(404, message);
export const conflict = (message: string) => new AppError(409, message);

/** How long a client is asked to wait (Retry-After, seconds) before retrying a 503. */
export const RETRY_AFTER_SECONDS = 5;
/** What a 503 says when the database is down, restarting, overloaded or too slow (db-errors.ts). */
export const DATABASE_UNAVAILABLE_MESSAGE = 'The database is unavailable; retry later.';
/** Headers that go with an error status: a 503 always tells the client when to come back. */
export const errorHeaders = (status: number): Record<string, string> => (status === 503 ? { 'Retry-After': String(RETRY_AFTER_SECONDS) } : {});
