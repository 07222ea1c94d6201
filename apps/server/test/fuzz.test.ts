import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { isQuery, type ProcedureContract } from '@acc/contracts';
import { appRouter } from '../src/router.js';
import { backends } from './support/database.js';
import { Fixtures, stage } from './support/fixtures.js';
import { ent } from './support/issuer.js';
import { openAireProject, startOpenAire, type OpenAireStub } from './project-fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

/**
 * Fuzzes every operation twice over: each REST operation of the server's own OpenAPI document and each
 * tRPC procedure of the router, with malformed path ids, queries and bodies, as an admin, as a caller
 * without roles and anonymously. Whatever is sent, the answer must come within REQUEST_TIMEOUT_MS, be no
 * 5xx, and every 4xx must carry the error envelope with `code` equal to the status (over tRPC, the
 * formatter's `data.acc` and `data.httpStatus`). Cases are drawn by fast-check from a fixed seed
 * (ACC_FUZZ_SEED overrides it), so a failure replays exactly; it is reported with the request as sent.
 */

const SEED = Number(process.env.ACC_FUZZ_SEED ?? 20_261_203);
const RANDOM_CASES_PER_OPERATION = Number(process.env.ACC_FUZZ_CASES ?? 5);
const REQUEST_TIMEOUT_MS = 10_000;
const CONCURRENCY = 4;
// The message names the variable so a failure can be replayed with the same draw.
console.log(`fuzz seed: ${SEED} (set ACC_FUZZ_SEED to replay or vary it)`);

/** JSON text spliced verbatim: numbers and escapes that JSON.stringify cannot produce (1e999, -0, 2^53+1). */
class Raw {
  constructor(readonly text: string) {}
  toString() {
    return this.text;
  }
}

const toJson = (v: unknown): string => {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`)
      .join(',')}}`;
  // JSON.stringify writes a lone surrogate as its `\ud800` escape, which is what a client would send.
  return JSON.stringify(v) ?? 'null';
};

const LONG = 'x'.repeat(100_000);
/** Long enough to matter in a URL, short enough to stay under Node's 16 KiB header limit. */
const URL_LONG = 'y'.repeat(4_000);
const META = `' " ; -- % _ \\ * ( ) { } $ .. \` < > & | ^ ~ [ ] /* */ \${x} {{x}} $where $gt :: ?`;
/** Like encodeURIComponent, but a lone surrogate becomes its WTF-8 bytes instead of a URIError: the server must meet them. */
const encode = (v: string) =>
  v.replace(/[\ud800-\udbff][\udc00-\udfff]|[\s\S]/g, (ch) => {
    if (ch.length === 2 || ch.charCodeAt(0) < 0xd800 || ch.charCodeAt(0) > 0xdfff) return encodeURIComponent(ch);
    const c = ch.charCodeAt(0);
    return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
  });
const queryString = (pairs: [string, string][]) => pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00',
  META,
  "' OR '1'='1",
  '%',
  '_',
  '\\',
  '*',
  '..',
  '../../etc/passwd',
  '𝔘ñí©ødé ☃ 中文 \u202e',
  'NaN',
  'Infinity',
  '-0',
  '1e308',
  '9007199254740993',
  'null',
  'true',
  '2024-02-30',
  '2024-01-01T25:61:61Z',
  '0000-01-01',
  '99999-12-31',
  '-271821-04-19T00:00:00Z',
  '+275760-09-13T00:00:00.001Z',
  '0123456789abcdef01234567',
  '9999-12-31T23:59:59.999Z',
  '0001-01-01',
  '2024-01-01T00:00:00+14:00',
  '2024-01-01T00:00:00.123456789Z',
  '20240101',
  'z'.repeat(255),
  'z'.repeat(256),
  `${'𝔘'.repeat(127)}x`,
  '€'.repeat(255),
];
const NASTY_NUMBERS: unknown[] = [
  9007199254740991,
  -9007199254740991,
  1e15,
  -1e15,
  1e15 + 1,
  1e-7,
  new Raw('1e308'),
  new Raw('-1e308'),
  new Raw('1e999'),
  new Raw('-1e999'),
  new Raw('9007199254740993'),
  new Raw('-9007199254740993'),
  new Raw('-0'),
  new Raw('1e-400'),
  new Raw('123456789012345678901234567890'),
  0,
  -1,
  1.5,
  2147483648,
  1e21,
];
const NASTY_OTHERS: unknown[] = [
  null,
  true,
  false,
  [],
  {},
  [[]],
  [null],
  ['x'],
  { a: 1 },
  { $gt: '' },
  new Raw('{"__proto__":{"polluted":1}}'),
  new Raw('{"constructor":{"prototype":{"polluted":1}}}'),
  new Raw(nestedArrays(200)),
];
const nastyValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 1, arbitrary: fc.constant(LONG) },
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_NUMBERS) },
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_OTHERS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.double() },
);
/** What a query parameter or a path segment can carry: text only, bounded for the URL. */
const nastyText = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 1, arbitrary: fc.constant(URL_LONG) },
  { weight: 2, arbitrary: fc.constantFrom('1e308', '-1e308', 'NaN', 'Infinity', '-Infinity', '-0', '9007199254740993', '0x10', '1_0', '') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);
