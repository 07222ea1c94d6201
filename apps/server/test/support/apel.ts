import { randomUUID, webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A DN as an ordered list of [type, value] pairs, certificate order (first = outermost RDN). */
export type Rdns = [string, string][];

/** `/C=XX/O=XX/OU=XX/L=XX/CN=host`, the spec's slash form. */
export const slashDn = (rdns: Rdns) => rdns.map(([t, v]) => `/${t}=${v}`).join('');
/** RFC 4514 form (reverse order, comma-separated), to check that configured DNs are normalised. */
export const rfc4514Dn = (rdns: Rdns) =>
  [...rdns]
    .reverse()
    .map(([t, v]) => `${t}=${v}`)
    .join(',');
export const hostDn = (host: string): Rdns => [
  ['C', 'XX'],
  ['O', 'XX'],
  ['OU', 'XX'],
  ['L', 'XX'],
  ['CN', host],
];

export interface Credentials {
  cert: string;
  key: string;
}

export interface Pki {
  dir: string;
  caPem: string;
  caPath: string;
  serverCertPath: string;
  serverKeyPath: string;
  /** A client certificate issued by the CA for `rdns`. */
  client(rdns: Rdns): Promise<Credentials>;
  /** A self-signed client certificate: not from the CA, so never verified. */
  selfSigned(rdns: Rdns): Promise<Credentials>;
  /** Env for startTestServer: HTTPS with client certificates requested and checked against the CA. */
  env: Record<string, string>;
  cleanup(): void;
}

const name = (rdns: Rdns) => new x509.Name(rdns.map(([t, v]) => ({ [t]: [v] })));
const pem = (der: ArrayBuffer, label: string) => x509.PemConverter.encode(der, label);
let serial = 1;
const nextSerial = () => (serial++).toString(16).padStart(2, '0');

async function keyPem(key: CryptoKey): Promise<string> {
  return pem(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** A CA, a server certificate for 127.0.0.1/localhost, and client certificates on demand, in a temp dir. */
export async function createPki(): Promise<Pki> {
  const dir = mkdtempSync(join(tmpdir(), 'acc-apel-pki-'));
  const now = Date.now();
  const validity = { notBefore: new Date(now - 3600_000), notAfter: new Date(now + 86400_000) };
  const caKeys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name: name([
      ['C', 'XX'],
      ['O', 'Test CA'],
      ['CN', 'APEL test CA'],
    ]),
    keys: caKeys,
    signingAlgorithm: SIGN,
    ...validity,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const issue = async (rdns: Rdns, usage: 'server' | 'client') => {
    const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: nextSerial(),
      subject: name(rdns),
      issuer: ca.subjectName,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: SIGN,
      ...validity,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
        new x509.ExtendedKeyUsageExtension([usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
        await x509.AuthorityKeyIdentifierExtension.create(ca),
        ...(usage === 'server'
          ? [
              new x509.SubjectAlternativeNameExtension([
                { type: 'ip', value: '127.0.0.1' },
                { type: 'dns', value: 'localhost' },
              ]),
            ]
          : []),
      ],
    });
    return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) };
  };

  const server = await issue([['CN', 'localhost']], 'server');
  const caPath = join(dir, 'ca.pem');
  const serverCertPath = join(dir, 'server.pem');
  const serverKeyPath = join(dir, 'server.key');
  const caPem = ca.toString('pem');
  writeFileSync(caPath, caPem);
  writeFileSync(serverCertPath, server.cert);
  writeFileSync(serverKeyPath, server.key, { mode: 0o600 });

  return {
    dir,
    caPem,
    caPath,
    serverCertPath,
    serverKeyPath,
    client: (rdns) => issue(rdns, 'client'),
    async selfSigned(rdns) {
      const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
      const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: nextSerial(),
        name: name(rdns),
        keys,
        signingAlgorithm: SIGN,
        ...validity,
        extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
      });
      return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) };
    },
    env: { ACC_TLS_CERT: serverCertPath, ACC_TLS_KEY: serverKeyPath, ACC_TLS_CLIENT_CA: caPath },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** Parsed JSON, or undefined for an empty or non-JSON body. */
  body: any;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Client certificate and key (https only). */
  credentials?: Credentials;
  /** CA that signed the server certificate (https only). */
  ca?: string;
}

/**
 * One request on a fresh connection (`agent: false`): each test may present a different client
 * certificate, and a pooled TLS connection would keep the first one. `fetch` cannot send client
 * certificates at all, hence node:https.
 */
