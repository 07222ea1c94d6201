import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { authorisePublisher } from '../access/index.js';
import { cachedProviderHosts, fetchProviderHosts, providerHostsFromJson } from './authorise.js';

const PROVIDER_LIST = {
  total_rows: 735,
  offset: 695,
  rows: [
    { id: '1', key: ['service'], value: { sitename: 'TEST', provider_id: 'TEST', hostname: 'allowed_host.test', type: 'cloud' } },
    { id: '2', key: ['service'], value: { sitename: 'TEST2', provider_id: 'TEST2', hostname: 'allowed_host2.test', type: 'cloud' } },
    { id: '3', key: ['service'], value: { sitename: 'NOHOST', provider_id: 'NOHOST', type: 'cloud' } },
    { id: '4', key: ['service'] },
    null,
    { id: '5', key: ['service'], value: { hostname: 42 } },
  ],
};

const DN = (host: string) => `/C=XX/O=XX/OU=XX/L=XX/CN=${host}`;

describe('authorisePublisher', () => {
  // §4 signer checks
  const opts = {
    allowed: [DN('special_host.test')],
    banned: [DN('allowed_host2.test')],
    providerHosts: async () => providerHostsFromJson(PROVIDER_LIST),
  };

  it('allows a host in the provider list', async () => {
    expect(await authorisePublisher(DN('allowed_host.test'), opts)).toBe('allowed');
  });

  it('allows a DN in ALLOWED_TO_POST', async () => {
    expect(await authorisePublisher(DN('special_host.test'), opts)).toBe('allowed');
  });

  it('refuses a DN that is both listed and banned', async () => {
    expect(await authorisePublisher(DN('allowed_host2.test'), opts)).toBe('banned');
  });

  it('refuses an unknown host', async () => {
    expect(await authorisePublisher(DN('mystery_host.test'), opts)).toBe('unauthorised');
    expect(await authorisePublisher('/C=XX/CN=prohibited_host.test', opts)).toBe('unauthorised');
  });

  it('lets the banned list win over the allowed list', async () => {
    const both = { ...opts, allowed: [DN('x.test')], banned: [DN('x.test')] };
    expect(await authorisePublisher(DN('x.test'), both)).toBe('banned');
  });

  it('matches the signer host exactly, not as a substring', async () => {
    expect(await authorisePublisher(DN('allowed_host.tes'), opts)).toBe('unauthorised');
    expect(await authorisePublisher(DN('xallowed_host.test'), opts)).toBe('unauthorised');
    expect(await authorisePublisher(DN('ALLOWED_HOST.TEST'), opts)).toBe('unauthorised');
  });

  it('matches the full DN exactly in the DN lists', async () => {
    const lists = { ...opts, providerHosts: async () => [] };
    expect(await authorisePublisher('/C=YY/O=XX/OU=XX/L=XX/CN=special_host.test', lists)).toBe('unauthorised');
  });

  it('compares RFC 4514 and slash forms as equal', async () => {
    const rfc = {
      allowed: ['CN=special_host.test,L=XX,OU=XX,O=XX,C=XX'],
      banned: ['CN=allowed_host2.test, L=XX, OU=XX, O=XX, C=XX'],
      providerHosts: opts.providerHosts,
    };
    expect(await authorisePublisher(DN('special_host.test'), rfc)).toBe('allowed');
    expect(await authorisePublisher(DN('allowed_host2.test'), rfc)).toBe('banned');
    expect(await authorisePublisher('CN=allowed_host.test,O=XX,C=XX', rfc)).toBe('allowed');
    expect(await authorisePublisher('CN=special_host.test,L=XX,OU=XX,O=XX,C=XX', opts)).toBe('allowed');
  });

  it('does not fetch the provider list when a DN list decides', async () => {
    let calls = 0;
    const counting = { ...opts, providerHosts: async () => (calls++, ['special_host.test']) };
    await authorisePublisher(DN('special_host.test'), counting);
    await authorisePublisher(DN('allowed_host2.test'), counting);
    expect(calls).toBe(0);
  });

  it('still honours ALLOWED_TO_POST when the provider list fails', async () => {
    const failing = { ...opts, providerHosts: () => Promise.reject(new Error('down')) };
    expect(await authorisePublisher(DN('special_host.test'), failing)).toBe('allowed');
    expect(await authorisePublisher(DN('allowed_host.test'), failing)).toBe('unauthorised');
  });

  it('refuses an empty DN', async () => {
    expect(await authorisePublisher('', { ...opts, providerHosts: async () => [''] })).toBe('unauthorised');
  });
});

