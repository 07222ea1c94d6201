import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricProcedures } from '@acc/contracts';
import { backends } from './support/database.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const MiB = 1024 * 1024;
const TOO_LARGE = { code: 413, message: 'The request body is too large.' };
const TOO_DEEP = 'The request body is nested too deeply (max 64 levels).';

interface Exchange {
  /** Resolves with the raw response text once the server has closed the connection (or ended it). */
  closed: Promise<string>;
  /** Resolves with the first response bytes. */
  answered: Promise<string>;
  socket: net.Socket;
  /** Bytes of the body written so far. */
  written(): number;
  write(text: string | Buffer): Promise<void>;
}

/**
 * A raw HTTP/1.1 exchange: the head is sent at once, the body only as the test writes it, so a test can
 * send part of a body and watch whether the server answers (and closes) without waiting for the rest.
 */
async function open(url: string, head?: string): Promise<Exchange> {
  const { port } = new URL(url);
  const socket = net.connect(Number(port), '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let text = '';
  let written = 0;
  let answer: (t: string) => void;
  const answered = new Promise<string>((r) => (answer = r));
  socket.on('data', (c: Buffer) => {
    text += c.toString('latin1');
    answer(text);
  });
  // Writes into a socket the server has closed fail; the test only cares about what came back.
  socket.on('error', () => {});
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(text)));
  if (head !== undefined) socket.write(head);
  return {
    closed,
    answered,
    socket,
    written: () => written,
    write: (chunk) =>
      new Promise<void>((resolve) => {
        written += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
        socket.write(chunk, () => resolve());
      }),
  };
}