/** Headers a client may get wrong; an Authorization here replaces the caller's token. */
const NASTY_HEADERS: Record<string, string>[] = [
  { Authorization: 'Bearer' },
  { Authorization: `Bearer ${'a'.repeat(8_000)}` },
  { Authorization: 'Bearer a.b.c' },
  { Authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
  { Authorization: 'Basic Zm9vOmJhcg==' },
  { Authorization: 'Bearer \u00ff\u00fe' },
  { 'Idempotency-Key': 'k'.repeat(8_000) },
  { 'Idempotency-Key': ' ' },
  { 'Idempotency-Key': "' OR 1=1 --\u00e9" },
  { 'X-Request-Id': '\u00ff'.repeat(200) },
  { Accept: 'application/xml' },
  { 'Content-Type': 'application/json; charset=latin1' },
  { 'Content-Encoding': 'gzip' },
  // Past node's 16 KiB header limit: refused by the parser before any route.
  { 'X-Padding': 'p'.repeat(17_000) },
];

/** One request in four carries a bad header; the rest keep the caller's token so the input is what is judged. */
const nastyHeaders = fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...NASTY_HEADERS) });

/** Raw URL pieces that no encoder produces: malformed escapes, encoded NUL, encoded lone surrogate, encoded slash. */
const RAW_URL_PIECES = ['%', '%zz', '%E0%A4%A', '%00', '%ED%A0%80', '%C0%AF', '%2F', '%2e%2e', '..', '.', '%FF%FE'];

/** The §6 search DSL, mis-shaped at every level. */
const criterion: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('query'), tie('filter'), nastyValue),
  query: fc.record(
    {
      type: fc.oneof(fc.constant('query'), nastyValue),
      field: fc.oneof(fc.constantFrom('_id', 'name', 'metric_name', 'value', 'time_period_start', 'project', 'start_date', 'user_id'), nastyValue),
      values: nastyValue,
      operand: fc.oneof(fc.constantFrom('eq', 'neq', 'lt', 'lte', 'gt', 'gte'), nastyValue),
    },
    { requiredKeys: [] },
  ),
  filter: fc.record(
    {
      type: fc.oneof(fc.constant('filter'), nastyValue),
      operator: fc.oneof(fc.constantFrom('AND', 'OR', 'and'), nastyValue),
      criteria: fc.oneof(fc.array(tie('node'), { maxLength: 3 }), nastyValue),
    },
    { requiredKeys: [] },
  ),
})).node;

type Auth = 'admin' | 'noRoles' | 'anonymous';
/** Mostly the admin, whom no access check stops before the input is read; the others once in five. */
const AUTHS: Auth[] = ['admin', 'noRoles', 'admin', 'anonymous', 'admin'];

interface FuzzRequest {
  label: string;
  method: string;
  /** Path and query, already encoded (deliberately malformed where the case says so). */
  url: string;
  auth: Auth;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  transport: 'rest' | 'trpc';
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  format?: string;
  additionalProperties?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minItems?: number;
  default?: unknown;
};

/** Ids of the staged world, so fuzzed inputs also reach the handlers past "not found". */
interface World {
  projectId: string;
  providerId: string;
  installationId: string;
  definitionId: string;
  metricId: string;
  capacityId: string;
}

