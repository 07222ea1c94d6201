import { describe, it, expect } from 'vitest';
import { dnFromCertSubject, normaliseDn, signerHost } from './dn.js';

describe('normaliseDn', () => {
  it('leaves the slash form as it is', () => {
    expect(normaliseDn('/C=XX/O=XX/OU=XX/L=XX/CN=host.example')).toBe('/C=XX/O=XX/OU=XX/L=XX/CN=host.example');
    expect(normaliseDn('  /C=UK/O=eScience/CN=host/pilot \n')).toBe('/C=UK/O=eScience/CN=host/pilot');
  });

  it('reverses RFC 4514 RDNs into certificate order, so both forms compare equal', () => {
    expect(normaliseDn('CN=host,O=XX,C=XX')).toBe('/C=XX/O=XX/CN=host');
    expect(normaliseDn('CN=allowed_host.test,L=XX,OU=XX,O=XX,C=XX')).toBe(normaliseDn('/C=XX/O=XX/OU=XX/L=XX/CN=allowed_host.test'));
  });

  it('tolerates spaces around separators and keeps inner and escaped spaces', () => {
    expect(normaliseDn('CN=john smith , O=Example Org,  C=UK')).toBe('/C=UK/O=Example Org/CN=john smith');
    expect(normaliseDn('CN=\\ padded\\ ,C=UK')).toBe('/C=UK/CN= padded ');
  });

  it('unescapes \\, \\+ \\\\ \\" and hex pairs', () => {
    expect(normaliseDn('CN=host.example,O=Foo\\, Inc.,C=US')).toBe('/C=US/O=Foo, Inc./CN=host.example');
    expect(normaliseDn('CN=a\\+b\\\\c\\"d,C=US')).toBe('/C=US/CN=a+b\\c"d');
    expect(normaliseDn('CN=Jos\\C3\\A9,O=Caf\\c3\\a9\\2C Ltd,C=ES')).toBe('/C=ES/O=Café, Ltd/CN=José');
  });

  it('accepts quoted values', () => {
    expect(normaliseDn('CN=host,O="Foo, Inc.",C=US')).toBe('/C=US/O=Foo, Inc./CN=host');
  });

  it('splits multi-valued RDNs into components in their written order', () => {
    expect(normaliseDn('CN=host+UID=u1,O=XX,C=XX')).toBe('/C=XX/O=XX/CN=host/UID=u1');
    expect(normaliseDn('CN=host + UID=u1,O=XX,C=XX')).toBe('/C=XX/O=XX/CN=host/UID=u1');
  });

  it('writes attribute types the way OpenSSL names them', () => {
    expect(normaliseDn('cn=host,o=XX,dc=example,dc=org')).toBe('/DC=org/DC=example/O=XX/CN=host');
    expect(normaliseDn('E=ops@example.org,2.5.4.3=host,C=XX')).toBe('/C=XX/CN=host/emailAddress=ops@example.org');
  });

  it('reads the newline-separated subject string in certificate order', () => {
    expect(normaliseDn('C=XX\nO=XX\nCN=host')).toBe('/C=XX/O=XX/CN=host');
  });

  it('returns text that is no DN unchanged', () => {
    expect(normaliseDn('not a dn')).toBe('not a dn');
    expect(normaliseDn('CN=host,')).toBe('CN=host,');
    expect(normaliseDn('')).toBe('');
  });
});

describe('dnFromCertSubject', () => {
  it('builds the slash form from a PeerCertificate subject object', () => {
    expect(dnFromCertSubject({ C: 'XX', O: 'XX', OU: 'XX', L: 'XX', CN: 'host.example' })).toBe('/C=XX/O=XX/OU=XX/L=XX/CN=host.example');
  });

  it('expands repeated attributes given as arrays in place', () => {
    expect(dnFromCertSubject({ DC: ['org', 'example'], O: 'Foo, Inc.', OU: ['a', 'b'], CN: 'host é /x' })).toBe(
      '/DC=org/DC=example/O=Foo, Inc./OU=a/OU=b/CN=host é /x',
    );
  });

  it('reads the X509Certificate.subject string, undoing its RFC 2253 escapes', () => {
    // as Node prints a subject with `O=Foo, Inc.` and a multi-valued `OU=a+UID=u1`
    const subject = 'DC=org\nDC=example\nO=Foo\\, Inc.\nOU=a + UID=u1\nOU=b\nCN=host é /x';
    expect(dnFromCertSubject(subject)).toBe('/DC=org/DC=example/O=Foo, Inc./OU=a/UID=u1/OU=b/CN=host é /x');
    expect(dnFromCertSubject('C=XX\nO=XX\nCN=host')).toBe(normaliseDn('CN=host,O=XX,C=XX'));
  });

  it('gives an empty DN for a missing subject', () => {
    expect(dnFromCertSubject(undefined)).toBe('');
    expect(dnFromCertSubject(null)).toBe('');
    expect(dnFromCertSubject({})).toBe('');
    expect(dnFromCertSubject('')).toBe('');
  });
});

describe('signerHost', () => {
  it('is the text after the last =', () => {
    expect(signerHost('/C=XX/O=XX/OU=XX/L=XX/CN=host.example')).toBe('host.example');
    expect(signerHost('/C=XX/CN=host/emailAddress=ops@example.org')).toBe('ops@example.org');
    expect(signerHost('/C=XX/CN=a=b')).toBe('b');
    expect(signerHost('/C=XX/CN=')).toBe('');
  });
});
