import { describe, expect, it } from 'vitest';
import { authorizationMatches } from './ams-secret.js';

describe('authorizationMatches', () => {
  const accepted = ['create_provider', 'create_installation'];

  it('accepts any configured value exactly', () => {
    expect(authorizationMatches('create_provider', accepted)).toBe(true);
    expect(authorizationMatches('create_installation', accepted)).toBe(true);
  });

  it('refuses a missing header, other values, prefixes, case and whitespace variants', () => {
    for (const header of [
      undefined,
      '',
      'create',
      'create_provider ',
      'CREATE_PROVIDER',
      'create_provider,create_installation',
      'Bearer create_provider',
    ]) {
      expect(authorizationMatches(header, accepted), String(header)).toBe(false);
    }
  });

  it('refuses everything when nothing is configured', () => {
    expect(authorizationMatches('', [])).toBe(false);
    expect(authorizationMatches('create_provider', [])).toBe(false);
  });
});
