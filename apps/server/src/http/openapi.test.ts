import { describe, expect, it } from 'vitest';
import { REST_BASE, type ProcedureContract } from '@acc/contracts';
import { appRouter } from '../router.js';
import { buildOpenApiDocument } from './openapi.js';

type Op = {
  responses: Record<string, { content?: unknown; headers?: Record<string, unknown> }>;
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown>; type?: string } }> };
};

const doc = buildOpenApiDocument(appRouter, { version: 'test', publicUrl: 'http://acc.test' });
const contracts = (Object.values(appRouter._def.procedures) as unknown as { _def: { meta?: { contract?: ProcedureContract } } }[])
  .map((p) => p._def.meta?.contract)
  .filter((c): c is ProcedureContract => c !== undefined);
const opOf = (c: ProcedureContract) => (doc.paths as Record<string, Record<string, Op>>)[`${REST_BASE}${c.path}`]?.[c.method.toLowerCase()];

describe('the OpenAPI document', () => {
  it('documents every contract at its REST path and method', () => {
    for (const c of contracts) expect(opOf(c), `${c.method} ${c.path}`).toBeDefined();
  });

  it("answers each operation's real success status, with Location on 201", () => {
    for (const c of contracts) {
      const op = opOf(c);
      expect(Object.keys(op.responses), `${c.method} ${c.path}`).toContain(String(c.status));
      if (c.status !== 200) expect(op.responses['200'], `${c.method} ${c.path}`).toBeUndefined();
      if (c.status === 201) expect(op.responses['201'].headers).toHaveProperty('Location');
    }
  });

  it('describes every error as the {code, message} envelope', () => {
    for (const c of contracts) {
      const op = opOf(c);
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) >= 400)
          expect(response.content, `${c.path} ${status}`).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/Error' } } });
      }
    }
  });

  it('documents 503 with Retry-After on every operation, and 408 and 413 on every one that takes a body', () => {
    for (const c of contracts) {
      const op = opOf(c);
      expect(op.responses['503']?.headers, `${c.method} ${c.path}`).toHaveProperty('Retry-After');
      for (const status of ['408', '413']) expect(status in op.responses, `${c.method} ${c.path} ${status}`).toBe(op.requestBody !== undefined);
    }
    const bulk = (doc.paths as Record<string, Record<string, Op>>)[`${REST_BASE}/installations/{installation_id}/metrics/bulk`].post;
    expect(Object.keys(bulk.responses)).toEqual(expect.arrayContaining(['408', '413', '503']));
  });

  it('puts query fields of body methods in the query string, not the body', () => {
    const withQuery = contracts.filter((c) => c.query?.length);
    expect(withQuery.map((c) => `${c.method} ${c.path}`).sort()).toEqual(['PATCH /installations/external', 'POST /installations/external/metrics']);
    for (const c of withQuery) {
      const op = opOf(c);
      expect(op.parameters?.find((p) => p.name === 'externalId')?.in).toBe('query');
      expect(op.requestBody?.content['application/json'].schema.properties).not.toHaveProperty('externalId');
    }
  });

  it('shows the bulk push body as an array', () => {
    const bulk = (doc.paths as Record<string, Record<string, Op>>)[`${REST_BASE}/installations/{installation_id}/metrics/bulk`].post;
    expect(bulk.requestBody?.content['application/json'].schema.type).toBe('array');
  });

  it('names each operation by its contract and keeps a free-form search criterion as the body', () => {
    for (const c of contracts) expect((opOf(c) as { operationId?: string }).operationId).toBe(c.name);
    const search = (doc.paths as Record<string, Record<string, Op>>)[`${REST_BASE}/metrics/search`].post;
    expect(search.requestBody?.content['application/json'].schema.type).toBe('object');
  });

  it('takes DELETE input from the query string, as the route does', () => {
    const op = (doc.paths as Record<string, Record<string, Op>>)[`${REST_BASE}/installations/external`].delete;
    expect(op.parameters?.find((p) => p.name === 'externalId')?.in).toBe('query');
    expect(op.requestBody).toBeUndefined();
  });
});
