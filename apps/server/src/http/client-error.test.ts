import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerClientErrors, CLIENT_ERRORS } from './client-error.js';

/** Sends raw bytes and collects everything until the server closes the connection. */
const exchange = (port: number, raw: string) =>
  new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(raw));
    let got = '';
    socket.on('data', (chunk) => (got += chunk.toString('latin1')));
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
  });

const parse = (raw: string) => {
  const [head, body] = raw.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), head, body: JSON.parse(body) as unknown };
};

describe('requests node:http refuses before routing', () => {
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end('routed'));
    answerClientErrors(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('answers headers beyond the parser limit with 431 in the envelope (node alone sends no body)', async () => {
    const got = parse(await exchange(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'k'.repeat(20_000)}\r\n\r\n`));
    expect(got.status).toBe(431);
    expect(got.body).toEqual({ code: 431, message: CLIENT_ERRORS.headersTooLarge.message });
    expect(got.head).toMatch(/\r\nContent-Type: application\/json\r\n/);
  });

  it('answers a malformed request line or header with 400 in the envelope', async () => {
    for (const raw of ['NOT HTTP AT ALL\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', 'GET /\u0000 HTTP/1.1\r\n\r\n']) {
      const got = parse(await exchange(port, raw));
      expect(got.status, raw).toBe(400);
      expect(got.body).toEqual({ code: 400, message: CLIENT_ERRORS.malformed.message });
    }
  });

  it('still routes a well-formed request on the same server', async () => {
    expect(await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/routed$/);
  });
});