describe('fetchProviderHosts against a real HTTP server', () => {
  let server: Server;
  let base: string;
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const send = (status: number, body: string) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body);
      };
      switch (req.url) {
        case '/list':
          return send(200, JSON.stringify(PROVIDER_LIST));
        case '/empty':
          return send(200, '{}');
        case '/garbage':
          return send(200, '<html>not json');
        case '/rows-not-array':
          return send(200, '{"rows":{"hostname":"x"}}');
        case '/error':
          return send(500, '{"error":"boom"}');
        case '/hang':
          return; // never answers
        default:
          return send(404, '');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('collects rows[].value.hostname, skipping rows without one', async () => {
    expect(await fetchProviderHosts(`${base}/list`)).toEqual({ hosts: ['allowed_host.test', 'allowed_host2.test'] });
  });

  it('gives an empty list, without error, when rows is missing', async () => {
    expect(await fetchProviderHosts(`${base}/empty`)).toEqual({ hosts: [] });
    expect(await fetchProviderHosts(`${base}/rows-not-array`)).toEqual({ hosts: [] });
  });

  it('treats a body that is not JSON as an empty list', async () => {
    const result = await fetchProviderHosts(`${base}/garbage`);
    expect(result.hosts).toEqual([]);
    expect(result.error).toMatch(/not JSON/);
  });

  it('treats an HTTP error status as an empty list', async () => {
    const result = await fetchProviderHosts(`${base}/error`);
    expect(result.hosts).toEqual([]);
    expect(result.error).toMatch(/HTTP 500/);
  });

  it('treats a closed port as an empty list', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await fetchProviderHosts(`http://127.0.0.1:${port}/list`);
    expect(result.hosts).toEqual([]);
    expect(result.error).toMatch(/unreachable/);
  });

  it('gives up on a server that does not answer', async () => {
    const result = await fetchProviderHosts(`${base}/hang`, { timeoutMs: 200 });
    expect(result.hosts).toEqual([]);
    expect(result.error).toMatch(/unreachable/);
  });

  it('gives an empty list for an unset URL without fetching', async () => {
    const before = requests.length;
    expect(await fetchProviderHosts(undefined)).toEqual({ hosts: [] });
    expect(await fetchProviderHosts('')).toEqual({ hosts: [] });
    expect(requests.length).toBe(before);
  });

  it('uses an injected fetch', async () => {
    const fake = async () => ({ ok: true, status: 200, text: async () => JSON.stringify(PROVIDER_LIST) });
    expect((await fetchProviderHosts('http://unused.invalid/', fake)).hosts).toEqual(['allowed_host.test', 'allowed_host2.test']);
  });

  it('feeds authorisePublisher: a listed-only DN is refused once the list is {}', async () => {
    const listed = { allowed: [], banned: [], providerHosts: async () => (await fetchProviderHosts(`${base}/list`)).hosts };
    const empty = { ...listed, providerHosts: async () => (await fetchProviderHosts(`${base}/empty`)).hosts };
    expect(await authorisePublisher(DN('allowed_host.test'), listed)).toBe('allowed');
    expect(await authorisePublisher(DN('allowed_host.test'), empty)).toBe('unauthorised');
  });

  describe('cachedProviderHosts', () => {
    it('serves the list from cache for ttlMs, then fetches again', async () => {
      let clock = 1_000;
      const get = cachedProviderHosts(`${base}/list`, 60_000, () => clock);
      const before = requests.length;
      expect(await get()).toEqual(['allowed_host.test', 'allowed_host2.test']);
      clock += 59_999;
      expect(await get()).toEqual(['allowed_host.test', 'allowed_host2.test']);
      expect(requests.length - before).toBe(1);
      clock += 1;
      await get();
      expect(requests.length - before).toBe(2);
    });

    it('shares one request between concurrent callers', async () => {
      const get = cachedProviderHosts(`${base}/list`);
      const before = requests.length;
      const results = await Promise.all([get(), get(), get()]);
      expect(results.every((r) => r.length === 2)).toBe(true);
      expect(requests.length - before).toBe(1);
    });

    it('does not cache failures and reports them through onError', async () => {
      const errors: string[] = [];
      const get = cachedProviderHosts(`${base}/garbage`, 60_000, Date.now, { onError: (e) => errors.push(e) });
      const before = requests.length;
      expect(await get()).toEqual([]);
      expect(await get()).toEqual([]);
      expect(requests.length - before).toBe(2);
      expect(errors).toHaveLength(2);
      expect(errors[0]).toMatch(/not JSON/);
    });

    it('is an empty list when no URL is configured', async () => {
      expect(await cachedProviderHosts(undefined)()).toEqual([]);
    });
  });
});
