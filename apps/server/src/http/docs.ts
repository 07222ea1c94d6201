import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sendError } from './send.js';

export const DOCS_PATH = '/docs';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.map': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

/** Only these files are served from the package: the path never reaches the file system unchecked. */
const ASSETS = ['swagger-ui-bundle.js', 'swagger-ui-bundle.js.map', 'swagger-ui.css', 'swagger-ui.css.map', 'favicon-16x16.png', 'favicon-32x32.png'];

// Relative URLs throughout, so the page works unchanged behind a proxy that mounts the service under a prefix.
const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>acc — API reference</title>
  <link rel="stylesheet" href="./swagger-ui.css">
  <link rel="icon" type="image/png" sizes="32x32" href="./favicon-32x32.png">
  <link rel="icon" type="image/png" sizes="16x16" href="./favicon-16x16.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="./swagger-ui-bundle.js"></script>
  <script src="./init.js"></script>
</body>
</html>
`;

/*
 * An external file rather than an inline script so the CSP can forbid inline scripts. "Try it out" goes to
 * the host the page was loaded from first: that is same-origin (no CORS needed) and reachable from this
 * browser, whereas ACC_PUBLIC_URL may name a proxy the reader cannot reach; the public URL stays selectable.
 * BaseLayout rather than the standalone preset: its top bar loads any URL the reader types into this origin.
 */
const INIT = `(function () {
  var specUrl = new URL('../openapi.json', location.href).href;
  var here = new URL('..', location.href).href.replace(/\\/$/, '');
  function start(spec) {
    var options = {
      dom_id: '#swagger-ui',
      deepLinking: true,
      layout: 'BaseLayout',
      presets: [SwaggerUIBundle.presets.apis],
      validatorUrl: null,
      displayRequestDuration: true,
      filter: true,
      tryItOutEnabled: false,
      persistAuthorization: false
    };
    if (spec) {
      var servers = Array.isArray(spec.servers) ? spec.servers : [];
      var listed = servers.some(function (s) { return String(s.url).replace(/\\/$/, '') === here; });
      if (!listed) spec.servers = [{ url: here, description: 'This server' }].concat(servers);
      options.spec = spec;
    } else {
      options.url = specUrl;
    }
    window.ui = SwaggerUIBundle(options);
  }
  fetch(specUrl, { headers: { Accept: 'application/json' } })
    .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
    .then(start, function () { start(undefined); });
})();
`;

interface Asset {
  body: Buffer;
  gzip?: Buffer;
  type: string;
}

const extension = (name: string) => name.slice(name.lastIndexOf('.'));

/**
 * `/docs/`: Swagger UI over `/openapi.json`, its assets read from the installed swagger-ui-dist package (no
 * CDN, so the reference works offline and on air-gapped deployments). Assets are read on first use and kept.
 */
export function createDocsHandler(opts: { publicUrl: string }) {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('swagger-ui-dist/package.json');
  const folder = dirname(packageJson);
  const version = (require('swagger-ui-dist/package.json') as { version: string }).version;
  const etag = `"swagger-ui-${version}"`;
  const cache = new Map<string, Promise<Asset>>();

  const make = (body: Buffer, type: string): Asset => ({ body, type, gzip: type.startsWith('image/') ? undefined : gzipSync(body) });
  const load = (name: string): Promise<Asset> => {
    let asset = cache.get(name);
    if (!asset) {
      if (name === '') asset = Promise.resolve(make(Buffer.from(PAGE), CONTENT_TYPES['.html']));
      else if (name === 'init.js') asset = Promise.resolve(make(Buffer.from(INIT), CONTENT_TYPES['.js']));
      else asset = readFile(join(folder, name)).then((body) => make(body, CONTENT_TYPES[extension(name)] ?? 'application/octet-stream'));
      cache.set(name, asset);
      asset.catch(() => cache.delete(name));
    }
    return asset;
  };

  let publicOrigin = '';
  try {
    publicOrigin = new URL(opts.publicUrl).origin;
  } catch {
    /* connect-src keeps 'self' only */
  }
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    // Swagger UI sets style attributes from script.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self'${publicOrigin ? ` ${publicOrigin}` : ''}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');

  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendError(res, 405, 'Method not allowed');
    }
    if (path === DOCS_PATH) {
      // The page's relative asset URLs need the trailing slash; a relative Location survives path prefixes.
      res.writeHead(301, { Location: 'docs/', 'Content-Length': 0 });
      return void res.end();
    }
    const name = path.slice(DOCS_PATH.length + 1);
    if (name !== '' && name !== 'index.html' && name !== 'init.js' && !ASSETS.includes(name)) return sendError(res, 404, 'Not found');
    const asset = await load(name === 'index.html' ? '' : name);
    const headers: Record<string, string | number> = {
      'Content-Type': asset.type,
      'X-Content-Type-Options': 'nosniff',
      // Keeps a Vary: Origin set by CORS; writeHead would otherwise replace it.
      Vary: [res.getHeader('Vary'), 'Accept-Encoding'].filter(Boolean).join(', '),
    };
    if (name === '' || name === 'index.html') headers['Content-Security-Policy'] = csp;
    if (!ASSETS.includes(name)) {
      // Ours, not the package's: they change with the server, not with the swagger-ui version.
      headers['Cache-Control'] = 'no-cache';
    } else {
      headers.ETag = etag;
      headers['Cache-Control'] = 'public, max-age=3600';
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, headers);
        return void res.end();
      }
    }
    const gzip = asset.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? asset.gzip! : asset.body;
    if (gzip) headers['Content-Encoding'] = 'gzip';
    headers['Content-Length'] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
