import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { startTestServer, type TestServer } from './support/server.js';
import { trpcCall } from './support/catalogue-fixtures.js';

const OPERANDS = [
  { label: 'eq', display_value: '==' },
  { label: 'lt', display_value: '<' },
  { label: 'lte', display_value: '<=' },
  { label: 'gt', display_value: '>' },
  { label: 'gte', display_value: '>=' },
  { label: 'neq', display_value: '!=' },
];
const OPERATORS = [
  { label: 'and', display_value: 'AND' },
  { label: 'or', display_value: 'OR' },
];

describe.each(backends)('operands and operators (%s)', (backend) => {
  let s: TestServer;
  let anyone: string;

  beforeAll(async () => {
    s = await startTestServer(backend);
    anyone = await s.issuer.token({ sub: 'someone-without-rights' });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('GET /operands and /operators answer the fixed lists to any authenticated caller', async () => {
    const operands = await s.call('GET', '/accounting-system/operands', { token: anyone });
    expect(operands.status).toBe(200);
    expect(operands.text).toBe(JSON.stringify(OPERANDS));
    const operators = await s.call('GET', '/accounting-system/operators', { token: anyone });
    expect(operators.status).toBe(200);
    expect(operators.text).toBe(JSON.stringify(OPERATORS));
  });

  it('401 without a valid token', async () => {
    for (const path of ['/accounting-system/operands', '/accounting-system/operators']) {
      expect((await s.call('GET', path)).body).toEqual({ code: 401, message: 'Missing bearer token.' });
      const foreign = await s.issuer.foreignToken();
      expect((await s.call('GET', path, { token: foreign })).status).toBe(401);
    }
  });

  it('tRPC: searchMeta.operands and searchMeta.operators', async () => {
    expect((await trpcCall(s.url, 'query', 'searchMeta.operands', {}, anyone)).body.result.data).toEqual(OPERANDS);
    expect((await trpcCall(s.url, 'query', 'searchMeta.operators', {}, anyone)).body.result.data).toEqual(OPERATORS);
    const anonymous = await trpcCall(s.url, 'query', 'searchMeta.operands', {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.data.httpStatus).toBe(401);
    expect(anonymous.body.error.message).toBe('Missing bearer token.');
  });
});
