import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { startTestServer, type TestServer } from './support/server.js';

const listener = '/accounting-system/ams-listener';
const PROJECT = 'eosc_service_catalogue';
const FORBIDDEN = { code: 403, message: 'You cannot perform this operation' };

const push = (data: unknown) => ({
  message: {
    attributes: { origin: 'catalogue' },
    data: Buffer.from(JSON.stringify(data), 'utf8').toString('base64'),
    messageId: '42',
    publishTime: '2024-10-02T14:21:09.482Z',
  },
  subscription: 'projects/eosc/subscriptions/accounting',
});

const approvedProvider = (provider: Record<string, unknown>) => push({ status: 'approved provider', active: true, provider, unknownField: 1 });
const approvedResource = (service: Record<string, unknown>) => push({ status: 'approved resource', service });

describe.each(backends)('AMS push listener on %s', (backend) => {
  let s: TestServer;

  beforeAll(async () => {
    // Spaces around the configured values are trimmed; the project and hash keep their defaults.
    s = await startTestServer(backend, { ACC_AMS_AUTHORIZATION: ' create_provider , create_installation ,' });
  });
  afterAll(() => s.close());

  // `null`: no Authorization header at all.
  const send = (body: unknown, authorization: string | null = 'create_provider', headers: Record<string, string> = {}) =>
    s.call('POST', listener, { body, headers: { ...(authorization !== null && { Authorization: authorization }), ...headers } });
  const q = (sql: string, params: unknown[] = []) => s.app.database.dataSource.query(sql, params);

  it('serves the verification hash as text/plain at the server root', async () => {
    const r = await s.call('GET', '/ams_verification_hash');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(r.text).toBe('hash_value');
    expect((await s.call('POST', '/ams_verification_hash')).status).toBe(405);
  });

  it('refuses a missing or unmatched Authorization header before anything else', async () => {
    const body = approvedProvider({ id: 'x', name: 'X' });
    for (const authorization of [null, '', 'create', 'CREATE_PROVIDER', 'Bearer create_provider', 'create_provider,create_installation']) {
      expect((await send(body, authorization)).body, String(authorization)).toEqual(FORBIDDEN);
    }
    // Even a malformed delivery is refused first.
    expect((await send({ message: { data: '!!!' } }, 'nope')).body).toEqual(FORBIDDEN);
    // ...and so is an empty one: the secret is checked before the body (§1.3).
    const empty = await s.call('POST', '/accounting-system/ams-listener', {
      body: '',
      headers: { Authorization: 'nope', 'Content-Type': 'application/json' },
    });
    expect(empty.body).toEqual(FORBIDDEN);
  });

  it('answers 500 while the AMS project does not exist', async () => {
    const r = await send(approvedProvider({ id: 'x', name: 'X' }), 'create_installation');
    expect(r.body).toEqual({ code: 500, message: `There is no Project with id : ${PROJECT} to which the AMS messages can be associated.` });
    await q(`INSERT INTO projects (id, acronym) VALUES ($1, 'EOSC')`, [PROJECT]);
  });

  it('answers for empty and unknown statuses without changing anything', async () => {
    expect((await send(push({ active: true }))).body).toEqual({ code: 200, message: 'Service catalogue message status is empty.' });
    expect((await send(push({ status: '' }))).body).toEqual({ code: 200, message: 'Service catalogue message status is empty.' });
    expect((await send(push([1, 2]))).body).toEqual({ code: 200, message: 'Service catalogue message status is empty.' });
    expect((await send(push({ status: 'pending provider' }))).body).toEqual({
      code: 200,
      message: 'Unknown service catalogue status : pending provider',
    });
  });

  it('answers 400 without data and 400 with the parse error for undecodable data (the sender must fix it)', async () => {
    expect((await send({ message: { messageId: '1' } })).body).toEqual({ code: 400, message: 'message.data may not be empty.' });
    const garbage = await send({ message: { data: Buffer.from('{not json').toString('base64') } });
    expect(garbage.status).toBe(400);
    expect(garbage.body.message).toMatch(/^Cannot parse the AMS message data: .+/);
    const notBase64 = await send({ message: { data: '%%%' } });
    expect(notBase64.body).toEqual({ code: 400, message: 'Cannot parse the AMS message data: the data is not valid base64' });
  });

  it('holds the listener to JSON bodies', async () => {
    const r = await send('{}', 'create_provider', { 'Content-Type': 'text/plain' });
    expect(r.body).toEqual({ code: 415, message: 'Cannot consume content type.' });
  });

  it('creates an approved provider from AMS and associates it with the AMS project', async () => {
    const provider = {
      id: 'eosc.grnet',
      name: 'GRNET',
      abbreviation: 'GRNET',
      logo: 'https://grnet.gr/logo.png',
      website: 'https://grnet.gr',
      country: 'GR',
    };
    expect((await send(approvedProvider(provider))).body).toEqual({ code: 200, message: 'AMS message has been successfully consumed' });

    const [row] = await q(`SELECT id, name, website, abbreviation, logo, external_id, creator_id FROM providers WHERE external_id = 'eosc.grnet'`);
    expect(row).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: 'GRNET',
      website: 'https://grnet.gr',
      abbreviation: 'GRNET',
      logo: 'https://grnet.gr/logo.png',
      external_id: 'eosc.grnet',
      creator_id: 'from-ams',
    });
    expect(await q('SELECT project_id FROM project_providers WHERE provider_id = $1', [row.id])).toEqual([{ project_id: PROJECT }]);
  });

  it('applies the provider rules: required name, unique name, unique external id', async () => {
    expect((await send(approvedProvider({ id: 'eosc.nameless' }))).body).toEqual({ code: 400, message: 'name may not be empty.' });
    expect((await send(approvedProvider({ id: 'eosc.other', name: 'GRNET' }))).body).toEqual({
      code: 409,
      message: 'There is a Provider with name: GRNET',
    });
    expect((await send(approvedProvider({ id: 'eosc.grnet', name: 'GRNET 2' }))).body).toEqual({ code: 409, message: 'external_id already exists' });
    expect(await q(`SELECT 1 FROM providers WHERE name IN ('GRNET 2') OR external_id IN ('eosc.nameless', 'eosc.other')`)).toEqual([]);
  });

  it('creates an installation for an approved resource of a known provider', async () => {
    const service = { id: 'eosc.grnet.hypatia', name: 'HYPATIA', resourceOrganisation: 'eosc.grnet', tagline: 'ignored' };
    expect((await send(approvedResource(service), 'create_installation')).body).toEqual({
      code: 200,
      message: 'AMS message has been successfully consumed',
    });
    const [provider] = await q(`SELECT id FROM providers WHERE external_id = 'eosc.grnet'`);
    const [row] = await q(
      `SELECT id, project_id, provider_id, installation, infrastructure, external_id, creator_id FROM installations WHERE external_id = 'eosc.grnet.hypatia'`,
    );
    expect(row).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      project_id: PROJECT,
      provider_id: provider.id,
      installation: 'eosc.grnet.hypatia',
      infrastructure: 'HYPATIA',
      external_id: 'eosc.grnet.hypatia',
      creator_id: 'from-ams',
    });

    const again = await send(approvedResource(service), 'create_installation');
    expect(again.body).toEqual({
      code: 409,
      message: `There is an Installation with the following combination : {${PROJECT}, ${provider.id}, eosc.grnet.hypatia}. Its id is ${row.id}`,
    });
  });

  it('applies the installation rules to resources', async () => {
    expect((await send(approvedResource({ id: 'svc', name: 'S', resourceOrganisation: 'eosc.unknown' }))).body).toEqual({
      code: 404,
      message: 'There is no Provider with external id: eosc.unknown',
    });
    expect((await send(approvedResource({ name: 'S', resourceOrganisation: 'eosc.grnet' }))).body).toEqual({
      code: 400,
      message: 'installation may not be empty.',
    });
    // A provider that exists but was never associated with the AMS project.
    await q(`INSERT INTO providers (id, name, external_id) VALUES ('loneprovider0000000000000', 'Lone', 'eosc.lone')`);
    expect((await send(approvedResource({ id: 'svc', name: 'S', resourceOrganisation: 'eosc.lone' }))).body).toEqual({
      code: 400,
      message: `There is no relationship between Project {${PROJECT}} and Provider {loneprovider0000000000000}`,
    });
  });

  it('serves the listener over tRPC with the same header check', async () => {
    const call = (authorization: string) =>
      fetch(`${s.url}/trpc/ams.listener`, {
        method: 'POST',
        headers: { Authorization: authorization, 'Content-Type': 'application/json' },
        body: JSON.stringify(push({ status: 'something else' })),
      }).then((r) => r.json() as Promise<{ result?: { data: unknown }; error?: { message: string; data: { httpStatus: number } } }>);
    expect((await call('create_provider')).result?.data).toEqual({ code: 200, message: 'Unknown service catalogue status : something else' });
    const refused = await call('wrong');
    expect(refused.error?.data.httpStatus).toBe(403);
    expect(refused.error?.message).toBe('You cannot perform this operation');
  });
});