const idFor = (w: World, name: string, path: string): string => {
  if (/project/.test(name)) return w.projectId;
  if (/provider|organisation/.test(name)) return w.providerId;
  if (/installation/.test(name)) return w.installationId;
  if (/metric_definition|definition/.test(name)) return w.definitionId;
  if (/metric_id/.test(name)) return w.metricId;
  if (/capacity/.test(name)) return w.capacityId;
  if (name === 'id') {
    if (path.includes('/projects')) return w.projectId;
    if (path.includes('/providers')) return w.providerId;
    if (path.includes('/installations')) return w.installationId;
    if (path.includes('/metric-definitions')) return w.definitionId;
  }
  return '0123456789abcdef01234567';
};

/** A plausible value for a schema, so that a single mutated field is what the validator meets first. */
function plausible(schema: JsonSchema | undefined, name: string, w: World, path: string): unknown {
  if (!schema) return 'x';
  if (schema.enum?.length) return schema.enum[0];
  const alt = schema.anyOf ?? schema.oneOf;
  if (alt?.length) return plausible(alt.find((s) => s.type !== 'null') ?? alt[0], name, w, path);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, plausible(s, k, w, path)]));
    case 'array':
      return [plausible(schema.items, name, w, path)];
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'string':
      if (schema.format === 'date') return '2024-01-01';
      if (schema.format === 'date-time' || /time_period|registered_on|date/.test(name))
        return name.includes('end') ? '2024-02-01T00:00:00Z' : '2024-01-01T00:00:00Z';
      if (/(^|_)id$|^project$|^organisation$|definition/.test(name)) return idFor(w, name, path);
      if (name === 'unit_type') return 'TB';
      if (name === 'metric_type') return 'aggregated';
      return `fuzz-${name}`;
    default:
      return 'x';
  }
}

/** Whole bodies that break the transport rather than one field: each is sent to every body operation. */
const STRUCTURAL_BODIES: { name: string; body: string | Uint8Array; type?: string }[] = [
  { name: '10,000 nested arrays, unclosed', body: '['.repeat(10_000) },
  { name: '10,000 nested arrays', body: nestedArrays(10_000) },
  { name: '10,000 nested objects', body: nestedObjects(10_000) },
  { name: 'truncated JSON', body: '{"a":' },
  { name: 'single quotes', body: "{'a':1}" },
  { name: 'bare NaN', body: 'NaN' },
  { name: 'NUL byte', body: '\u0000' },
  { name: 'BOM then object', body: '\ufeff{}' },
  { name: 'lone surrogate key', body: '{"\\ud800":1}' },
  { name: 'invalid UTF-8 bytes', body: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0xff, 0x22, 0x7d]) },
  { name: '100 KB string', body: JSON.stringify(LONG) },
  { name: 'null', body: 'null' },
  { name: 'number', body: '1e999' },
  { name: 'string', body: '"x"' },
  { name: 'empty array', body: '[]' },
  { name: 'array of nulls', body: '[null,null]' },
  { name: 'empty', body: '' },
  { name: 'form-encoded', body: 'a=b&c=%00', type: 'application/x-www-form-urlencoded' },
  { name: 'text/plain object', body: '{}', type: 'text/plain' },
  { name: 'utf-16 charset', body: '{}', type: 'application/json; charset=utf-16' },
  { name: 'broken media type', body: '{}', type: 'application/json;;;=' },
  { name: 'multipart', body: '--b\r\n\r\n--b--', type: 'multipart/form-data; boundary=b' },
];

/** Sent to every body operation: the cases most likely to break the parser itself. */
const ALWAYS = new Set(['10,000 nested arrays, unclosed', '10,000 nested objects', 'lone surrogate key', 'invalid UTF-8 bytes', 'text/plain object']);
/** The always-sent bodies plus `n` of the others, rotating with `offset` so every one is sent somewhere. */
const structuralFor = (offset: number, n: number) => {
  const rest = STRUCTURAL_BODIES.filter((b) => !ALWAYS.has(b.name));
  return [...STRUCTURAL_BODIES.filter((b) => ALWAYS.has(b.name)), ...Array.from({ length: n }, (_, i) => rest[(offset + i) % rest.length])];
};

const pathParamsOf = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);

type Mutation =
  | { kind: 'field'; field: string; value: unknown }
  | { kind: 'drop'; field: string }
  | { kind: 'extra'; field: string; value: unknown }
  | { kind: 'whole'; value: unknown }
  | { kind: 'search'; value: unknown };

