import { redactHeaders } from './debug.js';
import { describeNetworkError, TransportFailure } from './errors.js';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface TransportOptions {
  timeoutMs: number;
  retries: number;
  fetch: FetchLike;
  log?: (message: string) => void;
  /** Source of jitter; injectable so tests need no randomness. */
  random?: () => number;
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
const MAX_BACKOFF_MS = 8000;
const MAX_RETRY_AFTER_MS = 30_000;

export const backoffMs = (failedAttempt: number, random: () => number = Math.random) =>
  Math.round(Math.min(500 * 2 ** (failedAttempt - 1), MAX_BACKOFF_MS) * (1 + 0.2 * random()));

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
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * One logical HTTP exchange with per-attempt timeout and retries (§3.2). The whole body is read inside
 * the attempt, so the timeout also covers a server that sends headers and then stalls. Non-retryable
 * answers, whatever their status, are returned; exhausted network failures throw `TransportFailure`.
 */
export async function send(url: string, init: SendInit, opts: TransportOptions): Promise<RawResponse> {
  const attempts = Math.max(0, Math.floor(opts.retries)) + 1;
  const retryable = isRetryable(init);
  const random = opts.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    opts.log?.(`${init.method} ${url} (attempt ${attempt}/${attempts}) headers=${JSON.stringify(redactHeaders(init.headers))}`);
    const started = Date.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new TransportFailure('timeout', `timed out after ${opts.timeoutMs} ms`, opts.timeoutMs)), opts.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
    let response: RawResponse | undefined;
    let failure: TransportFailure | undefined;
    try {
      const res = await opts.fetch(url, { method: init.method, headers: init.headers, body: init.body, signal });
      response = { status: res.status, headers: res.headers, text: await res.text() };
    } catch (err) {
      // A caller's own abort is a decision, not a failure to retry.
      if (init.signal?.aborted) throw init.signal.reason ?? err;
      failure =
        controller.signal.aborted && controller.signal.reason instanceof TransportFailure
          ? controller.signal.reason
          : new TransportFailure('connection', describeNetworkError(err), undefined, err);
    } finally {
      clearTimeout(timer);
    }
    const elapsed = Date.now() - started;
    if (response) {
      opts.log?.(`${init.method} ${url} -> ${response.status} in ${elapsed} ms`);
      if (!RETRYABLE_STATUS.has(response.status) || !retryable || attempt >= attempts) return response;
      const delay = retryAfterMs(response.headers.get('retry-after')) ?? backoffMs(attempt, random);
      opts.log?.(`retrying ${init.method} ${url} in ${delay} ms: HTTP ${response.status}`);
      await sleep(delay, init.signal);
      continue;
    }
    const lost = failure as TransportFailure;
    opts.log?.(`${init.method} ${url} failed after ${elapsed} ms: ${lost.message}`);
    if (!retryable || attempt >= attempts) throw lost;
    const delay = backoffMs(attempt, random);
    opts.log?.(`retrying ${init.method} ${url} in ${delay} ms: ${lost.message}`);
    await sleep(delay, init.signal);
  }
}
