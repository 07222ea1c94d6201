import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { startTestServer, type TestServer } from './support/server.js';
import {
  apelMessage,
  closedPort,
  createPki,
  hostDn,
  providerList,
  request,
  rfc4514Dn,
  slashDn,
  startStub,
  vmRecord,
  type Credentials,
  type Pki,
  type RequestOptions,
  type StubServer,
} from './support/apel.js';

const RECORD = '/api/v1/cloud/record';
const SAVED = 'Data successfully saved for future loading.';
const SAVE_FAILED = 'Data could not be saved to disk, please try again.';

let pki: Pki;
let stub: StubServer;
const creds: Record<string, Credentials> = {};

beforeAll(async () => {
  pki = await createPki();
  stub = await startStub();
  stub.set('/providers/full', 200, providerList('allowed_host.test', 'allowed_host2.test'));
  stub.set('/providers/empty', 200, {});
  for (const host of [
    'allowed_host.test',
    'allowed_host2.test',
    'special_host.test',
    'mystery_host.test',
    'prohibited_host.test',
    'website-host.test',
  ]) {
    creds[host] = await pki.client(hostDn(host));
  }
  creds['self-signed'] = await pki.selfSigned(hostDn('allowed_host.test'));
});

afterAll(async () => {
  await stub?.close();
  pki?.cleanup();
});

