import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspect } from './introspection.js';

/** A server on 127.0.0.1 answering each path as `routes` says and counting the hits. */
async function serve(routes: Record<string, (res: http.ServerResponse) => void>) {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    req.resume();
    req.on('end', () => (routes[req.url ?? ''] ?? ((r) => r.writeHead(404).end()))(res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('RFC 7662 introspection', () => {
  let elsewhere: Awaited<ReturnType<typeof serve>>;
  let iam: Awaited<ReturnType<typeof serve>>;
  const client = (path: string) => ({ url: `${iam.url}${path}`, clientId: 'acc', secret: 's' });

  beforeAll(async () => {
    elsewhere = await serve({ '/steal': (res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"active":true}') });
    iam = await serve({
      '/introspect': (res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"active":true,"client_id":"svc"}'),
      '/redirect': (res) => res.writeHead(307, { Location: `${elsewhere.url}/steal` }).end(),
      '/array': (res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]'),
      '/text': (res) => res.writeHead(200).end('yes'),
      '/error': (res) => res.writeHead(500).end('{"active":true}'),
    });
  });
  afterAll(async () => {
    await iam.close();
    await elsewhere.close();
  });

  it("returns the endpoint's answer", async () => {
    expect(await introspect(client('/introspect'), 'tok')).toEqual({ active: true, client_id: 'svc' });
  });

  it('never follows a redirect: the token goes to the configured URL only', async () => {
    expect(await introspect(client('/redirect'), 'tok')).toBeUndefined();
    expect(elsewhere.hits).toEqual([]);
  });

  it('cannot vouch when the answer is not a 2xx JSON object', async () => {
    for (const path of ['/array', '/text', '/error', '/missing']) expect(await introspect(client(path), 'tok'), path).toBeUndefined();
  });
});
