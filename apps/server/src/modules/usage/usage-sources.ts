import type { EntityManager } from 'typeorm';
import { RollupUsageSource } from './rollup-usage-source.js';
import type { UsageSource } from './usage-source.js';

/**
 * The source the server answers usage from: the rollups (issue #14 §1), whose cost follows the windows,
 * not the metrics. `RawUsageSource` stays as the reference; test/usage.property.test.ts holds both to an
 * in-memory model on both backends.
 */
export const servedUsageSource = (m: EntityManager): UsageSource => new RollupUsageSource(m);
