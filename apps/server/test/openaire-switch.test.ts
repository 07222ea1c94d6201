import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { OpenAireClient, OpenAireError } from '../src/modules/projects/openaire-client.js';
import { createLogger } from '../src/telemetry/logger.js';
import { startOpenAire, type OpenAireStub } from './project-fixtures.js';
import { backends } from './support/database.js';
import { adminToken } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

type Line = Record<string, unknown> & { msg: string; level: string };

/** A pino destination that keeps every line. */
function capture() {
  const raw: string[] = [];
  return {
    raw,
    get lines(): Line[] {
      return raw.map((l) => JSON.parse(l) as Line);
    },
    stream: { write: (chunk: string) => void raw.push(...chunk.split('\n').filter(Boolean)) },
  };
}

const custom = (id: string) => ({
  id,
  acronym: `ACR-${id}`,
  title: `Title ${id}`,
  start_date: '2024-01-01',
  end_date: '2026-12-31',
  call_identifier: 'HORIZON',
});

describe('ACC_OPENAIRE_URL configuration', () => {
  it('is on by default in production, off by default in dev mode, and "off" switches it off anywhere', () => {
    const prod = { ACC_OIDC_ISSUER: 'https://idp.example/realms/r' };
    expect(loadConfig(prod).openaireUrl).toBe('https://api.openaire.eu');
    expect(loadConfig({}, { dev: true }).openaireUrl).toBeUndefined();
    expect(loadConfig({ ...prod, ACC_OPENAIRE_URL: 'off' }).openaireUrl).toBeUndefined();
    expect(loadConfig({ ...prod, ACC_OPENAIRE_URL: ' OFF ' }).openaireUrl).toBeUndefined();
    expect(loadConfig({ ACC_OPENAIRE_URL: 'http://127.0.0.1:9/' }, { dev: true }).openaireUrl).toBe('http://127.0.0.1:9');
    expect(() => loadConfig({ ...prod, ACC_OPENAIRE_URL: 'nope' })).toThrow(/ACC_OPENAIRE_URL/);
  });

  it('seeds the demo federation only in dev mode, unless ACC_DEMO=false', () => {
    expect(loadConfig({}, { dev: true }).demo).toBe(true);
    expect(loadConfig({ ACC_DEMO: 'false' }, { dev: true }).demo).toBe(false);
    expect(loadConfig({ ACC_OIDC_ISSUER: 'https://idp.example/realms/r', ACC_DEMO: 'true' }).demo).toBe(false);
  });
});

describe('OpenAireClient failures say why', () => {
  let hanging: http.Server;
  let url: string;
  beforeAll(async () => {
    // Accepts the request and never answers: only the client's timeout ends it.
    hanging = http.createServer(() => {});
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    hanging.closeAllConnections();
    return new Promise<void>((r) => hanging.close(() => r()));
  });

  it('reports a timeout with its limit', async () => {
    const err = await new OpenAireClient(url, 50).searchProject('slow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAireError);
    expect((err as OpenAireError).failure).toEqual({ kind: 'timeout', timeoutMs: 50 });
  });

  it('reports a refused connection with the system error', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const err = (await new OpenAireClient(`http://127.0.0.1:${port}`).searchProject('x').catch((e: unknown) => e)) as OpenAireError;
    expect(err.failure.kind).toBe('connection');
    expect(err.failure).toMatchObject({ error: expect.stringContaining('ECONNREFUSED') });
  });

  it('keeps only the origin of the configured URL for logs', () => {
    expect(new OpenAireClient('https://user:secret@openaire.example/api?key=k').origin).toBe('https://openaire.example');
  });
});

describe.each(backends)('OpenAIRE lookups (%s)', (backend) => {
  describe('switched off', () => {
    let s: TestServer;
    let token: string;
    beforeAll(async () => {
      s = await startTestServer(backend, { ACC_OPENAIRE_URL: 'off' });
      token = await adminToken(s);
    });
    afterAll(() => s?.close());

    it('accepts a custom project unchecked', async () => {
      const r = await s.call('POST', '/accounting-system/admin/projects', { token, body: custom('acme-1') });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ id: 'acme-1', acronym: 'ACR-acme-1' });
    });

    it('refuses register-projects with a 400 that says how to register instead', async () => {
      const r = await s.call('POST', '/accounting-system/admin/register-projects', { token, body: { projects: ['777536'] } });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ code: 400, message: 'OpenAIRE lookups are off (ACC_OPENAIRE_URL=off): register projects with POST /admin/projects.' });
    });
  });

  describe('failing', () => {
    const log = capture();
    let s: TestServer;
    let openaire: OpenAireStub;
    let token: string;
    beforeAll(async () => {
      openaire = await startOpenAire({ broken: 503 });
      const logger = await createLogger({ level: 'info', format: 'json', destination: log.stream });
      s = await startTestServer(backend, { ACC_OPENAIRE_URL: openaire.url }, { logger });
      token = await adminToken(s);
    });
    afterAll(async () => {
      await s?.close();
      await openaire?.close();
    });
    beforeEach(() => void log.raw.splice(0));

    const warnings = () => log.lines.filter((l) => l.level === 'warn' && /OpenAIRE lookup/.test(l.msg));

    it('logs the status at warn with the project id when the custom-project check fails, never the token', async () => {
      const r = await s.call('POST', '/accounting-system/admin/projects', { token, body: custom('broken') });
      expect(r.status).toBe(502);
      expect(r.body).toEqual({ code: 502, message: 'Project broken could not be checked against the European Database. Please try again.' });
      expect(warnings()).toEqual([expect.objectContaining({ projectId: 'broken', kind: 'status', status: 503, openaire: openaire.url })]);
      expect(log.raw.join('\n')).not.toContain(token);
    });

    it('logs why a registration failed while the answer keeps the spec text', async () => {
      const r = await s.call('POST', '/accounting-system/admin/register-projects', { token, body: { projects: ['broken'] } });
      expect(r.status).toBe(200);
      expect(r.body.errors).toEqual(['Project : broken has not been registered. Please try again.']);
      expect(warnings()).toEqual([expect.objectContaining({ projectId: 'broken', kind: 'status', status: 503 })]);
      expect(log.raw.join('\n')).not.toContain(token);
    });
  });
});
