import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractProject, hasResults, OpenAireClient, OpenAireError } from './openaire-client.js';

const entity = (project: Record<string, unknown>) => ({ metadata: { 'oaf:entity': { 'oaf:project': project } } });
const answer = (total: unknown, result: unknown) => ({ response: { header: { total: { $: total } }, results: { result } } });

describe('extractProject', () => {
  it('takes result[total - 1] and maps each `$`, a missing element becoming ""', () => {
    const body = answer(2, [
      entity({ code: { $: 'first' } }),
      entity({ code: { $: 777536 }, acronym: { $: 'EOSC-hub' }, title: { $: 'T' }, startdate: { $: '2018-01-01' }, enddate: { $: null } }),
    ]);
    expect(extractProject(body, '777536')).toEqual({
      id: '777536',
      acronym: 'EOSC-hub',
      title: 'T',
      startDate: '2018-01-01',
      endDate: '',
      callIdentifier: '',
    });
  });

  it('reads a lone result given as an object, and falls back to the requested id without a code', () => {
    expect(extractProject(answer('1', entity({ acronym: { $: 'A' } })), 'asked')).toMatchObject({ id: 'asked', acronym: 'A' });
  });

  it.each([
    ['a total beyond the results', answer(3, [entity({})])],
    ['no total', { response: { results: { result: [entity({})] } } }],
    ['no project element', answer(1, [{ metadata: {} }])],
    ['a scalar body', 'text'],
  ])('fails on %s', (_, body) => {
    expect(() => extractProject(body, 'x')).toThrow(OpenAireError);
  });
});

describe('hasResults', () => {
  it('is true only when response.results is present and not null', () => {
    expect(hasResults(answer(1, []))).toBe(true);
    expect(hasResults({ response: { header: {}, results: null } })).toBe(false);
    expect(hasResults({ response: {} })).toBe(false);
    expect(hasResults(null)).toBe(false);
    expect(hasResults(JSON.parse('{"__proto__":{"response":{"results":{}}}}'))).toBe(false);
  });
});

describe('OpenAireClient', () => {
  let server: http.Server;
  let base: string;
  const seen: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      if (req.url?.includes('grantID=fail')) return void res.writeHead(503).end();
      if (req.url?.includes('grantID=text')) return void res.writeHead(200).end('<xml/>');
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ok: true }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('asks /search/projects with the grant id encoded, under a base URL with or without a trailing slash', async () => {
    expect(await new OpenAireClient(`${base}/`).searchProject('a b&c')).toEqual({ ok: true });
    expect(seen.at(-1)).toBe('/search/projects?grantID=a%20b%26c&format=json');
  });

  it('turns HTTP failures, non-JSON bodies and unreachable hosts into OpenAireError', async () => {
    const client = new OpenAireClient(base);
    await expect(client.searchProject('fail')).rejects.toThrow('OpenAIRE answered 503');
    await expect(client.searchProject('text')).rejects.toBeInstanceOf(OpenAireError);
    await expect(new OpenAireClient('http://127.0.0.1:1').searchProject('x')).rejects.toBeInstanceOf(OpenAireError);
  });
});
