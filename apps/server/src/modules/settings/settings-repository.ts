import type { EntityManager } from 'typeorm';

export const ENTITLEMENTS_MANAGEMENT = 'ENTITLEMENTS_MANAGEMENT';

export class SettingsRepository {
  constructor(private readonly m: EntityManager) {}

  async get(key: string): Promise<string | undefined> {
    const rows: { value: string }[] = await this.m.query('SELECT value FROM settings WHERE key = $1', [key]);
    return rows[0]?.value;
  }

  async set(key: string, value: string): Promise<void> {
    await this.m.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [key, value]);
  }

  async entitlementsManagement(fallback: 'database' | 'oidc'): Promise<'database' | 'oidc'> {
    const v = await this.get(ENTITLEMENTS_MANAGEMENT);
    return v === 'oidc' || v === 'database' ? v : fallback;
  }
}
