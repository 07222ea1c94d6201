import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ent } from '../../../../apps/server/test/support/issuer.js';
import { startTestServer, type TestServer } from '../../../../apps/server/test/support/server.js';

export interface World {
  server: TestServer;
  token: string;
  grnet: string;
  cyfronet: string;
  cpu: string;
  storage: string;
  kns: string;
  cyf: string;
  close(): Promise<void>;
}

/** OpenAIRE that knows no grant, so custom projects can be created without the network. */
async function startEmptyOpenAire() {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ response: { header: { total: { $: 0 } } } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * A real server holding: projects 777536 (providers GRNET and Cyfronet) and 101017567 (GRNET), one
 * installation per (777536, provider), two metric definitions, four metrics and one capacity.
 */
export async function seedWorld(): Promise<World> {
  const openaire = await startEmptyOpenAire();
  const server = await startTestServer('pglite', { ACC_OPENAIRE_URL: openaire.url });
  const token = await server.issuer.token({ entitlements: [ent('role=admin')] });
  const call = async (method: string, path: string, body?: unknown) => {
    // Body-less POSTs still declare JSON, as the API requires of every POST.
    const res = await server.call(method, `/accounting-system${path}`, { token, body, headers: { 'Content-Type': 'application/json' } });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return res.body;
  };
  const grnet = (await call('POST', '/providers', { name: 'GRNET', abbreviation: 'GRNET', website: 'https://grnet.gr' })).id as string;
  const cyfronet = (await call('POST', '/providers', { name: 'Cyfronet', abbreviation: 'CYF', website: 'https://cyfronet.pl' })).id as string;
  await call('POST', '/admin/projects', {
    id: '777536',
    acronym: 'EOSC-Beyond',
    title: 'EOSC Beyond',
    start_date: '2024-01-01',
    end_date: '2026-12-31',
    call_identifier: 'HORIZON-INFRA-2023',
  });
  await call('POST', '/admin/projects', {
    id: '101017567',
    acronym: 'EGI-ACE',
    title: 'EGI-ACE, "quoted"',
    start_date: '2021-01-01',
    end_date: '2023-06-30',
    call_identifier: 'H2020',
  });
  await call('POST', `/projects/777536/associate/provider/${grnet}`);
  await call('POST', `/projects/777536/associate/provider/${cyfronet}`);
  await call('POST', `/projects/101017567/associate/provider/${grnet}`);
  const cpu = (
    await call('POST', '/metric-definitions', {
      metric_name: 'cpu_hours',
      metric_description: 'CPU hours',
      unit_type: 'CPU Time',
      metric_type: 'aggregated',
    })
  ).metric_definition_id as string;
  const storage = (await call('POST', '/metric-definitions', { metric_name: 'storage', unit_type: 'TB', metric_type: 'summarised' }))
    .metric_definition_id as string;
  const kns = (
    await call('POST', '/installations', { project: '777536', organisation: grnet, installation: 'GRNET-KNS-1', infrastructure: 'okeanos-knossos' })
  ).id as string;
  const cyf = (
    await call('POST', '/installations', { project: '777536', organisation: cyfronet, installation: 'CYF-CLOUD', infrastructure: 'cloud' })
  ).id as string;
  const push = (inst: string, definition: string, start: string, end: string, value: number, extra: Record<string, string> = {}) =>
    call('POST', `/installations/${inst}/metrics`, {
      metric_definition_id: definition,
      time_period_start: start,
      time_period_end: end,
      value,
      ...extra,
    });
  await push(kns, cpu, '2024-01-01T00:00:00Z', '2024-01-31T00:00:00Z', 500);
  await push(kns, cpu, '2024-02-01T00:00:00Z', '2024-02-28T00:00:00Z', 250, { group_id: 'g1' });
  await push(kns, storage, '2024-03-01T00:00:00Z', '2024-03-31T00:00:00Z', 12.5, { user_id: 'u1' });
  await push(cyf, cpu, '2024-01-05T00:00:00Z', '2024-01-06T00:00:00Z', 7);
  await call('POST', `/installations/${kns}/capacities`, { metric_definition_id: cpu, value: 1000, registered_on: '2023-01-01' });
  return {
    server,
    token,
    grnet,
    cyfronet,
    cpu,
    storage,
    kns,
    cyf,
    async close() {
      await server.close();
      await openaire.close();
    },
  };
}
