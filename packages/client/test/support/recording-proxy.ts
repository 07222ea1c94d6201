import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  /** Below `/accounting-system`, without the query. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RecordingProxy {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** Rewrites the query before forwarding, e.g. to play a server that picks its own page size. */
  rewriteQuery?: (query: URLSearchParams) => void;
}

/**
 * A recording proxy in front of a real server: tests assert what the client sent (method, path,
 * query, headers, body) while the real server answers, so no test keeps its own copy of paths and shapes.
 */
export async function startRecordingProxy(target: string, options: ProxyOptions = {}): Promise<RecordingProxy> {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://proxy');
      options.rewriteQuery?.(url.searchParams);
      const body = Buffer.concat(chunks);
      requests.push({
        method: req.method ?? 'GET',
        path: url.pathname.replace(/^\/accounting-system/, ''),
        query: new URLSearchParams(url.searchParams),
        headers: req.headers,
        body: body.toString('utf8'),
      });
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<
        string,
        string
      >;
      fetch(`${target}${url.pathname}${url.search}`, { method: req.method, headers, body: body.length ? body : undefined })
        .then(async (answer) => {
          const text = Buffer.from(await answer.arrayBuffer());
          const out: Record<string, string> = {};
          answer.headers.forEach((v, k) => {
            if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'content-encoding' && k !== 'connection') out[k] = v;
          });
          res.writeHead(answer.status, out).end(text);
        })
        .catch((err: unknown) => res.writeHead(502).end(String(err)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
