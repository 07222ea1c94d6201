import { webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** The publisher's subject, certificate order; the server renders it `/C=XX/O=XX/OU=XX/L=XX/CN=…` (§1.1.1). */
const PUBLISHER: [string, string][] = [
  ['C', 'XX'],
  ['O', 'XX'],
  ['OU', 'XX'],
  ['L', 'XX'],
  ['CN', 'bench-publisher.example'],
];
export const PUBLISHER_DN = PUBLISHER.map(([t, v]) => `/${t}=${v}`).join('');

export interface BenchPki {
  caPem: string;
  client: { cert: string; key: string };
  /** ACC_TLS_* for the server. */
  env: Record<string, string>;
  cleanup(): void;
}

const nameOf = (rdns: [string, string][]) => new x509.Name(rdns.map(([t, v]) => ({ [t]: [v] })));
const keyPem = async (key: CryptoKey) => x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');

/** A CA, a server certificate for 127.0.0.1 and the publisher's client certificate, in a temp folder. */
export async function createPki(): Promise<BenchPki> {
  const dir = mkdtempSync(join(tmpdir(), 'acc-bench-pki-'));
  const now = Date.now();
  const validity = { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 7 * 86_400_000) };
  const caKeys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: nameOf([
      ['C', 'XX'],
      ['O', 'acc bench'],
      ['CN', 'acc bench CA'],
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
  const issue = async (serial: string, rdns: [string, string][], usage: 'server' | 'client') => {
    const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial,
      subject: nameOf(rdns),
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
  const server = await issue('02', [['CN', 'localhost']], 'server');
  const client = await issue('03', PUBLISHER, 'client');
  const caPem = ca.toString('pem');
  const paths = { ca: join(dir, 'ca.pem'), cert: join(dir, 'server.pem'), key: join(dir, 'server.key') };
  writeFileSync(paths.ca, caPem);
  writeFileSync(paths.cert, server.cert);
  writeFileSync(paths.key, server.key, { mode: 0o600 });
  return {
    caPem,
    client,
    env: { ACC_TLS_CERT: paths.cert, ACC_TLS_KEY: paths.key, ACC_TLS_CLIENT_CA: paths.ca },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface BenchIam {
  /** `http://127.0.0.1:<port>/`, trusted with ACC_APEL_ALLOW_HTTP_ISSUERS. */
  issuer: string;
  /** A service token for `sub`, valid for an hour. */
  token(sub: string): Promise<string>;
  close(): Promise<void>;
}

/** A local IAM stand-in publishing its JWKS at `{iss}/jwk` (APEL spec §2.1.7). */
export async function startIam(): Promise<BenchIam> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench-key', alg: 'RS256', use: 'sig' };
  const server = http.createServer((req, res) => {
    if (req.url === '/jwk') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    issuer,
    token: (sub) =>
      new SignJWT({ sub })
        .setProtectedHeader({ alg: 'RS256', kid: 'bench-key' })
        .setIssuer(issuer)
        .setIssuedAt(Math.floor(Date.now() / 1000) - 10)
        .setExpirationTime('1h')
        .sign(privateKey),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
