import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';

const base = { ACC_OIDC_ISSUER: 'https://idp.example/realms/x' };

describe('AMS configuration', () => {
  it('defaults to the spec values (§1.5)', () => {
    expect(loadConfig(base).ams).toEqual({
      authorization: ['create_provider', 'create_installation'],
      project: 'eosc_service_catalogue',
      verificationHash: 'hash_value',
    });
  });

  it('trims the comma-separated authorization values and drops empty ones', () => {
    const config = loadConfig({ ...base, ACC_AMS_AUTHORIZATION: ' a ,b,, c ', ACC_AMS_PROJECT: 'p', ACC_AMS_VERIFICATION_HASH: 'h' });
    expect(config.ams).toEqual({ authorization: ['a', 'b', 'c'], project: 'p', verificationHash: 'h' });
  });
});
