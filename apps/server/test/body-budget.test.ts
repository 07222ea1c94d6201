import { EventEmitter } from 'node:events';
import https from 'node:https';
import type { ServerResponse } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODIES_BUSY_MESSAGE, BodyBudget } from '../src/http/body-budget.js';
// The server support first: it loads reflect-metadata, which the certificate library needs.
import { startTestServer, type TestServer } from './support/server.js';
import { ent } from './support/issuer.js';
import { apelMessage, createPki, hostDn, request, slashDn, vmRecord, type Credentials, type Pki, type RawResponse } from './support/apel.js';

const BUDGET = 8_192;
const HELD = 6_000;
const BUSY = { code: 503, message: BODIES_BUSY_MESSAGE };

/** A response stand-in: the budget only listens for its 'close'. */
const fakeResponse = () => new EventEmitter() as unknown as ServerResponse;

describe('BodyBudget', () => {
  it('takes bytes until the budget is full, and gives them back when the response closes', () => {
    const budget = new BodyBudget(100);
    const a = fakeResponse();
    const b = fakeResponse();
    const claimA = budget.claim(a);
    const claimB = budget.claim(b);
    expect(claimA.take(60)).toBe(true);
    expect(claimB.take(41)).toBe(false);
    expect(claimB.take(40)).toBe(true);
    expect(budget.heldBytes).toBe(100);
    a.emit('close');
    expect(budget.heldBytes).toBe(40);
    expect(claimB.take(60)).toBe(true);
  });

  it('lets a request that holds everything there is go on past the budget, so a lone body within its own limit is read', () => {
    const budget = new BodyBudget(100);
    const res = fakeResponse();
    const claim = budget.claim(res);
    expect(claim.take(80)).toBe(true);
    expect(claim.take(80)).toBe(true);
    expect(budget.claim(fakeResponse()).take(1)).toBe(false);
    res.emit('close');
    expect(budget.heldBytes).toBe(0);
  });

  it('never takes anything for a response that already closed', () => {
    const budget = new BodyBudget(100);
    const res = fakeResponse();
    const claim = budget.claim(res);
    res.emit('close');
    expect(claim.take(1)).toBe(false);
    expect(budget.heldBytes).toBe(0);
  });

  it('holds at most the budget, or one request’s bytes when it is alone, and nothing once every response has closed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000 }),
        fc.array(fc.oneof(fc.record({ take: fc.nat(4), bytes: fc.integer({ min: 0, max: 600 }) }), fc.record({ close: fc.nat(4) })), {
          maxLength: 60,
        }),
        (max, steps) => {
          const budget = new BodyBudget(max);
          const responses = Array.from({ length: 5 }, fakeResponse);
          const claims = responses.map((r) => budget.claim(r));
          const mine = responses.map(() => 0);
          const open = responses.map(() => true);
          for (const step of steps) {
            if ('close' in step) {
              if (open[step.close]) responses[step.close].emit('close');
              open[step.close] = false;
              mine[step.close] = 0;
              continue;
            }
            const before = budget.heldBytes;
            const taken = claims[step.take].take(step.bytes);
            if (taken) mine[step.take] += step.bytes;
            // Refused only when it would overrun and someone else holds bytes; a closed response never takes.
            const expected = open[step.take] && (before + step.bytes <= max || before === mine[step.take] - (taken ? step.bytes : 0));
            expect(taken).toBe(expected);
            const held = mine.reduce((a, b) => a + b, 0);
            expect(budget.heldBytes).toBe(held);
            expect(held <= max || mine.filter((m) => m > 0).length === 1).toBe(true);
          }
          responses.forEach((r, i) => open[i] && r.emit('close'));
          expect(budget.heldBytes).toBe(0);
        },
      ),
    );
  });
});

