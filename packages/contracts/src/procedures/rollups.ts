import { z } from 'zod';
import { defineProcedures } from './define.js';

/** One rollup row that differs from the aggregate of the raw metrics. */
export const RollupDifference = z
  .object({
    installation_id: z.string(),
    /** 1 = 15 minutes, 2 = hour, 3 = day, 4 = month; 0 = a 15-minute bucket by the quarter hour its metrics end by (the reports' edge breakdown). */
    level: z.number().int(),
    bucket_start: z.string(),
    metric_definition_id: z.string(),
    group_id: z.string().nullable(),
    user_id: z.string().nullable(),
    /** `stored`: a rollup row the metrics do not give; `expected`: one they give that is not stored. */
    side: z.enum(['stored', 'expected']),
  })
  .meta({ id: 'RollupDifference' });

export const RollupCheck = z
  .object({
    /** Rollup rows stored. */
    rows: z.number().int(),
    /** Rows surplus or missing; a row that differs counts twice (its stored and its expected version). */
    differences: z.number().int(),
    /** The first differences (at most 20). */
    sample: z.array(RollupDifference),
  })
  .meta({ id: 'RollupCheck' });
export type RollupCheck = z.infer<typeof RollupCheck>;

export const RollupRebuild = z
  .object({
    /** Differences found before the rebuild. */
    differences_before: z.number().int(),
    /** Rollup rows after it. */
    rows: z.number().int(),
  })
  .meta({ id: 'RollupRebuild' });
export type RollupRebuild = z.infer<typeof RollupRebuild>;

export const rollupProcedures = defineProcedures('Admin')({
  check: {
    name: 'admin_rollups_check',
    method: 'GET',
    path: '/admin/rollups/check',
    input: z.object({}),
    output: RollupCheck,
    summary: 'Compare the usage rollups with the raw metrics',
    errors: [403],
  },
  rebuild: {
    name: 'admin_rollups_rebuild',
    method: 'POST',
    path: '/admin/rollups/rebuild',
    input: z.object({}),
    output: RollupRebuild,
    summary: 'Rebuild the usage rollups from the raw metrics (writers wait until it commits)',
    errors: [403],
  },
});