function mutateBody(base: unknown, m: Mutation): unknown {
  if (m.kind === 'whole' || m.kind === 'search') return m.value;
  const target = (Array.isArray(base) ? base[0] : base) as Record<string, unknown> | undefined;
  if (!target || typeof target !== 'object') return m.kind === 'field' || m.kind === 'extra' ? m.value : base;
  const copy = { ...target };
  if (m.kind === 'drop') delete copy[m.field];
  else copy[m.field] = m.value;
  return Array.isArray(base) ? [copy] : copy;
}

const mutationFor = (schema: JsonSchema | undefined, isSearch: boolean): fc.Arbitrary<Mutation> => {
  if (isSearch) return criterion.map((value) => ({ kind: 'search' as const, value }));
  const props = Object.keys((schema?.type === 'array' ? schema.items : schema)?.properties ?? {});
  const options: fc.Arbitrary<Mutation>[] = [
    fc.record({ kind: fc.constant('whole' as const), value: nastyValue }),
    fc.record({
      kind: fc.constant('extra' as const),
      field: fc.constantFrom('unknown_field', '__proto__', 'constructor', '', '\u0000', LONG.slice(0, 5_000)),
      value: nastyValue,
    }),
  ];
  if (props.length) {
    options.push(fc.record({ kind: fc.constant('field' as const), field: fc.constantFrom(...props), value: nastyValue }));
    options.push(fc.record({ kind: fc.constant('field' as const), field: fc.constantFrom(...props), value: nastyValue }));
    options.push(fc.record({ kind: fc.constant('drop' as const), field: fc.constantFrom(...props) }));
  }
  return fc.oneof(...options);
};

/** One operation as the fuzzer sees it, whichever transport it came from. */
interface Operation {
  id: string;
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
  body?: JsonSchema;
  isSearch: boolean;
}

const rand = (seed: number) => fc.sample(fc.nat(), { seed, numRuns: 1 })[0];
/** A stable per-operation seed, so adding an operation does not reshuffle the others' cases. */
const seedOf = (id: string) => [...id].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, SEED);

interface RestCaseSpec {
  pathValues: Record<string, string>;
  query: [string, string][];
  rawQuery?: string;
  mutation?: Mutation;
  structural?: (typeof STRUCTURAL_BODIES)[number];
  headers?: Record<string, string>;
}

function restRequests(op: Operation, w: World): FuzzRequest[] {
  const out: FuzzRequest[] = [];
  const seed = seedOf(`rest ${op.id}`);
  let n = rand(seed);
  const auth = () => AUTHS[n++ % AUTHS.length];
  const validPath = Object.fromEntries(op.pathParams.map((p) => [p, encode(idFor(w, p, op.path))]));
  const validQuery: [string, string][] = op.queryParams.map((q) => [
    q,
    /start|date/i.test(q)
      ? '2024-01-01'
      : /end/i.test(q)
        ? '2024-12-31'
        : /page|size/.test(q)
          ? '1'
          : /external/i.test(q)
            ? `ext-${w.installationId}`
            : 'x',
  ]);
  const base = op.body ? plausible(op.body, '', w, op.path) : undefined;
  const build = (c: RestCaseSpec, label: string): FuzzRequest => {
    const path = op.path.replace(/\{(\w+)\}/g, (_, k: string) => c.pathValues[k]);
    const qs = c.rawQuery ?? queryString(c.query);
    const headers: Record<string, string> = {};
    let body: string | Uint8Array | undefined;
    if (c.structural) {
      body = c.structural.body;
      if (c.structural.type) headers['Content-Type'] = c.structural.type;
      else headers['Content-Type'] = 'application/json';
    } else if (op.body) {
      body = toJson(c.mutation ? mutateBody(base, c.mutation) : base);
      headers['Content-Type'] = 'application/json';
    }
    return {
      label,
      method: op.method,
      url: `${path}${qs ? `?${qs}` : ''}`,
      auth: auth(),
      headers: { ...headers, ...c.headers },
      body,
      transport: 'rest',
    };
  };

  // Every structural body against every body operation, each auth in turn.
  if (op.body) for (const s of structuralFor(n, 4)) out.push(build({ pathValues: validPath, query: validQuery, structural: s }, `body: ${s.name}`));
  // Raw URL pieces no client library would produce, in each path parameter and in the query.
  for (const p of op.pathParams)
    for (const i of [0, 1, 2])
      out.push(
        build(
          { pathValues: { ...validPath, [p]: RAW_URL_PIECES[(n + i) % RAW_URL_PIECES.length] }, query: validQuery },
          `path ${p}: raw ${RAW_URL_PIECES[(n + i) % RAW_URL_PIECES.length]}`,
        ),
      );
  out.push(build({ pathValues: validPath, query: [], rawQuery: `${op.queryParams[0] ?? 'page'}=%E0%A4%A&size=%zz` }, 'query: malformed escapes'));
  if (op.queryParams.length) out.push(build({ pathValues: validPath, query: [...validQuery, ...validQuery] }, 'query: every parameter twice'));

  const spec = fc.record({
    path: fc.record(Object.fromEntries(op.pathParams.map((p) => [p, fc.oneof(fc.constant(validPath[p]), nastyText.map(encode))]))),
    query: fc.array(
      fc.tuple(
        fc.oneof(fc.constantFrom(...(op.queryParams.length ? op.queryParams : ['page'])), fc.constantFrom('unknown', 'page', 'size', '')),
        nastyText,
      ),
      { maxLength: 3 },
    ),
    keepValidQuery: fc.boolean(),
    headers: nastyHeaders,
    mutation: op.body ? mutationFor(op.body, op.isSearch).map((m) => m as Mutation | undefined) : fc.constant(undefined),
  });
  const samples = fc.sample(spec, { seed, numRuns: RANDOM_CASES_PER_OPERATION });
  for (const s of samples) {
    const query = s.keepValidQuery ? [...validQuery.filter(([k]) => !s.query.some(([q]) => q === k)), ...s.query] : s.query;
    out.push(build({ pathValues: s.path, query, mutation: s.mutation, headers: s.headers ?? undefined }, 'random'));
  }
  return out;
}

