import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { AppError } from '../errors.js';
import { BODIES_BUSY_MESSAGE, type BodyClaim } from './body-budget.js';
import type { BodyState } from '../trpc/context.js';
import { JsonDepthError, parseJson } from './json.js';

export interface ReadBody {
  state: BodyState;
  error?: string;
  value?: unknown;
}

const isJson = (contentType: string | undefined) => /^application\/json\s*(;|$)/i.test(contentType ?? '');

/** A header that is absent or blank declares no type at all, which is not the same as declaring a wrong one. */
export const declaresType = (contentType: string | undefined): contentType is string => (contentType ?? '').trim() !== '';

/**
 * The one rule (§1.1) for whether a JSON endpoint may read a request's body, on every transport: a body
 * declared as JSON, or a non-empty body with no declared type at all, because the ARGO Accounting Library
 * 0.1.0 posts `requests.post(url, data=json.dumps(...))`, which sends no Content-Type. A wrong declared
 * type, or no type and nothing to read, cannot be consumed (415).
 */
export const consumesAsJson = (contentType: string | undefined, hasBody: boolean): boolean =>
  declaresType(contentType) ? isJson(contentType) : hasBody;

export const TOO_LARGE_MESSAGE = 'The request body is too large.';
export const TOO_SLOW_MESSAGE = 'The request body took too long to arrive.';

export interface BodyLimits {
  /** Bytes; more, declared or streamed, is a 413. */
  maxBytes: number;
  /** The whole body must have arrived this long after reading starts; otherwise 408. */
  timeoutMs?: number;
  /** This request's share of the bytes all bodies may hold at once (body-budget.ts); past it, 503. */
  claim?: BodyClaim;
}

/** The declared `Content-Length`, when there is a usable one. */
export const declaredLength = (headers: { 'content-length'?: string }): number | undefined => {
  const n = Number(headers['content-length']);
  return headers['content-length'] !== undefined && Number.isFinite(n) ? n : undefined;
};

/**
 * Reads a request body within its limits, and nothing else: no framework, no parsing, so any HTTP layer
 * can call it once it has decided the body is worth reading (after authentication). A declared length
 * over the limit is refused before the first byte; a streamed one as soon as it passes the limit, or
 * when it is still arriving after `timeoutMs`. Then the rest is discarded as it comes, never held, and
 * the stream is not destroyed, because destroying a request destroys its socket and the 413/408 could not
 * be sent; the caller answers with `Connection: close`. Errors are AppErrors (413, 408, and 503 past the body budget).
 */
export function readBody(stream: Readable, limits: BodyLimits, declared?: number): Promise<Buffer> {
  if (declared !== undefined && declared > limits.maxBytes) return Promise.reject(new AppError(413, TOO_LARGE_MESSAGE));
  const { claim } = limits;
  // A declared length is taken whole before the first byte (node stops a body at its declared length);
  // a chunked one chunk by chunk.
  if (claim && declared !== undefined && !claim.take(declared)) return Promise.reject(new AppError(503, BODIES_BUSY_MESSAGE));
  const takeChunks = claim !== undefined && declared === undefined;
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (err?: Error) => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (!err) return resolve(Buffer.concat(chunks));
      chunks.length = 0;
      // Discarding keeps the socket readable until the answer is out; nothing is buffered meanwhile.
      stream.resume();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) return settle(new AppError(413, TOO_LARGE_MESSAGE));
      if (takeChunks && !claim.take(chunk.length)) return settle(new AppError(503, BODIES_BUSY_MESSAGE));
      chunks.push(chunk);
    };
    const onEnd = () => settle();
    const onError = (err: Error) => settle(err);
    // The client went away half-way: there is nobody left to answer.
    const onClose = () => settle(new Error('The request was aborted before its body ended.'));
    const timer = limits.timeoutMs === undefined ? undefined : setTimeout(() => settle(new AppError(408, TOO_SLOW_MESSAGE)), limits.timeoutMs);
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.once('close', onClose);
    // A stream that already ended (nothing to read) emits no further 'end'.
    if (stream.readableEnded) settle();
  });
}

export const readRaw = (req: IncomingMessage, limits: BodyLimits): Promise<Buffer> => readBody(req, limits, declaredLength(req.headers));

/**
 * Classifies a body's text as the procedures expect it (§1.1): not consumable (415), blank, JSON (bounded
 * in depth, see http/json.ts), or malformed with the reason.
 */
export function classifyJsonBody(text: string, contentType: string | undefined): ReadBody {
  const blank = text.trim() === '';
  if (!consumesAsJson(contentType, !blank)) return { state: 'unsupported' };
  if (blank) return { state: 'empty' };
  try {
    const value = parseJson(text);
    return value === null ? { state: 'empty' } : { state: 'ok', value };
  } catch (err) {
    if (err instanceof JsonDepthError) return { state: 'malformed', error: err.message };
    return { state: 'malformed', error: `The request body is not valid JSON: ${(err as Error).message}` };
  }
}

/**
 * Reads a JSON body up front and classifies it, so the procedure can report problems in the spec's order
 * (415 and access before 400) instead of a transport failing first.
 */
export async function readJsonBody(req: IncomingMessage, limits: BodyLimits): Promise<ReadBody> {
  return classifyJsonBody((await readBody(req, limits, declaredLength(req.headers))).toString('utf8'), req.headers['content-type']);
}
