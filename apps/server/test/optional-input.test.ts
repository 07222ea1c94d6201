import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptsNoInput, isQuery, type ProcedureContract } from '@acc/contracts';
import { appRouter } from '../src/router.js';
import { backends } from './support/database.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

/** Every tRPC procedure with its contract, read from the router itself so none can be forgotten. */
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { meta?: { contract?: ProcedureContract } } }>).map(
  ([path, p]) => ({ path, contract: p._def.meta!.contract! }),
);
const allOptional = procedures.filter((p) => acceptsNoInput(p.contract.input));

/**
 * All-optional procedures whose answer to "no input" is not a plain success, and why. Any other
 * all-optional procedure must answer 200.
 */
const NOT_200: Record<string, { status: number; message: string }> = {
  // Its own shared secret, never a bearer token (§4.14).
  'ams.listener': { status: 403, message: 'You cannot perform this operation' },
  // The external id is optional in the schema only so that the service can answer the §4.6 text.
  'installations.getByExternalId': { status: 400, message: 'externalId may not be empty.' },
  'installations.updateByExternalId': { status: 400, message: 'externalId may not be empty.' },
  'installations.deleteByExternalId': { status: 400, message: 'externalId may not be empty.' },
  'metrics.pushExternal': { status: 400, message: 'externalId may not be empty.' },
};

describe('which inputs are all-optional', () => {
  it('covers the lists and the argument-less procedures, not the searches whose body is required', () => {
    const paths = allOptional.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(['unitTypes.list', 'metricTypes.list', 'system.version', 'clients.register', 'searchMeta.operands', 'projects.list']),
    );
    expect(paths.filter((p) => p.endsWith('.search'))).toEqual([]);
    expect(
      Object.keys(NOT_200).filter((p) => !paths.includes(p)),
      'stale exceptions',
    ).toEqual([]);
  });
});

describe.each(backends)('procedures with all-optional input accept no input over tRPC (%s)', (backend) => {
  let s: TestServer;
  let admin: string;

  beforeAll(async () => {
    s = await startTestServer(backend);
    admin = await s.issuer.token({ entitlements: [ent('role=admin')] });
  });
  afterAll(() => s?.close());

  /** Exactly what @trpc/client sends for `proc.query()` / `proc.mutate()`: no `?input=`, no body. */
  const callWithoutInput = async (path: string, contract: ProcedureContract) => {
    const res = await fetch(`${s.url}/trpc/${path}`, {
      method: isQuery(contract) ? 'GET' : 'POST',
      headers: { Authorization: `Bearer ${admin}`, ...(!isQuery(contract) && { 'Content-Type': 'application/json' }) },
    });
    const body = (await res.json()) as { result?: { data: unknown }; error?: { message: string } };
    return { status: res.status, message: body.error?.message };
  };

  it.each(allOptional.map((p) => [p.path, p.contract] as const))('%s', async (path, contract) => {
    const got = await callWithoutInput(path, contract);
    expect(got).toEqual(NOT_200[path] ?? { status: 200, message: undefined });
  });

  it('answers a list called without input with the default page, as REST does', async () => {
    const res = await fetch(`${s.url}/trpc/unitTypes.list`, { headers: { Authorization: `Bearer ${admin}` } });
    const rest = await s.call('GET', '/accounting-system/unit-types', { token: admin });
    expect(((await res.json()) as { result: { data: unknown } }).result.data).toEqual(rest.body);
  });

  it('keeps "The request body is empty." for a search called without input', async () => {
    const res = await fetch(`${s.url}/trpc/metricDefinitions.search`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('The request body is empty.');
  });
});
