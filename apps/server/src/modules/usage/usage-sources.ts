import type { EntityManager } from 'typeorm';
import { RawUsageSource } from './raw-usage-source.js';
import type { UsageSource } from './usage-source.js';

/**
 * The source the server answers usage from. Until the rollups (issue #14 §1) are in this tree it is the
 * raw reference; the property test (test/usage.property.test.ts) holds whichever it is to the model.
 */
export const servedUsageSource = (m: EntityManager): UsageSource => new RawUsageSource(m);