export function request(url: string, opts: RequestOptions = {}): Promise<RawResponse> {
  const target = new URL(url);
  const lib = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      target,
      {
        method: opts.method ?? 'GET',
        headers: opts.headers,
        agent: false,
        ...(target.protocol === 'https:' && { ca: opts.ca, cert: opts.credentials?.cert, key: opts.credentials?.key }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A tiny local HTTP server whose answer per path the test sets. */
export interface StubServer {
  url: string;
  set(path: string, status: number, body: unknown): void;
  hits(path: string): number;
  close(): Promise<void>;
}

export async function startStub(): Promise<StubServer> {
  const answers = new Map<string, { status: number; body: unknown }>();
  const counts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const answer = answers.get(path);
    if (!answer) return void res.writeHead(404).end();
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(text);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    set: (path, status, body) => void answers.set(path, { status, body }),
    hits: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** The provider-list document of spec §1.1.4. */
export const providerList = (...hosts: string[]) => ({
  total_rows: 735,
  offset: 695,
  rows: [
    ...hosts.map((hostname, i) => ({ id: String(i), key: ['service'], value: { sitename: 'TEST', provider_id: 'TEST', hostname, type: 'cloud' } })),
    { id: 'x', key: ['service'], value: { sitename: 'NOHOST', provider_id: 'NOHOST', type: 'cloud' } },
  ],
});

/**
 * A local Indigo-IAM stand-in over http (trusted only with ACC_APEL_ALLOW_HTTP_ISSUERS on 127.0.0.1):
 * JWKS at `{iss}/jwk` and RFC 7662 introspection at `{iss}/introspect`.
 */
export interface TestIam {
  /** `http://127.0.0.1:<port>/`, with the trailing slash Indigo IAM uses. */
  issuer: string;
  /** Signs a token; claims set to undefined are left out (e.g. `{ iat: undefined }`). */
  token(claims?: Record<string, unknown>, opts?: { key?: 'own' | 'foreign'; alg?: string }): Promise<string>;
  /** HS256 token with a shared secret: must be refused whatever the key. */
  hmacToken(claims?: Record<string, unknown>): Promise<string>;
  /** How introspection answers: `client_id = sub` (default), inactive, another client, or HTTP 500. */
  introspection: 'service' | 'inactive' | 'other-client' | 'error';
  introspections: number;
  /** Basic credentials of the last introspection call and its form body. */
  lastIntrospection?: { authorization?: string; body: string };
  close(): Promise<void>;
}

export async function startTestIam(): Promise<TestIam> {
  const own = await generateKeyPair('RS256', { extractable: true });
  const foreign = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(own.publicKey)), kid: 'iam-key', alg: 'RS256', use: 'sig' };
  const tokens = new Map<string, Record<string, unknown>>();
  const iam: TestIam = {
    issuer: '',
    introspection: 'service',
    introspections: 0,
    async token(claims = {}, opts = {}) {
      const now = Math.floor(Date.now() / 1000);
      // jti: RS256 signatures are deterministic, and two equal tokens would share a cache entry.
      const all: Record<string, unknown> = { sub: 'service-client', iss: iam.issuer, iat: now - 10, exp: now + 3600, jti: randomUUID(), ...claims };
      for (const k of Object.keys(all)) if (all[k] === undefined) delete all[k];
      const token = await new SignJWT(all)
        .setProtectedHeader({ alg: opts.alg ?? 'RS256', kid: 'iam-key' })
        .sign(opts.key === 'foreign' ? foreign.privateKey : own.privateKey);
      tokens.set(token, all);
      return token;
    },
    async hmacToken(claims = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ sub: 'service-client', iss: iam.issuer, iat: now - 10, exp: now + 3600, ...claims })
        .setProtectedHeader({ alg: 'HS256', kid: 'iam-key' })
        .sign(new TextEncoder().encode('a-shared-secret-of-sufficient-length!!'));
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/jwk') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      if (req.url === '/introspect' && req.method === 'POST') {
        iam.introspections++;
        const body = Buffer.concat(chunks).toString('utf8');
        iam.lastIntrospection = { authorization: req.headers.authorization, body };
        if (iam.introspection === 'error') return void res.writeHead(500).end();
        const token = new URLSearchParams(body).get('token') ?? '';
        const claims = tokens.get(token);
        const answer =
          !claims || iam.introspection === 'inactive'
            ? { active: false }
            : { active: true, sub: claims.sub, client_id: iam.introspection === 'other-client' ? 'someone-else' : claims.sub };
        return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  iam.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return iam;
}

// ---- APEL messages ----

export type RecordFields = Record<string, string | number | null>;

/** An `APEL-cloud-message` from records given as key → value (null writes the literal NULL token). */
export function apelMessage(records: RecordFields[], version = 'v0.4'): string {
  const body = records
    .map((r) =>
      Object.entries(r)
        .map(([k, v]) => `${k}: ${v === null ? 'NULL' : v}`)
        .join('\n'),
    )
    .join('\n%%\n');
  return `APEL-cloud-message: ${version}\n${body}\n%%\n`;
}

/** A complete v0.4 record; `over` replaces or adds fields. */
export function vmRecord(over: RecordFields = {}): RecordFields {
  return {
    VMUUID: 'TEST-VM',
    SiteName: 'Test-Site',
    CloudComputeService: 'Test-Service',
    MachineName: 'one-2421',
    LocalUserId: '19',
    LocalGroupId: '101',
    GlobalUserName: 'TestDN',
    FQAN: '/TEST/Role=NULL/Capability=NULL',
    Status: 'started',
    StartTime: '2016-07-30T00:00:00Z',
    EndTime: 'NULL',
    SuspendDuration: 0,
    WallDuration: 86399,
    CpuDuration: 3600,
    CpuCount: 1,
    NetworkType: 'NULL',
    NetworkInbound: 0,
    NetworkOutbound: 0,
    PublicIPCount: 1,
    Memory: 1000,
    Disk: 0,
    BenchmarkType: 'HEPSPEC06',
    Benchmark: 10,
    StorageRecordId: 'NULL',
    ImageId: 'image-1',
    CloudType: 'OpenNebula',
    ...over,
  };
}

export const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);
