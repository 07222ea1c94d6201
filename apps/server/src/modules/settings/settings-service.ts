import type { DataSource } from 'typeorm';
import { settingMessages as m, type PageQuery, type SettingMetadata } from '@acc/contracts';
import type { Config } from '../../config.js';
import { badRequest, notFound } from '../../errors.js';
import { offsetOf } from '../../paging.js';
import { settingDefinitions } from './settings-catalogue.js';
import { SettingsRepository } from './settings-repository.js';

/** Run-time settings (§4.12): stored values override the configured defaults. */
export class SettingsService {
  constructor(
    private readonly db: DataSource,
    private readonly config: Config,
    /** Told after a change, so authentication forgets the ENTITLEMENTS_MANAGEMENT value it remembers. */
    private readonly onChange: () => void = () => {},
  ) {}

  async metadata(q: PageQuery): Promise<{ rows: SettingMetadata[]; total: number }> {
    const repo = new SettingsRepository(this.db.manager);
    const page = settingDefinitions.slice(offsetOf(q), offsetOf(q) + q.size);
    const rows: SettingMetadata[] = [];
    for (const d of page) {
      const stored = await repo.get(d.key);
      const defaultValue = d.defaultValue(this.config);
      rows.push({
        key: d.key,
        current_value: stored !== undefined && d.allowedValues.includes(stored) ? stored : defaultValue,
        default_value: defaultValue,
        allowed_values: [...d.allowedValues],
      });
    }
    return { rows, total: settingDefinitions.length };
  }

  /** The key is known before the value is judged, since the message names the setting. */
  async update(key: string, value: string): Promise<void> {
    const definition = settingDefinitions.find((d) => d.key === key);
    if (!definition) throw notFound(m.notFound(key));
    if (!definition.allowedValues.includes(value)) throw badRequest(m.invalidValue(key));
    try {
      await new SettingsRepository(this.db.manager).set(key, value);
    } finally {
      this.onChange();
    }
  }
}
