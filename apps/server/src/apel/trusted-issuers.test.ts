import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { canonicalIssuer, configuredIssuer, TrustedIssuers } from './trusted-issuers.js';

describe('trusted APEL issuers', () => {
  const list = new TrustedIssuers(['iam-test.indigo-datacloud.eu/', 'https://host.example/apel', 'https://keys.example:8443/realms/r/']);

  it("keeps the spec's example: a host name configured with a trailing slash trusts its https issuer", () => {
    expect(list.match('https://iam-test.indigo-datacloud.eu/')).toEqual({ base: 'https://iam-test.indigo-datacloud.eu' });
    expect(list.match('https://iam-test.indigo-datacloud.eu')).toEqual({ base: 'https://iam-test.indigo-datacloud.eu' });
  });

  it('answers with the configured base, so keys come from the URL the operator wrote', () => {
    expect(list.match('https://host.example/apel/')?.base).toBe('https://host.example/apel');
    // Host names are case-insensitive and 443 is https's own port: both name the configured issuer.
    expect(list.match('https://HOST.Example/apel')?.base).toBe('https://host.example/apel');
    expect(list.match('https://host.example:443/apel')?.base).toBe('https://host.example/apel');
    expect(list.match('https://keys.example:8443/realms/r')?.base).toBe('https://keys.example:8443/realms/r');
  });

  it.each([
    'https://host.example/a/pel',
    'https://host.example/APEL',
    'https://host.example/apel/x',
    'https://host.example/x/../apel',
    'https://host.example/ape%6c',
    'https://host.example\\apel',
    'https://host.example/apel?x',
    'https://host.example/apel#x',
    'https://u@host.example/apel',
    'https://host.example/apel@evil.example',
    'https://host.example:8443/apel',
    'http://host.example/apel',
    'https://keys.example/realms/r',
    'https://iam-test.indigo-datacloud.e/u',
    'https://iam-test.indigo-datacloud.eu.evil',
    'https://iam-test.indigo-datacloud.eu@evil.example',
    'https://iam-test.indigo-datacloud.eu/path',
    'https://iam-test%2eindigo-datacloud.eu',
    'iam-test.indigo-datacloud.eu',
    '',
  ])('does not trust %j', (iss) => {
    expect(list.match(iss)).toBeUndefined();
  });

  it('allows http only on 127.0.0.1 and localhost, and only when asked', () => {
    expect(canonicalIssuer('http://127.0.0.1:8443/')).toBeUndefined();
    expect(canonicalIssuer('http://127.0.0.1:8443/', true)).toBe('http://127.0.0.1:8443');
    expect(canonicalIssuer('http://localhost/', true)).toBe('http://localhost');
    expect(canonicalIssuer('http://iam.example/', true)).toBeUndefined();
    expect(canonicalIssuer('ftp://iam.example/', true)).toBeUndefined();
  });

  it('reads a bare configured host name as https with no path', () => {
    expect(configuredIssuer('iam.example.com')).toBe('https://iam.example.com');
    expect(configuredIssuer(' iam.example.com/ ')).toBe('https://iam.example.com');
    expect(configuredIssuer('iam.example.com:8443')).toBe('https://iam.example.com:8443');
    expect(configuredIssuer('iam.example.com/realms/x')).toBeUndefined();
  });

  it('refuses an unusable ACC_APEL_IAM_ISSUERS entry at start-up, naming it', () => {
    const env = { ACC_OIDC_ISSUER: 'https://idp.example/realms/r' };
    for (const entry of ['https://user@iam.example.com', 'https://iam.example.com/?x=1', 'iam.example.com/realms/x', 'ftp://iam.example.com']) {
      const load = () => loadConfig({ ...env, ACC_APEL_IAM_ISSUERS: JSON.stringify([entry]) });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(JSON.stringify(entry));
    }
    const local = JSON.stringify(['http://127.0.0.1:8443/']);
    expect(() => loadConfig({ ...env, ACC_APEL_IAM_ISSUERS: local })).toThrow(/ACC_APEL_ALLOW_HTTP_ISSUERS/);
    expect(loadConfig({ ...env, ACC_APEL_IAM_ISSUERS: local, ACC_APEL_ALLOW_HTTP_ISSUERS: 'true' }).apel.iamIssuers).toEqual([
      'http://127.0.0.1:8443/',
    ]);
    expect(() => new TrustedIssuers(['https://user@iam.example.com'])).toThrow(/ACC_APEL_IAM_ISSUERS/);
  });
});
