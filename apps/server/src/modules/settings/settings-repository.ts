import type { EntityManager } from 'typeorm';

export const ENTITLEMENTS_MANAGEMENT = 'ENTITLEMENTS_MANAGEMENT';

export class SettingsRepository {
  constructor(private readonly m: EntityManager) {}

  async get(key: string): Promise<string | undefined> {
    const rows: { value: string }[] = await this.m.query('SELECT value FROM settings WHERE key = $1', [key]);
    return rows[0]?.value;
  }

  async entitlementsManagement(fallback: 'database' | 'oidc'): Promise<'database' | 'oidc'> {
    const v = await this.get(ENTITLEMENTS_MANAGEMENT);
    return v === 'oidc' || v === 'database' ? v : fallback;
  }
}