function trpcRequests(path: string, contract: ProcedureContract, schema: JsonSchema | undefined, w: World): FuzzRequest[] {
  const out: FuzzRequest[] = [];
  const seed = seedOf(`trpc ${path}`);
  let n = rand(seed);
  const auth = () => AUTHS[n++ % AUTHS.length];
  const query = isQuery(contract);
  const isSearch = path.endsWith('.search');
  const base = schema ? plausible(schema, '', w, contract.path) : {};
  const send = (
    input: string | Uint8Array | undefined,
    label: string,
    headers: Record<string, string> = {},
    method = query ? 'GET' : 'POST',
  ): FuzzRequest => {
    if (method === 'GET') {
      const text = typeof input === 'string' ? input : input === undefined ? undefined : Buffer.from(input).toString('latin1');
      return { label, method, url: `/trpc/${path}${text === undefined ? '' : `?input=${encode(text)}`}`, auth: auth(), headers, transport: 'trpc' };
    }
    return {
      label,
      method,
      url: `/trpc/${path}`,
      auth: auth(),
      headers: { 'Content-Type': 'application/json', ...headers },
      body: input,
      transport: 'trpc',
    };
  };

  for (const s of structuralFor(n, 2)) {
    // A query's input travels in the URL: the deepest nestings would pass Node's header limit there.
    if (query && typeof s.body === 'string' && s.body.length > 5_000) continue;
    out.push(send(s.body, `input: ${s.name}`, s.type && !query ? { 'Content-Type': s.type } : {}));
  }
  // The URL-sized counterpart of the 10,000-level body: deep enough for any recursive walk to notice.
  if (query) out.push(send('['.repeat(3_000), 'input: 3,000 nested arrays, unclosed'));
  out.push({ label: 'raw malformed input escape', method: 'GET', url: `/trpc/${path}?input=%E0%A4%A`, auth: auth(), headers: {}, transport: 'trpc' });
  out.push({
    label: 'batch of malformed inputs',
    method: query ? 'GET' : 'POST',
    url: `/trpc/${path},${path}?batch=1${query ? `&input=${encodeURIComponent('{"0":[],"1":null}')}` : ''}`,
    auth: auth(),
    headers: query ? {} : { 'Content-Type': 'application/json' },
    body: query ? undefined : '{"0":"\\ud800","1":1e999}',
    transport: 'trpc',
  });
  out.push(send(toJson(base), 'other method', {}, query ? 'POST' : 'GET'));

  const mutation = mutationFor(schema, isSearch);
  for (const [m, headers] of fc.sample(fc.tuple(mutation, nastyHeaders), { seed, numRuns: RANDOM_CASES_PER_OPERATION })) {
    const input = mutateBody(base, m);
    const text = toJson(input);
    out.push(send(query && text.length > 8_000 ? toJson(mutateBody(base, { kind: 'whole', value: URL_LONG })) : text, 'random', headers ?? {}));
  }
  return out;
}