const head = (method: string, path: string, headers: Record<string, string | number>) =>
  `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;

const statusOf = (raw: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
const headerOf = (raw: string, name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(raw)?.[1]?.trim();
const bodyOf = (raw: string) => {
  let text = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  if (/^transfer-encoding: chunked/im.test(raw.slice(0, raw.indexOf('\r\n\r\n')))) {
    let decoded = '';
    for (;;) {
      const eol = text.indexOf('\r\n');
      const size = parseInt(text.slice(0, eol), 16);
      if (!size) break;
      decoded += text.slice(eol + 2, eol + 2 + size);
      text = text.slice(eol + 2 + size + 2);
    }
    text = decoded;
  }
  return JSON.parse(text);
};

const chunk = (data: string) => `${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n`;

/** POSTs `body` with a declared length or chunked, and returns the status and JSON body of the answer. */
async function post(url: string, path: string, body: string, opts: { token?: string; chunked?: boolean } = {}) {
  const headers: Record<string, string | number> = { 'Content-Type': 'application/json', Connection: 'close' };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  if (opts.chunked) headers['Transfer-Encoding'] = 'chunked';
  else headers['Content-Length'] = Buffer.byteLength(body);
  const x = await open(url, head('POST', path, headers));
  const step = 64 * 1024;
  // Stops writing as soon as an answer arrives: a refusal may come before the body is complete.
  let answered = false;
  void x.answered.then(() => (answered = true));
  for (let i = 0; i < body.length && !answered && !x.socket.destroyed; i += step) {
    const part = body.slice(i, i + step);
    await x.write(opts.chunked ? chunk(part) : part);
  }
  if (opts.chunked && !answered && !x.socket.destroyed) await x.write('0\r\n\r\n');
  const raw = await x.closed;
  return { status: statusOf(raw), body: bodyOf(raw), raw };
}

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const nestedObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe.each(backends)('HTTP protections (%s)', (backend) => {
  let s: TestServer;
  let admin: string;

  beforeAll(async () => {
    s = await startTestServer(backend);
    admin = await s.issuer.token({ sub: 'admin', entitlements: [ent('operations:resources:role=admin')] });
  });
  afterAll(() => s.close());

  describe('authentication before the body', () => {
    it.each([
      ['REST, no token, declared length', '/accounting-system/unit-types', {}, 'rest'],
      [
        'REST, invalid token, chunked',
        '/accounting-system/unit-types',
        { Authorization: 'Bearer not-a-jwt', 'Transfer-Encoding': 'chunked' },
        'rest',
      ],
      ['bulk push, no token, declared length', '/accounting-system/installations/000000000000000000000001/metrics/bulk', {}, 'rest'],
      ['tRPC, no token, chunked', '/trpc/unitTypes.create', { 'Transfer-Encoding': 'chunked' }, 'trpc'],
      ['tRPC, invalid token, declared length', '/trpc/unitTypes.create', { Authorization: 'Bearer not-a-jwt' }, 'trpc'],
    ])('answers 401 and closes while the body is still being sent: %s', async (_name, path, extra, transport) => {
      const headers: Record<string, string | number> = { 'Content-Type': 'application/json', ...extra };
      // Under every limit, so only the missing credentials can stop it.
      if (!headers['Transfer-Encoding']) headers['Content-Length'] = 900 * 1024;
      const x = await open(s.url, head('POST', path, headers));
      const first = '{"unit_type":"' + 'x'.repeat(1000);
      await x.write(headers['Transfer-Encoding'] ? chunk(first) : first);
      // Nothing more is ever sent: an answer (and a closed connection) proves the rest was not waited for.
      const raw = await x.closed;
      expect(x.written()).toBeLessThan(2048);
      expect(statusOf(raw)).toBe(401);
      expect(headerOf(raw, 'Connection')).toBe('close');
      const body = bodyOf(raw);
      if (transport === 'rest') expect(body.code).toBe(401);
      else expect(body.error.data.httpStatus).toBe(401);
    });

    it('refuses a wrong AMS secret with 403 without reading the body, and a wrong type with 415 first', async () => {
      for (const [type, status] of [
        ['application/json', 403],
        ['text/plain', 415],
      ] as const) {
        const x = await open(
          s.url,
          head('POST', '/accounting-system/ams-listener', { 'Content-Type': type, Authorization: 'wrong', 'Content-Length': 500_000 }),
        );
        await x.write('{"message":');
        const raw = await x.closed;
        expect(statusOf(raw), type).toBe(status);
        expect(bodyOf(raw).code).toBe(status);
      }
    });

    it('still serves an authenticated caller in full', async () => {
      const r = await post(s.url, '/accounting-system/unit-types', JSON.stringify({ unit_type: 'protect-u', description: 'd' }), {
        token: admin,
        chunked: true,
      });
      expect(r.status).toBe(201);
    });
  });

  describe('per-endpoint body limits', () => {
    const padded = (size: number) => JSON.stringify({ unit_type: 'big', description: 'd'.repeat(size) });

    it.each([
      ['declared', false],
      ['chunked', true],
    ])('refuses more than 1 MiB on an ordinary endpoint (%s) with 413', async (_name, chunked) => {
      const r = await post(s.url, '/accounting-system/unit-types', padded(MiB), { token: admin, chunked });
      expect(r.status).toBe(413);
      expect(r.body).toEqual(TOO_LARGE);
      const t = await post(s.url, '/trpc/unitTypes.create', padded(MiB), { token: admin, chunked });
      expect(t.status).toBe(413);
      expect(t.body.error.data.httpStatus).toBe(413);
      expect(t.body.error.message).toBe(TOO_LARGE.message);
    });

    it('lets bulk push take its contract limit: a 2 MiB body reaches the procedure, 9 MiB does not', async () => {
      const metric = {
        metric_definition_id: 'm',
        time_period_start: '2024-01-01T00:00:00Z',
        time_period_end: '2024-01-02T00:00:00Z',
        value: 1,
        group_id: 'g'.repeat(200),
      };
      const body = (n: number) => JSON.stringify(Array.from({ length: n }, () => metric));
      const path = '/accounting-system/installations/000000000000000000000001/metrics/bulk';
      const two = body(Math.ceil((2 * MiB) / JSON.stringify(metric).length));
      expect(Buffer.byteLength(two)).toBeGreaterThan(2 * MiB);
      for (const chunked of [false, true]) {
        const ok = await post(s.url, path, two, { token: admin, chunked });
        // Read, parsed and handed on to validation (the installation does not exist).
        expect([400, 404], `chunked ${chunked}`).toContain(ok.status);
        const big = await post(s.url, path, body(Math.ceil((9 * MiB) / JSON.stringify(metric).length)), { token: admin, chunked });
        expect(big.status, `chunked ${chunked}`).toBe(413);
        expect(big.body).toEqual(TOO_LARGE);
      }
    });

    it('sizes the bulk limit for 10,000 metrics of maximal length', () => {
      const id = 'f'.repeat(24);
      const metric = {
        metric_definition_id: id,
        time_period_start: '2024-01-01T00:00:00.000Z',
        time_period_end: '2024-12-31T23:59:59.999Z',
        value: -999999999999999.9,
        group_id: 'g'.repeat(255),
        user_id: 'u'.repeat(255),
      };
      const size = Buffer.byteLength(JSON.stringify(Array.from({ length: 10_000 }, () => metric)));
      expect(size).toBeGreaterThan(MiB);
      expect(size).toBeLessThanOrEqual(metricProcedures.pushBulk.maxBodyBytes!);
    });
  });

  describe('JSON nesting depth', () => {
    it.each([
      ['arrays, 5000 levels', nested(5000)],
      ['objects, 65 levels', nestedObject(65)],
    ])('answers 400 for a REST body (%s), 401 without a token', async (_name, body) => {
      const r = await post(s.url, '/accounting-system/unit-types', body, { token: admin });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ code: 400, message: TOO_DEEP });
      expect((await post(s.url, '/accounting-system/unit-types', body)).status).toBe(401);
    });

    it('does not count brackets inside strings, nor refuse 64 levels', async () => {
      const r = await post(
        s.url,
        '/accounting-system/unit-types',
        JSON.stringify({ unit_type: 'brackets', description: `${'['.repeat(300)}${'{'.repeat(300)}` }),
        { token: admin },
      );
      expect(r.status).toBe(201);
      const deepest = await post(s.url, '/accounting-system/unit-types', nestedObject(64), { token: admin });
      expect(deepest.status).toBe(400);
      expect(deepest.body.message).not.toBe(TOO_DEEP);
    });

    it('answers 400 for a tRPC body, 401 without a token', async () => {
      const r = await post(s.url, '/trpc/unitTypes.create', nested(5000), { token: admin });
      expect(r.status).toBe(400);
      expect(r.body.error.message).toBe(TOO_DEEP);
      const anonymous = await post(s.url, '/trpc/unitTypes.create', nested(5000));
      expect(anonymous.body.error.data.httpStatus).toBe(401);
    });

    it('answers 400 for tRPC query input, 401 without a token', async () => {
      // As deep as a URL within node's 16 KiB header limit allows.
      const path = `/trpc/unitTypes.list?input=${encodeURIComponent(nested(2000))}`;
      const r = await s.call('GET', path, { token: admin });
      expect(r.status).toBe(400);
      expect(r.body.error.message).toBe(TOO_DEEP);
      expect((await s.call('GET', path)).status).toBe(401);
    });
  });

  describe('tRPC batches', () => {
    const batch = (n: number) => `/trpc/${Array.from({ length: n }, () => 'unitTypes.list').join(',')}?batch=1`;

    it('serves 10 calls in one batch and refuses 11 with 400', async () => {
      const ten = await s.call('GET', batch(10), { token: admin });
      expect(ten.status).toBe(200);
      expect(ten.body).toHaveLength(10);
      const eleven = await s.call('GET', batch(11), { token: admin });
      expect(eleven.status).toBe(400);
      expect(JSON.stringify(eleven.body)).toContain('Batch call exceeds maximum size');
    });

    it('refuses an oversized batch before authenticating or reading the body', async () => {
      const names = Array.from({ length: 11 }, () => 'unitTypes.create').join(',');
      const x = await open(s.url, head('POST', `/trpc/${names}?batch=1`, { 'Content-Type': 'application/json', 'Content-Length': 500_000 }));
      await x.write('{"0":');
      const raw = await x.closed;
      expect(statusOf(raw)).toBe(400);
    });
  });
});

describe('slow clients, connection cap and request timeout', () => {
  let s: TestServer;
  let admin: string;

  beforeAll(async () => {
    s = await startTestServer('pglite', {
      ACC_HEADERS_TIMEOUT_MS: '300',
      ACC_REQUEST_TIMEOUT_MS: '400',
      ACC_APEL_REQUEST_TIMEOUT_MS: '3000',
      ACC_MAX_CONNECTIONS: '3',
    });
    admin = await s.issuer.token({ sub: 'admin', entitlements: [ent('operations:resources:role=admin')] });
  });
  afterAll(() => s.close());

  it('cuts off a client that never finishes its headers after the header timeout', async () => {
    const started = performance.now();
    const x = await open(s.url, 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    const raw = await x.closed;
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(5_000);
    expect(raw === '' || statusOf(raw) === 408).toBe(true);
  });

  it('answers 408 to an authenticated body that stops arriving', async () => {
    const x = await open(
      s.url,
      head('POST', '/accounting-system/unit-types', { 'Content-Type': 'application/json', Authorization: `Bearer ${admin}`, 'Content-Length': 100 }),
    );
    await x.write('{"unit_type":');
    const raw = await x.closed;
    expect(statusOf(raw)).toBe(408);
    expect(bodyOf(raw)).toEqual({ code: 408, message: 'The request body took too long to arrive.' });
  });

  it('closes connections beyond ACC_MAX_CONNECTIONS on accept', async () => {
    const kept: Exchange[] = [];
    for (let i = 0; i < 3; i++) {
      const x = await open(s.url, head('GET', '/health', {}));
      // Answered: the server has accepted and counted it; keep-alive keeps it open.
      expect(statusOf(await x.answered)).toBe(200);
      kept.push(x);
    }
    const over = await open(s.url, head('GET', '/health', {}));
    expect(await over.closed).toBe('');
    for (const x of kept) x.socket.destroy();
  });
});

describe('load shedding', () => {
  let s: TestServer;

  beforeAll(async () => {
    s = await startTestServer('pglite', { ACC_MAX_EVENT_LOOP_LAG_MS: '100' });
  });
  afterAll(() => s.close());

  it('answers 503 with Retry-After to requests queued behind a blocked event loop, but not /health', async () => {
    const queued = await open(s.url);
    const health = await open(s.url);
    // Written just before the block, so the server sees them only after it.
    queued.socket.write(head('GET', '/accounting-system/unit-types', {}));
    health.socket.write(head('GET', '/health', {}));
    // The server shares this process: block its event loop for a known time, as a runaway handler would.
    const until = performance.now() + 400;
    while (performance.now() < until) {
      /* busy */
    }
    const raw = await queued.answered;
    expect(statusOf(raw)).toBe(503);
    expect(Number(headerOf(raw, 'Retry-After'))).toBeGreaterThanOrEqual(1);
    expect(bodyOf(raw)).toEqual({ code: 503, message: 'The server is overloaded; retry later.' });
    expect(statusOf(await health.answered)).toBe(200);
    queued.socket.destroy();
    health.socket.destroy();
  });
});
