import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const LIMIT = 1024;
const TOO_LARGE = { code: 413, message: 'The request body is too large.' };

interface Sent {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/**
 * POSTs `body` in chunks. `declare: false` omits Content-Length (chunked transfer), so only counting the
 * bytes as they arrive can catch it; the server may answer before the upload ends, which is fine.
 */
function post(url: string, body: string, opts: { declare: boolean; token?: string }): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { 'Content-Type': 'application/json' };
    if (opts.declare) headers['Content-Length'] = Buffer.byteLength(body);
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    const req = http.request(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    for (let i = 0; i < body.length; i += 256) req.write(body.slice(i, i + 256));
    req.end();
  });
}

const json = (size: number) => {
  const base = { unit_type: `u${size}`, description: '' };
  const padding = size - JSON.stringify(base).length;
  return JSON.stringify({ ...base, description: 'd'.repeat(Math.max(1, padding)) });
};

describe('request body limit (ACC_MAX_BODY_BYTES)', () => {
  let s: TestServer;
  let admin: string;

  beforeAll(async () => {
    s = await startTestServer('pglite', { ACC_MAX_BODY_BYTES: String(LIMIT) });
    admin = await s.issuer.token({ sub: 'admin', entitlements: [ent('operations:resources:role=admin')] });
  });
  afterAll(() => s.close());

  it('accepts a body of exactly the limit on both transports', async () => {
    const body = json(LIMIT);
    expect(Buffer.byteLength(body)).toBe(LIMIT);
    expect((await post(`${s.url}/accounting-system/unit-types`, body, { declare: true, token: admin })).status).toBe(201);
    const trpcBody = json(LIMIT).replace(`"u${LIMIT}"`, `"t${LIMIT}"`);
    expect((await post(`${s.url}/trpc/unitTypes.create`, trpcBody, { declare: false, token: admin })).status).toBe(200);
  });

  it.each([
    ['REST, declared length', '/accounting-system/unit-types', true],
    ['REST, chunked', '/accounting-system/unit-types', false],
    ['tRPC, declared length', '/trpc/unitTypes.create', true],
    ['tRPC, chunked', '/trpc/unitTypes.create', false],
  ])('answers 413 over %s', async (_name, path, declare) => {
    const r = await post(`${s.url}${path}`, json(LIMIT + 1), { declare, token: admin });
    expect(r.status).toBe(413);
    // tRPC clients get tRPC's error shape, carrying the status.
    if (path.startsWith('/trpc/')) {
      expect(r.body.error.data.httpStatus).toBe(413);
      expect(r.body.error.message).toBe(TOO_LARGE.message);
    } else expect(r.body).toEqual(TOO_LARGE);
  });

  it('refuses a declared oversized body before authentication, on any path', async () => {
    for (const path of ['/accounting-system/unit-types', '/health', '/no/such/path', '/docs/']) {
      const r = await post(`${s.url}${path}`, 'x'.repeat(LIMIT * 4), { declare: true });
      expect(r.status, path).toBe(413);
      expect(r.body, path).toEqual(TOO_LARGE);
      // The body is left unread, so the connection cannot be reused.
      expect(r.headers.connection, path).toBe('close');
    }
  });

  it('keeps serving after refusing', async () => {
    expect((await s.call('GET', '/health')).status).toBe(200);
  });
});
