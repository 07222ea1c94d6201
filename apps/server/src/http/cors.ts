import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from './send.js';

export const CORS_ALLOW_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';
export const CORS_ALLOW_HEADERS = 'Authorization, Content-Type, Idempotency-Key, X-Request-Id';
/** Scripts can only read response headers listed here; these carry meaning for API clients. */
export const CORS_EXPOSE_HEADERS = 'Location, X-Request-Id, Retry-After, Idempotent-Replayed';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * CORS for browser clients on other origins. Bearer tokens travel in a header, never in cookies, so
 * credentials are never allowed and `*` is safe to offer. Returns true when it answered a preflight.
 */
export function createCors(origins: readonly string[]) {
  const any = origins.includes('*');
  const allowed = new Set(origins.map((o) => o.toLowerCase()));
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    // Answers differ per Origin unless everything is allowed; shared caches must key on it.
    if (allowed.size > 0 && !any) res.setHeader('Vary', 'Origin');
    const origin = req.headers.origin;
    const preflight = req.method === 'OPTIONS' && origin !== undefined && req.headers['access-control-request-method'] !== undefined;
    if (origin === undefined) return false;
    const ok = any || allowed.has(origin.toLowerCase());
    if (!preflight) {
      if (ok) {
        res.setHeader('Access-Control-Allow-Origin', any ? '*' : origin);
        res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSE_HEADERS);
      }
      return false;
    }
    if (!ok) {
      sendError(res, 403, 'Cross-origin requests from this origin are not allowed.');
      return true;
    }
    res.writeHead(204, {
      'Access-Control-Allow-Origin': any ? '*' : origin,
      'Access-Control-Allow-Methods': CORS_ALLOW_METHODS,
      'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS,
      'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_SECONDS,
      'Content-Length': 0,
    });
    res.end();
    return true;
  };
}
