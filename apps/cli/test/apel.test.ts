import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The server support first: it loads reflect-metadata, which @peculiar/x509 (PKI helpers) needs.
import { startTestServer, type TestServer } from '../../server/test/support/server.js';
import { apelMessage, closedPort, createPki, hostDn, slashDn, vmRecord, type Pki } from '../../server/test/support/apel.js';
import { buildCli, lines, runAcc } from './support/cli.js';

let pki: Pki;
let server: TestServer;
let dir: string;
let tls: string[];

const countRecords = async (where: string) =>
  Number((await server.app.database.dataSource.query(`SELECT count(*) AS n FROM apel_records WHERE ${where}`))[0].n);

const message = (vm: string) => apelMessage([vmRecord({ VMUUID: vm })]);
const file = (name: string, body: string, at = dir) => {
  const path = join(at, name);
  writeFileSync(path, body);
  return path;
};

beforeAll(async () => {
  buildCli();
  pki = await createPki();
  server = await startTestServer('pglite', { ...pki.env, ACC_APEL_ALLOWED_DNS: JSON.stringify([slashDn(hostDn('publisher.test'))]) });
  const creds = await pki.client(hostDn('publisher.test'));
  dir = mkdtempSync(join(tmpdir(), 'acc-apel-'));
  const cert = file('client.pem', creds.cert);
  const key = file('client.key', creds.key);
  tls = ['-c', cert, '-k', key, '--ca', pki.caPath];
});
afterAll(async () => {
  await server?.close();
  pki?.cleanup();
});

describe('acc apel send against the real server', () => {
  it('sends files in order with a client certificate; one line per message off a TTY', async () => {
    const a = file('a.apel', message('cli-a'));
    const b = file('b.apel', message('cli-b'));
    const r = await runAcc(['apel', 'send', b, a, '--url', server.url, ...tls]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`${b}: 202\n${a}: 202\n2 message(s) sent.\n`);
    expect(await countRecords(`vm_uuid IN ('cli-a', 'cli-b')`)).toBe(2);
  });

  it('sends a queue directory sorted by name and removes what was accepted', async () => {
    const queue = join(dir, 'queue');
    mkdirSync(queue);
    const q2 = file('002', message('cli-q2'), queue);
    const q1 = file('001', message('cli-q1'), queue);
    mkdirSync(join(queue, 'not-a-file'));
    const r = await runAcc(['apel', 'send', '-q', queue, '--remove', '--url', server.url, ...tls]);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([`${q1}: 202`, `${q2}: 202`, '2 message(s) sent.']);
    expect(existsSync(q1) || existsSync(q2)).toBe(false);
    expect(await countRecords(`vm_uuid IN ('cli-q1', 'cli-q2')`)).toBe(2);
  });

  it('stops at a 400 with the server message; earlier messages stay sent', async () => {
    const ok = file('ok.apel', message('cli-ok'));
    const bad = file('bad.apel', 'APEL-cloud-message: v0.4\nVMUUID: x\nFoo: bar\n%%\n');
    const never = file('never.apel', message('cli-never'));
    const r = await runAcc(['apel', 'send', ok, bad, never, '--url', server.url, ...tls]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`${ok}: 202\n`);
    expect(r.stderr).toBe(`Failed to send ${bad}: 400 Record 1: Unknown field: Foo\n`);
    expect(await countRecords(`vm_uuid = 'cli-ok'`)).toBe(1);
    expect(await countRecords(`vm_uuid = 'cli-never'`)).toBe(0);
  });

  it('without a client certificate the server answers 401, and no retry happens', async () => {
    const r = await runAcc(['apel', 'send', file('anon.apel', message('cli-anon')), '--url', server.url, '--ca', pki.caPath]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Failed to send ${join(dir, 'anon.apel')}: 401\n`);
  });

  it('draws a progress bar instead of lines when progress is on', async () => {
    const r = await runAcc(['apel', 'send', file('p1', message('cli-p1')), file('p2', message('cli-p2')), '--url', server.url, ...tls], {
      env: { ACC_PROGRESS: 'always' },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('2 message(s) sent.\n');
    expect(r.stderr).toContain('[..........] 0/2 sent');
    expect(r.stderr).toContain('[##########] 2/2 sent');
  });

  it('needs something to send, and -c with -k', async () => {
    expect((await runAcc(['apel', 'send', '--url', server.url])).code).toBe(2);
    expect((await runAcc(['apel', 'send', 'x', '-c', 'cert.pem', '--url', server.url])).code).toBe(2);
  });
});

describe('acc apel send retries', () => {
  it('retries a 5xx (after 1 s) and then succeeds', async () => {
    let n = 0;
    const flaky = https.createServer({ cert: readFileSync(pki.serverCertPath), key: readFileSync(pki.serverKeyPath) }, (req, res) => {
      req.resume();
      req.on('end', () => {
        n++;
        if (n === 1)
          res.writeHead(503, { 'Content-Type': 'application/json' }).end(JSON.stringify('Data could not be saved to disk, please try again.'));
        else res.writeHead(202, { 'Content-Type': 'application/json' }).end(JSON.stringify('Data successfully saved for future loading.'));
      });
    });
    await new Promise<void>((r) => flaky.listen(0, '127.0.0.1', r));
    try {
      const url = `https://127.0.0.1:${(flaky.address() as AddressInfo).port}`;
      const r = await runAcc(['apel', 'send', file('flaky.apel', message('flaky')), '--url', url, ...tls]);
      expect(r.code).toBe(0);
      expect(n).toBe(2);
    } finally {
      flaky.closeAllConnections();
      await new Promise<void>((r) => flaky.close(() => r()));
    }
  });

  it('gives up after 3 attempts on connection errors', async () => {
    const port = await closedPort();
    const path = file('lost.apel', message('lost'));
    const r = await runAcc(['apel', 'send', path, '--url', `https://127.0.0.1:${port}`, ...tls]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Failed to send ${path}: connect ECONNREFUSED 127.0.0.1:${port}\n`);
  });
});
