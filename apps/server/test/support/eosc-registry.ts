import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EoscItem {
  id?: unknown;
  name?: unknown;
  website?: unknown;
  abbreviation?: unknown;
  logo?: unknown;
  [k: string]: unknown;
}

export interface FakeEoscRegistry {
  url: string;
  /** The providers served; replace to simulate a registry that changed. */
  items: EoscItem[];
  /** `status` set: every call answers it instead. */
  failWith?: number;
  /** Every request's path and query, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A stand-in for the EOSC provider registry on 127.0.0.1, in its format: without `quantity` it reports
 * `total` with a first page only (as the real one pages by default), with `quantity=n` it returns n items.
 */
export async function startFakeEoscRegistry(items: EoscItem[]): Promise<FakeEoscRegistry> {
  const state: FakeEoscRegistry = { url: '', items, requests: [], close: async () => {} };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    state.requests.push(`${url.pathname}${url.search}`);
    if (state.failWith) {
      res.writeHead(state.failWith, { 'Content-Type': 'application/json' });
      return res.end('{"error":"unavailable"}');
    }
    if (url.pathname !== '/provider/all' || url.searchParams.get('catalogue_id') !== 'all') {
      res.writeHead(404).end();
      return;
    }
    const quantity = url.searchParams.get('quantity');
    const results = state.items.slice(0, quantity === null ? 10 : Number(quantity));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ total: state.items.length, from: 0, to: results.length, results, facets: [] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((r) => server.close(() => r()));
  return state;
}
