import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ent } from '../../../apps/server/test/support/issuer.js';
import { startTestServer, type TestServer } from '../../../apps/server/test/support/server.js';
import { AccountingClient, Collection, type Page } from '../src/index.js';
import { startRecordingProxy, type RecordingProxy } from './support/recording-proxy.js';

const SEEDED_UNIT_TYPES = 11;

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer('pglite');
  token = await server.issuer.token({ entitlements: [ent('role=admin')] });
});
afterAll(() => server?.close());

const client = (pageSize?: number) => new AccountingClient({ endpoint: server.url, token, pageSize });

/** Unit types paged by hand through `call`, next to the view over the same contract. */
async function callPaged(acc: AccountingClient, size: number | undefined): Promise<string[]> {
  const names: string[] = [];
  for (let page = 1; ; page++) {
    const answer = await acc.call('unit_type_list', { page, size });
    names.push(...answer.content.map((u) => u.unit_type));
    if (answer.number_of_page >= answer.total_pages) return names;
  }
}

describe('paging a real server (unit types)', () => {
  let expected: string[];

  beforeAll(async () => {
    const acc = client(100);
    const seeded = await acc.unitTypes.toArray();
    expect(seeded).toHaveLength(SEEDED_UNIT_TYPES);
    // 11 seeded + 12 created = 23 rows: not a multiple of 3, 10 or 100.
    for (let i = 1; i <= 12; i++) await acc.unitTypes.create({ unit_type: `pager-${i}`, description: `created ${i}` });
    expected = (await acc.request<Page<{ unit_type: string }>>('GET', '/unit-types', { params: { size: 100 } })).content.map((u) => u.unit_type);
    expect(expected).toHaveLength(23);
  });

  it.each([1, 3, 10, 100, undefined])('walks every page with pageSize %s through the view and by hand', async (pageSize) => {
    const acc = client(pageSize);
    const viaView: string[] = [];
    for await (const u of acc.unitTypes) viaView.push(u.unit_type);
    expect(viaView).toEqual(expected);
    expect(await callPaged(acc, pageSize)).toEqual(expected);
  });

  it('requests exactly the pages it needs, lazily', async () => {
    const seen: string[] = [];
    const acc = new AccountingClient({ endpoint: server.url, token, pageSize: 10, debug: (line) => seen.push(line) });
    const requests = () => seen.filter((l) => / \(attempt 1\/3\)/.test(l)).length;
    for await (const u of acc.unitTypes) {
      expect(u.unit_type).toBe(expected[0]);
      break;
    }
    expect(requests()).toBe(1);
    await acc.unitTypes.toArray();
    expect(requests()).toBe(1 + 3);
  });

  it('can be iterated again, from page 1', async () => {
    const acc = client(3);
    const first = await acc.unitTypes.toArray();
    const second = await acc.unitTypes.toArray();
    expect(second).toEqual(first);
    expect(first).toHaveLength(23);
  });

  it('at(), first(), page(), count() fetch only what they need', async () => {
    const acc = client(3);
    expect((await acc.unitTypes.first())?.unit_type).toBe(expected[0]);
    expect((await acc.unitTypes.at(22))?.unit_type).toBe(expected[22]);
    expect((await acc.unitTypes.at(-1))?.unit_type).toBe(expected[22]);
    expect((await acc.unitTypes.at(7))?.unit_type).toBe(expected[7]);
    expect(await acc.unitTypes.at(23)).toBeUndefined();
    const p8 = await acc.unitTypes.page(8);
    expect(p8).toMatchObject({ number_of_page: 8, total_pages: 8, total_elements: 23, size_of_page: 2 });
    expect(await acc.unitTypes.count()).toBe(23);
    const beyond = await acc.unitTypes.page(9);
    expect(beyond.content).toEqual([]);
  });

  it('memoises pages until refresh()', async () => {
    const acc = client(100);
    expect(await acc.unitTypes.count()).toBe(23);
    const created = await acc.unitTypes.create({ unit_type: 'pager-late', description: 'late' });
    expect(await acc.unitTypes.count()).toBe(23);
    expect(await acc.unitTypes.refresh().count()).toBe(24);
    // Iteration is never memoised: it always sees the live list.
    expect(await acc.unitTypes.toArray()).toHaveLength(24);
    await acc.unitTypes.delete(created.id);
  });

  it('get() returns the item, find() gives undefined on 404', async () => {
    const acc = client();
    const first = (await acc.unitTypes.first())!;
    const got = await acc.unitTypes.get(first.id);
    expect(got).toEqual(first);
    // An item's toString is its JSON (items.ts), which is what this pins.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    expect(JSON.parse(String(got))).toEqual({ ...first });
    expect(await acc.unitTypes.find('507f1f77bcf86cd799439099')).toBeUndefined();
  });

  it('keeps no cache between collections or clients', async () => {
    const a = client(100);
    const b = client(100);
    await a.unitTypes.count();
    const created = await b.unitTypes.create({ unit_type: 'pager-other', description: 'other' });
    expect(await b.unitTypes.count()).toBe(24);
    expect(await client(100).unitTypes.count()).toBe(24);
    await b.unitTypes.delete(created.id);
  });

  it('rejects a page size outside 1..100 before any request', () => {
    expect(() => client(0)).toThrow(RangeError);
    expect(() => client(101)).toThrow(RangeError);
  });
});

describe('paging a server that picks its own page size', () => {
  let proxy: RecordingProxy;
  let ids: string[];
  beforeAll(async () => {
    // 23 providers, served 7 per page whatever `size` says: a proxy rewrites it on the way.
    const acc = client(100);
    for (let i = 0; i < 23; i++) await acc.call('provider_add', { name: `Provider ${i}` });
    ids = (await acc.providers.toArray()).map((p) => p.id);
    expect(ids).toHaveLength(23);
    proxy = await startRecordingProxy(server.url, { rewriteQuery: (q) => q.set('size', '7') });
  });
  afterAll(() => proxy?.close());

  it.each([undefined, 1, 3, 10, 100])('drops nothing with pageSize %s', async (pageSize) => {
    const acc = new AccountingClient({ endpoint: proxy.url, token, pageSize });
    expect((await acc.providers.toArray()).map((p) => p.id)).toEqual(ids);
    expect((await acc.providers.at(15))?.id).toBe(ids[15]);
    expect(proxy.requests.at(-1)!.query.get('size')).toBe('7');
  });

  it('stops at an empty page even if the totals promise more', async () => {
    const fetched: number[] = [];
    const lying = new Collection<number>({
      wrap: (x) => x,
      fetchPage: async (n) => {
        fetched.push(n);
        const content = n <= 2 ? [n * 10, n * 10 + 1] : [];
        return { size_of_page: content.length, number_of_page: n, total_elements: 99, total_pages: 50, content };
      },
    });
    expect(await lying.toArray()).toEqual([10, 11, 20, 21]);
    expect(fetched).toEqual([1, 2, 3]);
  });
});
