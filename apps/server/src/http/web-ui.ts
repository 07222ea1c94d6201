import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { sendError } from './send.js';

/** Where `npm run build` puts the dashboard (apps/web/dist), the same from src/http and dist/http. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/**
 * Paths the dashboard never answers for, even when no route matched: an unknown API path must stay the
 * API's 404 in the envelope, not an HTML page a client would try to parse.
 */
const NOT_THE_DASHBOARD =
  /^\/(accounting-system|trpc|docs|openapi\.json|metrics|health|ready|api|dev|ams_verification_hash|ui-config\.json|ui)(\/|$)/;

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface Asset {
  body: Buffer;
  gzip?: Buffer;
  type: string;
  etag: string;
  /** Vite names what it emits under assets/ by content hash: such a file never changes. */
  immutable: boolean;
}

const extension = (name: string) => (name.includes('.') ? name.slice(name.lastIndexOf('.')) : '');

function walk(dir: string, root: string, out: string[]): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, root, out);
    else if (entry.isFile()) out.push(relative(root, full).split(sep).join('/'));
  }
  return out;
}

export interface WebUi {
  /** False when the dashboard was not built: `/` then says so instead of serving a blank page. */
  built: boolean;
  handle(req: IncomingMessage, res: ServerResponse, path: string): void;
}

/**
 * The built dashboard at `/`: only files found in the build folder at start-up are served (a request path
 * never reaches the file system), hashed assets as immutable, everything else revalidated (`no-cache` + ETag).
 * A path that is no file and looks like a page (no extension) gets index.html, so deep links work; the API's
 * own prefixes are never answered here.
 */
export function createWebUi(opts: { dir: string; csp: string }): WebUi {
  const index = join(opts.dir, 'index.html');
  const built = existsSync(index) && statSync(index).isFile();
  const files = new Set(built ? walk(opts.dir, opts.dir, []) : []);
  const cache = new Map<string, Asset>();

  const load = (name: string): Asset => {
    let asset = cache.get(name);
    if (!asset) {
      const body = readFileSync(join(opts.dir, name));
      const type = CONTENT_TYPES[extension(name)] ?? 'application/octet-stream';
      const compressible = /^(text\/|application\/json|image\/svg)/.test(type);
      asset = {
        body,
        type,
        gzip: compressible && body.length > 512 ? gzipSync(body) : undefined,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
        immutable: name.startsWith('assets/'),
      };
      cache.set(name, asset);
    }
    return asset;
  };

  const handle = (req: IncomingMessage, res: ServerResponse, path: string): void => {
    if (NOT_THE_DASHBOARD.test(path)) return sendError(res, 404, 'Not found');
    if (!built) return sendError(res, 404, 'The web dashboard is not built: run `npm run build` (or `npm start` in dev mode).');
    const name = path.slice(1);
    let file: string;
    if (name !== '' && files.has(name)) file = name;
    else if (extension(path.slice(path.lastIndexOf('/') + 1)) === '') file = 'index.html';
    else return sendError(res, 404, 'Not found');
    const asset = load(file);
    const headers: Record<string, string | number> = {
      'Content-Type': asset.type,
      'X-Content-Type-Options': 'nosniff',
      ETag: asset.etag,
      'Cache-Control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      Vary: [res.getHeader('Vary'), 'Accept-Encoding'].filter(Boolean).join(', '),
    };
    if (file === 'index.html') {
      headers['Content-Security-Policy'] = opts.csp;
      headers['Referrer-Policy'] = 'no-referrer';
    }
    if (req.headers['if-none-match'] === asset.etag) {
      res.writeHead(304, headers);
      return void res.end();
    }
    const gzip = asset.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? asset.gzip! : asset.body;
    if (gzip) headers['Content-Encoding'] = 'gzip';
    headers['Content-Length'] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  return { built, handle };
}

/** The page loads only from this server, plus the token endpoints of the issuer it signs in with. */
export function webUiCsp(issuer: string | undefined): string {
  let issuerOrigin = '';
  try {
    if (issuer) issuerOrigin = ` ${new URL(issuer).origin}`;
  } catch {
    /* no issuer origin */
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Charts and React set style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src 'self'${issuerOrigin}`,
    // Silent renewal runs the issuer's authorize endpoint in a hidden iframe.
    `frame-src 'self'${issuerOrigin}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'" + issuerOrigin,
    "object-src 'none'",
  ].join('; ');
}