describe.each(backends)('APEL POST /api/v1/cloud/record on %s', (backend) => {
  let main: TestServer;

  const post = (server: TestServer, body: string | Buffer, who?: string, opts: RequestOptions = {}) =>
    request(`${server.url}${RECORD}`, { method: 'POST', body, ca: pki.caPem, credentials: who ? creds[who] : undefined, ...opts });
  const count = async (server: TestServer, where = 'TRUE', params: unknown[] = []) =>
    Number((await server.app.database.dataSource.query(`SELECT count(*) AS n FROM apel_records WHERE ${where}`, params))[0].n);
  const rows = (server: TestServer, vm: string) =>
    server.app.database.dataSource.query(`SELECT * FROM apel_records WHERE vm_uuid = $1 ORDER BY wall_duration`, [vm]);

  beforeAll(async () => {
    main = await startTestServer(backend, {
      ...pki.env,
      ACC_APEL_PROVIDERS_URL: `${stub.url}/providers/full`,
      // RFC 4514 on purpose: configured DNs are compared in normalised (slash) form.
      ACC_APEL_ALLOWED_DNS: JSON.stringify([rfc4514Dn(hostDn('special_host.test'))]),
      ACC_APEL_BANNED_DNS: JSON.stringify([slashDn(hostDn('allowed_host2.test'))]),
      // Header set, but no peer is a trusted proxy: the header must be ignored.
      ACC_TRUSTED_DN_HEADER: 'X-SSL-Client-DN',
      ACC_TRUSTED_PROXIES: '10.9.8.7',
    });
  });
  afterAll(async () => {
    await main?.close();
  });

  describe('client identity and authorisation (§1.1)', () => {
    it('stores every record of a message from a DN in the provider list: 202', async () => {
      const msg = apelMessage([vmRecord({ VMUUID: 'auth-1' }), vmRecord({ VMUUID: 'auth-2' }), vmRecord({ VMUUID: 'auth-3' })]);
      const res = await post(main, msg, 'allowed_host.test');
      expect(res.status).toBe(202);
      expect(res.text).toBe(JSON.stringify(SAVED));
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(await count(main, `vm_uuid LIKE 'auth-%'`)).toBe(3);
      const [row] = await rows(main, 'auth-1');
      expect(row.publisher_dn).toBe('/C=XX/O=XX/OU=XX/L=XX/CN=allowed_host.test');
    });

    it('answers 401 with an empty body without a client certificate', async () => {
      const res = await post(main, apelMessage([vmRecord({ VMUUID: 'nocert' })]));
      expect(res.status).toBe(401);
      expect(res.text).toBe('');
      expect(await count(main, `vm_uuid = 'nocert'`)).toBe(0);
    });

    it('answers 401 for a self-signed certificate (not issued by the client CA)', async () => {
      const res = await post(main, apelMessage([vmRecord({ VMUUID: 'selfsigned' })]), 'self-signed');
      expect(res.status).toBe(401);
      expect(res.text).toBe('');
    });

    it('answers 403 with an empty body for CN=prohibited_host.test', async () => {
      const res = await post(main, apelMessage([vmRecord({ VMUUID: 'prohibited' })]), 'prohibited_host.test');
      expect(res.status).toBe(403);
      expect(res.text).toBe('');
      expect(await count(main, `vm_uuid = 'prohibited'`)).toBe(0);
    });

    it('signer checks: listed allowed, ALLOWED_TO_POST allowed, listed+banned refused, unknown refused', async () => {
      const msg = apelMessage([vmRecord({ VMUUID: 'signer' })]);
      expect((await post(main, msg, 'allowed_host.test')).status).toBe(202);
      expect((await post(main, msg, 'special_host.test')).status).toBe(202);
      const banned = await post(main, msg, 'allowed_host2.test');
      expect(banned.status).toBe(403);
      expect(banned.text).toBe('');
      expect((await post(main, msg, 'mystery_host.test')).status).toBe(403);
    });

    it('ignores the DN header from a peer that is not a trusted proxy', async () => {
      const headers = { 'X-SSL-Client-DN': slashDn(hostDn('special_host.test')) };
      const res = await post(main, apelMessage([vmRecord({ VMUUID: 'spoof' })]), undefined, { headers });
      expect(res.status).toBe(401);
      // With a certificate, the certificate decides, not the header.
      expect((await post(main, apelMessage([vmRecord({ VMUUID: 'spoof' })]), 'mystery_host.test', { headers })).status).toBe(403);
      expect(await count(main, `vm_uuid = 'spoof'`)).toBe(0);
    });

    it('also allows the host of a provider registered here with a website (extension to §1.1.3)', async () => {
      const msg = apelMessage([vmRecord({ VMUUID: 'website' })]);
      expect((await post(main, msg, 'website-host.test')).status).toBe(403);
      await main.app.database.dataSource.query(
        `INSERT INTO providers (id, name, website) VALUES ('apel-prov', 'APEL Provider', 'https://website-host.test/about')`,
      );
      expect((await post(main, msg, 'website-host.test')).status).toBe(202);
      expect(await count(main, `vm_uuid = 'website'`)).toBe(1);
    });

    it('keeps the empa-id header optional', async () => {
      const res = await post(main, apelMessage([vmRecord({ VMUUID: 'empa' })]), 'allowed_host.test', { headers: { 'empa-id': 'abc-123' } });
      expect(res.status).toBe(202);
    });
  });

  describe('methods and content types', () => {
    it.each(['GET', 'PUT', 'PATCH', 'DELETE'])('answers 405 to %s', async (method) => {
      const res = await request(`${main.url}${RECORD}`, { method, ca: pki.caPem, credentials: creds['allowed_host.test'] });
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('POST');
      expect(typeof res.body).toBe('string');
    });

    it('accepts text/plain and an absent Content-Type', async () => {
      const msg = apelMessage([vmRecord({ VMUUID: 'ctype' })]);
      expect((await post(main, msg, 'allowed_host.test', { headers: { 'Content-Type': 'text/plain' } })).status).toBe(202);
      expect((await post(main, msg, 'allowed_host.test')).status).toBe(202);
    });
  });

  describe('validation (§1.3): 400 with the message as a JSON string, nothing stored', () => {
    const cases: [string, string, string][] = [
      ['empty', '   \n ', 'Message is empty.'],
      ['header without colon', 'APEL-cloud-message v0.4\nVMUUID: x\n%%', 'Message header is incorrect: APEL-cloud-message v0.4'],
      ['wrong type', 'APEL-sync-message: v0.1\nVMUUID: x\n%%', 'Message type APEL-sync-message not recognised.'],
      ['no records', 'APEL-cloud-message: v0.4\n%%\n  \n%%\n', 'Message contains no records.'],
      [
        'line without key',
        apelMessage([vmRecord({ VMUUID: 'bad' })]).replace('MachineName: one-2421', 'just text'),
        'Record 1: Record contains a line without a key-value pair: just text',
      ],
      ['unknown field VO', apelMessage([vmRecord({ VMUUID: 'bad', VO: 'atlas' })]), 'Record 1: Unknown field: VO'],
      [
        'invalid int',
        apelMessage([vmRecord({ VMUUID: 'ok' }), vmRecord({ VMUUID: 'bad', WallDuration: 'abc' })]),
        'Record 2: Invalid int value abc in field WallDuration',
      ],
      ['invalid float', apelMessage([vmRecord({ VMUUID: 'bad', Benchmark: '1.2.3' })]), 'Record 1: Invalid float value 1.2.3 in field Benchmark'],
      [
        'invalid datetime',
        apelMessage([vmRecord({ VMUUID: 'bad', StartTime: '2016-02-30T00:00:00Z' })]),
        'Record 1: Invalid datetime value 2016-02-30T00:00:00Z in field StartTime',
      ],
      [
        'missing VMUUID',
        apelMessage([Object.fromEntries(Object.entries(vmRecord()).filter(([k]) => k !== 'VMUUID'))]),
        'Record 1: Mandatory field VMUUID not specified.',
      ],
      ['null SiteName', apelMessage([vmRecord({ VMUUID: 'bad', SiteName: 'None' })]), 'Record 1: NULL in mandatory field: SiteName'],
      ['null StartTime', apelMessage([vmRecord({ VMUUID: 'bad', StartTime: null })]), 'Record 1: NULL in mandatory field: StartTime'],
      [
        'no WallDuration while running',
        apelMessage([vmRecord({ VMUUID: 'bad', WallDuration: null })]),
        'Record 1: WallDuration must be set unless Status is completed and EndTime is set.',
      ],
    ];
    it.each(cases)('%s', async (_name, body, message) => {
      const before = await count(main);
      const res = await post(main, body, 'allowed_host.test');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toBe(message);
      expect(await count(main)).toBe(before);
    });

    it('rejects a whole message for one bad record among many (WallDuration: abc)', async () => {
      const records = Array.from({ length: 50 }, (_, i) => vmRecord({ VMUUID: `whole-${i}` }));
      records[37].WallDuration = 'abc';
      const res = await post(main, apelMessage(records), 'allowed_host.test');
      expect(res.status).toBe(400);
      expect(res.body).toBe('Record 38: Invalid int value abc in field WallDuration');
      expect(await count(main, `vm_uuid LIKE 'whole-%'`)).toBe(0);
    });
  });

  describe('storage (§1.5)', () => {
    it('stores null strings as None, applies defaults, derives VO fields and a completed VM’s WallDuration', async () => {
      const msg = apelMessage(
        [
          {
            VMUUID: 'stored-1',
            SiteName: 'Site-A',
            MachineName: 'NULL',
            FQAN: '/atlas/uk/Role=production/Capability=NULL',
            Status: 'completed',
            StartTime: 1469836800, // 2016-07-30T00:00:00Z as epoch seconds
            EndTime: '2016-07-30T01:00:00Z',
            SuspendDuration: '',
            CpuDuration: 'none',
            UpdateTime: '2016-07-30T01:00:00Z',
          },
        ],
        'v0.2',
      );
      expect((await post(main, msg, 'allowed_host.test')).status).toBe(202);
      const [row] = await rows(main, 'stored-1');
      expect(row).toMatchObject({
        site_name: 'Site-A',
        machine_name: 'None',
        global_user_name: 'None',
        cloud_compute_service: 'None',
        benchmark_type: 'None',
        fqan: '/atlas/uk/Role=production/Capability=NULL',
        vo: 'atlas',
        vo_group: '/atlas/uk',
        vo_role: 'Role=production',
        status: 'completed',
        suspend_duration: '0',
        wall_duration: '3600',
        cpu_duration: null,
        benchmark: 0,
      });
      expect(new Date(row.start_time).toISOString()).toBe('2016-07-30T00:00:00.000Z');
      expect(new Date(row.measurement_time).toISOString()).toBe('2016-07-30T01:00:00.000Z');
      expect(row.update_time).toBeTruthy();
    });

    it('replaces a record with the same key on resend (no duplicates); a new snapshot is a new row', async () => {
      const first = apelMessage([vmRecord({ VMUUID: 'resend', CpuDuration: 100 })]);
      expect((await post(main, first, 'allowed_host.test')).status).toBe(202);
      const [before] = await rows(main, 'resend');
      expect((await post(main, apelMessage([vmRecord({ VMUUID: 'resend', CpuDuration: 200 })]), 'special_host.test')).status).toBe(202);
      const after = await rows(main, 'resend');
      expect(after).toHaveLength(1);
      expect(after[0].cpu_duration).toBe('200');
      expect(after[0].publisher_dn).toBe('/C=XX/O=XX/OU=XX/L=XX/CN=special_host.test');
      expect(BigInt(after[0].received_seq)).toBeGreaterThan(BigInt(before.received_seq));
      expect(new Date(after[0].update_time).getTime()).toBeGreaterThanOrEqual(new Date(before.update_time).getTime());
      // An identical resend is harmless.
      expect((await post(main, apelMessage([vmRecord({ VMUUID: 'resend', CpuDuration: 200 })]), 'allowed_host.test')).status).toBe(202);
      expect(await rows(main, 'resend')).toHaveLength(1);
      // Later snapshot (different WallDuration): kept beside the first.
      expect((await post(main, apelMessage([vmRecord({ VMUUID: 'resend', WallDuration: 90000 })]), 'allowed_host.test')).status).toBe(202);
      expect(await rows(main, 'resend')).toHaveLength(2);
    });

    it('keeps the last of several records with the same key in one message', async () => {
      const msg = apelMessage([
        vmRecord({ VMUUID: 'dup', CpuDuration: 1 }),
        vmRecord({ VMUUID: 'dup-other' }),
        vmRecord({ VMUUID: 'dup', CpuDuration: 2 }),
        vmRecord({ VMUUID: 'dup', CpuDuration: 3 }),
      ]);
      expect((await post(main, msg, 'allowed_host.test')).status).toBe(202);
      const stored = await rows(main, 'dup');
      expect(stored).toHaveLength(1);
      expect(stored[0].cpu_duration).toBe('3');
    });

    it('stores a 10,000-record message in one request, without per-row round trips', async () => {
      const records = Array.from({ length: 10_000 }, (_, i) => vmRecord({ VMUUID: `bulk-${i}`, WallDuration: 1000 + i }));
      const body = apelMessage(records);
      const started = Date.now();
      const res = await post(main, body, 'allowed_host.test');
      const elapsed = Date.now() - started;
      expect(res.status).toBe(202);
      expect(await count(main, `vm_uuid LIKE 'bulk-%'`)).toBe(10_000);
      // Generous bound: per-row statements would take far longer on either backend.
      expect(elapsed).toBeLessThan(20_000);
      // And the same message again replaces rather than duplicates.
      expect((await post(main, body, 'allowed_host.test')).status).toBe(202);
      expect(await count(main, `vm_uuid LIKE 'bulk-%'`)).toBe(10_000);
    }, 60_000);

    it('answers 500 and stores nothing when storage fails mid-message', async () => {
      const ds = main.app.database.dataSource;
      // A trigger that fails on one record of the last chunk proves all chunks share one transaction.
      await ds.query(`CREATE FUNCTION apel_poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.vm_uuid = 'poison' THEN RAISE EXCEPTION 'poisoned'; END IF; RETURN NEW; END $$`);
      await ds.query(`CREATE TRIGGER apel_poison BEFORE INSERT ON apel_records FOR EACH ROW EXECUTE FUNCTION apel_poison()`);
      try {
        const records = Array.from({ length: 1200 }, (_, i) => vmRecord({ VMUUID: `tx-${i}` }));
        records.push(vmRecord({ VMUUID: 'poison' }));
        const res = await post(main, apelMessage(records), 'allowed_host.test');
        expect(res.status).toBe(500);
        expect(res.body).toBe(SAVE_FAILED);
        expect(await count(main, `vm_uuid LIKE 'tx-%' OR vm_uuid = 'poison'`)).toBe(0);
      } finally {
        await ds.query(`DROP TRIGGER apel_poison ON apel_records`);
        await ds.query(`DROP FUNCTION apel_poison()`);
      }
    });
  });

  describe('with an empty provider list and a small body limit', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(backend, {
        ...pki.env,
        ACC_APEL_PROVIDERS_URL: `${stub.url}/providers/empty`,
        ACC_APEL_ALLOWED_DNS: JSON.stringify([slashDn(hostDn('special_host.test'))]),
        ACC_APEL_MAX_BODY_BYTES: '4096',
        // The general limit does not apply to APEL messages, which have their own.
        ACC_MAX_BODY_BYTES: '1024',
      });
    });
    afterAll(async () => {
      await server?.close();
    });

    it('answers 403 for a DN that was only in the provider list', async () => {
      const res = await post(server, apelMessage([vmRecord({ VMUUID: 'empty-list' })]), 'allowed_host.test');
      expect(res.status).toBe(403);
      expect((await post(server, apelMessage([vmRecord({ VMUUID: 'empty-list' })]), 'special_host.test')).status).toBe(202);
    });

    it('answers 413 above ACC_APEL_MAX_BODY_BYTES and stores nothing', async () => {
      const records = Array.from({ length: 20 }, (_, i) => vmRecord({ VMUUID: `big-${i}` }));
      const body = apelMessage(records);
      expect(Buffer.byteLength(body)).toBeGreaterThan(4096);
      const res = await post(server, body, 'special_host.test');
      expect(res.status).toBe(413);
      expect(typeof res.body).toBe('string');
      // Without Content-Length (chunked), the limit is enforced while reading.
      const chunked = await post(server, body, 'special_host.test', { headers: { 'Transfer-Encoding': 'chunked' } });
      expect(chunked.status).toBe(413);
      expect(await count(server, `vm_uuid LIKE 'big-%'`)).toBe(0);
      // Exactly at the APEL limit is fine, although above ACC_MAX_BODY_BYTES.
      const small = apelMessage([vmRecord({ VMUUID: 'fits' })]);
      expect((await post(server, small.padEnd(4096, ' '), 'special_host.test')).status).toBe(202);
    });
  });

  describe('with an unreachable provider list, behind a trusted proxy', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(backend, {
        ...pki.env,
        ACC_APEL_PROVIDERS_URL: `http://127.0.0.1:${await closedPort()}/providers`,
        ACC_APEL_ALLOWED_DNS: JSON.stringify([slashDn(hostDn('special_host.test'))]),
        ACC_TRUSTED_DN_HEADER: 'X-SSL-Client-DN',
        ACC_TRUSTED_PROXIES: '10.0.0.1, 127.0.0.1',
      });
    });
    afterAll(async () => {
      await server?.close();
    });

    it('still accepts a DN in ALLOWED_TO_POST (202) and refuses a listed-only DN (403)', async () => {
      expect((await post(server, apelMessage([vmRecord({ VMUUID: 'down-1' })]), 'special_host.test')).status).toBe(202);
      expect((await post(server, apelMessage([vmRecord({ VMUUID: 'down-2' })]), 'allowed_host.test')).status).toBe(403);
    });

    it('takes the DN from the trusted header when the peer is a trusted proxy', async () => {
      const viaProxy = (dn: string) =>
        post(server, apelMessage([vmRecord({ VMUUID: 'proxied' })]), undefined, { headers: { 'X-SSL-Client-DN': dn } });
      // nginx's $ssl_client_s_dn is RFC 2253/4514: normalised to slash form.
      const ok = await viaProxy(rfc4514Dn(hostDn('special_host.test')));
      expect(ok.status).toBe(202);
      const [row] = await server.app.database.dataSource.query(`SELECT publisher_dn FROM apel_records WHERE vm_uuid = 'proxied'`);
      expect(row.publisher_dn).toBe(slashDn(hostDn('special_host.test')));
      expect((await viaProxy(slashDn(hostDn('prohibited_host.test')))).status).toBe(403);
      // From the proxy but without the header (and without a certificate): no identity.
      expect((await post(server, apelMessage([vmRecord({ VMUUID: 'proxied' })]))).status).toBe(401);
    });
  });
});
