import { initTRPC, type TRPCError } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { ZodError } from 'zod';
import { messages, type ProcedureContract } from '@acc/contracts';
import { isDatabaseUnavailable } from '../db-errors.js';
import { AppError, DATABASE_UNAVAILABLE_MESSAGE, errorHeaders } from '../errors.js';
import type { PreRule } from '../access/index.js';
import type { Context } from './context.js';

export interface Envelope {
  status: number;
  message: string;
  errors?: string[];
}

const statusOf: Record<string, number> = {
  PARSE_ERROR: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_SUPPORTED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
};

/** The first zod issue, as the spec wants fail-fast validation; our own messages are used verbatim. */
const firstIssue = (err: ZodError): string => {
  const issue = err.issues[0];
  if (!issue) return 'The request is invalid.';
  if (issue.code === 'custom') return issue.message;
  const field = issue.path.join('.');
  return field ? `${field}: ${issue.message}` : issue.message;
};

/** Maps any error to the spec's envelope; internal failures never leak their text or stack. */
export const toEnvelope = (error: TRPCError): Envelope => {
  if (error instanceof AppError) return { status: error.status, message: error.message, errors: error.errors };
  if (error.code === 'BAD_REQUEST' && error.cause instanceof ZodError) return { status: 400, message: firstIssue(error.cause) };
  // The adapter's own size check says only "PAYLOAD_TOO_LARGE": answer as REST does.
  if (error.code === 'PAYLOAD_TOO_LARGE') return { status: 413, message: 'The request body is too large.' };
  // An outage is the database's, not the server's fault, and over once it is back: 503, never 500.
  if (error.code === 'INTERNAL_SERVER_ERROR' && isDatabaseUnavailable(error.cause)) return { status: 503, message: DATABASE_UNAVAILABLE_MESSAGE };
  const status = statusOf[error.code];
  if (status) return { status, message: error.message };
  return { status: 500, message: messages.internal };
};

/** Response headers for failed calls (Retry-After on a 503), for both transports' `responseMeta`. */
export const errorResponseHeaders = (errors: readonly TRPCError[]): Record<string, string> =>
  Object.fromEntries(errors.flatMap((e) => Object.entries(errorHeaders(toEnvelope(e).status))));

/** `rule` is the procedure's pre-body access rule, read by the listener to authenticate before the body. */
export interface Meta {
  contract?: ProcedureContract;
  rule?: PreRule;
}

export const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    errorFormatter({ shape, error }) {
      const acc = toEnvelope(error);
      // tRPC clients read the code, not the status: an outage must not look like a server bug to them.
      const unavailable = acc.status === 503 && error.code === 'INTERNAL_SERVER_ERROR';
      const code = unavailable ? TRPC_ERROR_CODES_BY_KEY.SERVICE_UNAVAILABLE : shape.code;
      const dataCode = unavailable ? 'SERVICE_UNAVAILABLE' : shape.data.code;
      return { code, message: acc.message, data: { code: dataCode, httpStatus: acc.status, path: shape.data.path, acc } };
    },
  });

export const router = t.router;
