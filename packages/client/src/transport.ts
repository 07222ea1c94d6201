import pRetry from 'p-retry';
import { redactHeaders } from './debug.js';
import { describeNetworkError, TransportFailure } from './errors.js';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface TransportOptions {
  timeoutMs: number;
  retries: number;
  fetch: FetchLike;
  log?: (message: string) => void;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface SendInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

const RETRYABLE_STATUS = new Set([502, 503, 504]);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const MAX_RETRY_AFTER_MS = 30_000;
/** p-retry's schedule: 500 ms doubling up to 8 s, each delay scaled by a random 1–2 so clients spread out. */
const BACKOFF = { minTimeout: 500, factor: 2, maxTimeout: 8000, randomize: true } as const;

/** `Retry-After` in seconds or as an HTTP date, capped at 30 s; `undefined` when absent or unusable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.round(Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS));
}

const hasHeader = (headers: Record<string, string>, name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);

/**
 * A POST may have reached the server before the connection failed; replaying it is only safe when the
 * server can deduplicate it, i.e. when it carries an Idempotency-Key.
 */
export const isRetryable = (init: SendInit) => SAFE_METHODS.has(init.method.toUpperCase()) || hasHeader(init.headers, 'idempotency-key');

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    // The signal's own reason (an AbortError or the caller's), as fetch would reject with.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** A 502/503/504 worth another attempt; p-retry only retries what is thrown. */
class RetryableAnswer extends Error {
  constructor(readonly response: RawResponse) {
    super(`HTTP ${response.status}`);
  }
}

/**
 * One logical HTTP exchange with per-attempt timeout and retries (§3.2), scheduled by p-retry. The whole
 * body is read inside the attempt, so the timeout also covers a server that sends headers and then
 * stalls. Non-retryable answers, whatever their status, are returned; exhausted network failures throw
 * `TransportFailure`.
 */
export async function send(url: string, init: SendInit, opts: TransportOptions): Promise<RawResponse> {
  const retries = isRetryable(init) ? Math.max(0, Math.floor(opts.retries)) : 0;
  const attempts = Math.max(0, Math.floor(opts.retries)) + 1;
  const attempt = async (n: number): Promise<RawResponse> => {
    opts.log?.(`${init.method} ${url} (attempt ${n}/${attempts}) headers=${JSON.stringify(redactHeaders(init.headers))}`);
    const started = Date.now();
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new TransportFailure('timeout', `timed out after ${opts.timeoutMs} ms`, opts.timeoutMs)),
      opts.timeoutMs,
    );
    const signal = init.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
    let response: RawResponse;
    try {
      const res = await opts.fetch(url, { method: init.method, headers: init.headers, body: init.body, signal });
      response = { status: res.status, headers: res.headers, text: await res.text() };
    } catch (err) {
      // A caller's own abort is a decision, not a failure to retry.
      if (init.signal?.aborted) throw init.signal.reason ?? err;
      const failure =
        controller.signal.aborted && controller.signal.reason instanceof TransportFailure
          ? controller.signal.reason
          : new TransportFailure('connection', describeNetworkError(err), undefined, err);
      opts.log?.(`${init.method} ${url} failed after ${Date.now() - started} ms: ${failure.message}`);
      throw failure;
    } finally {
      clearTimeout(timer);
    }
    opts.log?.(`${init.method} ${url} -> ${response.status} in ${Date.now() - started} ms`);
    if (RETRYABLE_STATUS.has(response.status) && n <= retries) throw new RetryableAnswer(response);
    return response;
  };
  try {
    return await pRetry(attempt, {
      ...BACKOFF,
      retries,
      signal: init.signal,
      shouldRetry: ({ error }) => error instanceof TransportFailure || error instanceof RetryableAnswer,
      onFailedAttempt: async ({ error, retriesLeft, retryDelay }) => {
        if (retriesLeft === 0 || !(error instanceof TransportFailure || error instanceof RetryableAnswer)) return;
        // A server's Retry-After outranks the backoff: wait the difference before p-retry's own delay.
        const asked = error instanceof RetryableAnswer ? retryAfterMs(error.response.headers.get('retry-after')) : undefined;
        const wait = Math.max(asked ?? 0, retryDelay);
        opts.log?.(`retrying ${init.method} ${url} in ${wait} ms: ${error.message}`);
        if (wait > retryDelay) await sleep(wait - retryDelay, init.signal);
      },
    });
  } catch (err) {
    if (err instanceof RetryableAnswer) return err.response;
    throw err;
  }
}