describe('ACC_MAX_BODY_BYTES_IN_FLIGHT on every transport that reads a body', () => {
  let pki: Pki;
  let publisher: Credentials;
  let s: TestServer;
  let admin: string;

  const call = (path: string, opts: { body: string; headers?: Record<string, string>; credentials?: Credentials }): Promise<RawResponse> =>
    request(`${s.url}${path}`, {
      method: 'POST',
      ca: pki.caPem,
      credentials: opts.credentials,
      body: opts.body,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin}`, ...opts.headers },
    });
  const held = async () => {
    const res = await request(`${s.url}/metrics`, { ca: pki.caPem });
    return Number(/^acc_http_body_bytes_held (\d+)$/m.exec(res.text)?.[1]);
  };
  /** Polls the gauge (each poll is a request round trip, not a timer) until it shows `bytes`. */
  const untilHeld = async (bytes: number) => {
    while ((await held()) !== bytes);
  };

  /** A unit-type POST whose first HELD bytes (leading JSON whitespace) arrive now and the rest on `finish`. */
  const holdBody = (unitType: string) => {
    let finish!: () => void;
    let abort!: () => void;
    const answered = new Promise<RawResponse>((resolve, reject) => {
      const req = https.request(
        `${s.url}/accounting-system/unit-types`,
        {
          method: 'POST',
          agent: false,
          ca: pki.caPem,
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin}`, 'Transfer-Encoding': 'chunked' },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: JSON.parse(text) }));
        },
      );
      req.on('error', reject);
      req.write(' '.repeat(HELD));
      finish = () => req.end(JSON.stringify({ unit_type: unitType, description: 'held' }));
      abort = () => req.destroy();
    });
    return { answered, finish: () => finish(), abort: () => abort() };
  };

  beforeAll(async () => {
    pki = await createPki();
    publisher = await pki.client(hostDn('publisher.test'));
    s = await startTestServer('pglite', {
      ...pki.env,
      ACC_MAX_BODY_BYTES: '16384',
      ACC_MAX_BODY_BYTES_IN_FLIGHT: String(BUDGET),
      ACC_APEL_ALLOWED_DNS: JSON.stringify([slashDn(hostDn('publisher.test'))]),
    });
    admin = await s.issuer.token({ sub: 'admin', entitlements: [ent('operations:resources:role=admin')] });
  });
  afterAll(async () => {
    await s?.close();
    pki?.cleanup();
  });

  it('reads a lone body larger than the budget (within its own limit)', async () => {
    const body = ' '.repeat(BUDGET + 1_000) + JSON.stringify({ unit_type: 'lone-large', description: 'd' });
    const r = await call('/accounting-system/unit-types', { body });
    expect(r.status, r.text).toBe(201);
    await untilHeld(0);
  });

  it('answers 503 with Retry-After while other bodies hold the budget, stores nothing, and reads again once they are done', async () => {
    const first = holdBody('held-first');
    await untilHeld(HELD);

    const rest = await call('/accounting-system/unit-types', {
      body: ' '.repeat(3_000) + JSON.stringify({ unit_type: 'refused-rest', description: 'd' }),
    });
    expect(rest.status).toBe(503);
    expect(rest.body).toEqual(BUSY);
    expect(rest.headers['retry-after']).toBe('5');

    // Chunked: refused as its bytes arrive rather than by a declared length.
    const chunked = await call('/accounting-system/unit-types', {
      body: ' '.repeat(3_000) + JSON.stringify({ unit_type: 'refused-chunked', description: 'd' }),
      headers: { 'Transfer-Encoding': 'chunked' },
    });
    expect(chunked.status).toBe(503);
    expect(chunked.body).toEqual(BUSY);

    const trpc = await call('/trpc/unitTypes.create', { body: ' '.repeat(3_000) + JSON.stringify({ unit_type: 'refused-trpc', description: 'd' }) });
    expect(trpc.status).toBe(503);
    expect(trpc.body.error.message).toBe(BODIES_BUSY_MESSAGE);
    expect(trpc.body.error.data.httpStatus).toBe(503);

    const apel = await call('/api/v1/cloud/record', {
      body: apelMessage([vmRecord({ VMUUID: 'refused-apel' })]).padEnd(3_000, ' '),
      headers: { 'Content-Type': 'text/plain' },
      credentials: publisher,
    });
    expect(apel.status).toBe(503);
    expect(apel.body).toBe(BODIES_BUSY_MESSAGE);
    expect(apel.headers['retry-after']).toBe('5');

    // Small bodies still fit beside the held one.
    expect((await call('/accounting-system/unit-types', { body: JSON.stringify({ unit_type: 'small-beside', description: 'd' }) })).status).toBe(201);

    first.finish();
    expect((await first.answered).status).toBe(201);
    await untilHeld(0);

    const db = s.app.database.dataSource;
    const stored = await db.query<{ name: string }[]>(`SELECT name FROM unit_types WHERE name LIKE 'refused-%'`);
    expect(stored).toEqual([]);
    expect(Number((await db.query(`SELECT count(*) AS n FROM apel_records WHERE vm_uuid = 'refused-apel'`))[0].n)).toBe(0);

    // The same requests are read once the budget is free again.
    expect(
      (await call('/accounting-system/unit-types', { body: ' '.repeat(3_000) + JSON.stringify({ unit_type: 'refused-rest', description: 'd' }) }))
        .status,
    ).toBe(201);
    const apelAgain = await call('/api/v1/cloud/record', {
      body: apelMessage([vmRecord({ VMUUID: 'refused-apel' })]).padEnd(3_000, ' '),
      headers: { 'Content-Type': 'text/plain' },
      credentials: publisher,
    });
    expect(apelAgain.status).toBe(202);
  });

  it('gives back the bytes of a client that hangs up half-way', async () => {
    const gone = holdBody('never-finished');
    await untilHeld(HELD);
    const failed = gone.answered.then(
      () => 'answered',
      () => 'aborted',
    );
    gone.abort();
    expect(await failed).toBe('aborted');
    await untilHeld(0);
    expect(
      (await call('/accounting-system/unit-types', { body: ' '.repeat(HELD) + JSON.stringify({ unit_type: 'after-abort', description: 'd' }) }))
        .status,
    ).toBe(201);
  });
});
