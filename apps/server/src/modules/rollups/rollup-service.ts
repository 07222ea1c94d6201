import type { DataSource } from 'typeorm';
import type { RollupCheck, RollupRebuild } from '@acc/contracts';
import { formatInstant } from '../metrics/instants.js';
import { RollupCheckRepository } from './rollup-check-repository.js';

/** The rollups' check and rebuild (system admins; also `npm run rollups:check`). */
export class RollupService {
  constructor(private readonly db: DataSource) {}

  async check(): Promise<RollupCheck> {
    const c = await new RollupCheckRepository(this.db.manager).check();
    return { ...c, sample: c.sample.map((d) => ({ ...d, bucket_start: formatInstant(new Date(d.bucket_start)) })) };
  }

  /** Compares, then replaces every rollup row with the metrics' aggregate, in one transaction. */
  rebuild(): Promise<RollupRebuild> {
    return this.db.transaction(async (m) => {
      const repo = new RollupCheckRepository(m);
      await repo.lockAgainstWriters();
      const before = await repo.check(0);
      return { differences_before: before.differences, rows: await repo.rebuild() };
    });
  }
}