interface Outcome {
  request: FuzzRequest;
  ms?: number;
  status?: number;
  text?: string;
  problem?: string;
}

const preview = (body: string | Uint8Array | undefined) => {
  if (body === undefined) return '(none)';
  const text = typeof body === 'string' ? body : `bytes ${Buffer.from(body).toString('hex')}`;
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} characters)` : text;
};

/** The exact request, minus the token, and the answer: enough to replay a failure by hand. */
const describeOutcome = (o: Outcome) =>
  [
    `${o.problem}`,
    `  ${o.request.method} ${o.request.url.length > 300 ? `${o.request.url.slice(0, 300)}…` : o.request.url}  [${o.request.label}; caller: ${o.request.auth}]`,
    `  headers: ${JSON.stringify(o.request.headers)}`,
    `  body: ${preview(o.request.body)}`,
    `  answer: ${o.status ?? '-'} ${(o.text ?? '').slice(0, 300)}`,
  ].join('\n');

function judge(o: Outcome): string | undefined {
  const { status, text } = o;
  if (status === undefined) return o.problem;
  if (status >= 500) return `${status} answered`;
  // A HEAD answer has no body to carry an envelope.
  if (status < 400 || o.request.method === 'HEAD') return undefined;
  let body: any;
  try {
    body = JSON.parse(text ?? '');
  } catch {
    return `${status} without a JSON body`;
  }
  if (o.request.transport === 'rest') {
    if (body?.code !== status || typeof body.message !== 'string' || body.message === '') return `${status} without the {code, message} envelope`;
    return undefined;
  }
  // node:http refuses oversized headers before any route, so tRPC cannot answer those in its own shape.
  if (status === 431 && body?.code === status && typeof body.message === 'string' && body.message !== '') return undefined;
  // tRPC clients expect tRPC's own error shape; ours carries the envelope in data.acc (init.ts).
  const error = Array.isArray(body) ? body.find((b: any) => b?.error)?.error : body?.error;
  if (!error || typeof error.message !== 'string' || error.message === '') return `${status} without a tRPC error message`;
  if (!Array.isArray(body) && (error.data?.httpStatus !== status || error.data?.acc?.status !== status))
    return `${status} whose data.httpStatus/acc.status disagree`;
  return undefined;
}

async function fire(s: TestServer, tokens: Record<Auth, string | undefined>, request: FuzzRequest): Promise<Outcome> {
  const headers = { ...request.headers };
  const token = tokens[request.auth];
  if (token && !headers.Authorization) headers.Authorization = `Bearer ${token}`;
  const started = performance.now();
  try {
    const res = await fetch(`${s.url}${request.url}`, {
      method: request.method,
      headers,
      body: request.body as BodyInit | undefined,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    const outcome: Outcome = { request, status: res.status, text, ms: Math.round(performance.now() - started) };
    outcome.problem = judge(outcome);
    return outcome;
  } catch (err) {
    const e = err as Error;
    return {
      request,
      problem:
        e.name === 'TimeoutError'
          ? `no answer within ${REQUEST_TIMEOUT_MS} ms`
          : `connection failed: ${e.message}${e.cause ? ` (${(e.cause as Error).message})` : ''}`,
    };
  }
}

async function runAll(s: TestServer, tokens: Record<Auth, string | undefined>, requests: FuzzRequest[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) outcomes.push(await fire(s, tokens, requests[next++]));
    }),
  );
  return outcomes;
}

/** Every tRPC procedure with its contract, read from the router itself so none can be forgotten. */
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { meta?: { contract?: ProcedureContract } } }>).map(
  ([path, p]) => ({ path, contract: p._def.meta!.contract! }),
);

const inputSchema = (contract: ProcedureContract): JsonSchema | undefined => {
  try {
    return z.toJSONSchema(contract.input, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  } catch {
    return undefined;
  }
};

const realFetch = globalThis.fetch;
// The server runs in this process: a fuzzed project id must reach the local OpenAIRE, never the real one.
beforeAll(() => {
  vi.stubGlobal('fetch', (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.hostname !== '127.0.0.1') return Promise.reject(new TypeError(`test guard: no traffic to ${url.host}`));
    return realFetch(input, init);
  });
});
afterAll(() => vi.unstubAllGlobals());

describe.each(backends)('fuzzing every operation (%s)', (backend) => {
  let s: TestServer;
  let openAire: OpenAireStub;
  let tokens: Record<Auth, string | undefined>;
  let world: World;
  let doc: {
    paths: Record<
      string,
      Record<string, { parameters?: { in: string; name: string }[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>
    >;
  };

  beforeAll(async () => {
    openAire = await startOpenAire({ fuzzOA: openAireProject('fuzzOA') });
    // Client and server share this process's event loop, so generating the cases would count as server
    // lag and be shed with 503; slowness the server causes itself still shows in the per-request timeout.
    s = await startTestServer(backend, { ACC_OPENAIRE_URL: openAire.url, ACC_MAX_EVENT_LOOP_LAG_MS: '0' });
    tokens = {
      admin: await s.issuer.token({ entitlements: [ent('role=admin')] }),
      noRoles: await s.issuer.token({ sub: 'nobody' }),
      anonymous: undefined,
    };
    const f = Fixtures.of(s);
    const { projectId, providerId, inst, def } = await stage(f, 'fuzzP', 'fuzzProv');
    const metricId = await f.metric(inst, def, '2024-01-01T00:00:00Z', '2024-01-31T00:00:00Z', 5, { groupId: 'g1', userId: 'u1' });
    const capacityId = await f.capacity(inst.id, def, '10', '2024-01-01T00:00:00Z');
    world = { projectId, providerId, installationId: inst.id, definitionId: def, metricId, capacityId };
    const res = await s.call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(async () => {
    await s?.close();
    await openAire?.close();
  });

  const check = (outcomes: Outcome[]) => {
    const failures = outcomes.filter((o) => o.problem);
    const statuses: Record<string, Record<number, number>> = {};
    for (const o of outcomes) {
      const byStatus = (statuses[o.request.auth] ??= {});
      byStatus[o.status ?? 0] = (byStatus[o.status ?? 0] ?? 0) + 1;
    }
    const slowest = [...outcomes].sort((a, b) => (b.ms ?? 0) - (a.ms ?? 0)).slice(0, 3);
    console.log(`fuzz (${backend}): ${outcomes.length} requests, statuses ${JSON.stringify(statuses)}, ${failures.length} failures (seed ${SEED})`);
    console.log(`slowest: ${slowest.map((o) => `${o.ms} ms ${o.request.method} ${o.request.url.slice(0, 120)} [${o.request.label}]`).join('; ')}`);
    expect(failures.slice(0, 25).map(describeOutcome), `${failures.length} failing requests (seed ${SEED})`).toEqual([]);
  };

  it('REST: every operation of /openapi.json', { timeout: 180_000 }, async () => {
    const operations: Operation[] = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => {
        const body = op.requestBody?.content?.['application/json']?.schema;
        return {
          id: `${method.toUpperCase()} ${path}`,
          method: method.toUpperCase(),
          path,
          pathParams: pathParamsOf(path),
          queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
          body,
          isSearch: path.endsWith('/search'),
        };
      }),
    );
    expect(operations.length).toBe(procedures.length);
    // Each path also meets a method it does not document, with and without a body.
    // fetch refuses TRACE (and CONNECT) outright, so they cannot be sent from here.
    const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
    const wrongMethods: FuzzRequest[] = Object.entries(doc.paths).flatMap(([path, item], i) => {
      const undocumented = METHODS.filter((m) => !Object.hasOwn(item, m.toLowerCase()));
      const method = undocumented[i % undocumented.length];
      const url = path.replace(/\{(\w+)\}/g, (_, k: string) => encode(idFor(world, k, path)));
      const withBody = !['GET', 'HEAD'].includes(method);
      const headers: Record<string, string> = withBody ? { 'Content-Type': 'application/json' } : {};
      return AUTHS.slice(0, 2).map((auth) => ({
        label: 'undocumented method',
        method,
        url,
        auth,
        headers,
        body: withBody ? '{}' : undefined,
        transport: 'rest' as const,
      }));
    });
    check(await runAll(s, tokens, [...operations.flatMap((op) => restRequests(op, world)), ...wrongMethods]));
  });

  it('tRPC: every procedure of the router', { timeout: 180_000 }, async () => {
    check(
      await runAll(
        s,
        tokens,
        procedures.flatMap(({ path, contract }) => trpcRequests(path, contract, inputSchema(contract), world)),
      ),
    );
  });
});
