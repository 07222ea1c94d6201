import { z } from 'zod';
import { defineProcedures } from './define.js';

export const adminCountMessages = {
  invalidDate: 'Invalid date format. Use yyyy-MM-dd',
  invalidRange: 'Invalid date range. Start date must be before end date.',
};

/** A real calendar date `yyyy-MM-dd` (2024-02-30 is refused); a missing value fails the same way (§4.12). */
const calendarDate = z
  .unknown()
  .transform((v, ctx) => {
    const m = typeof v === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(v) : null;
    const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
    if (!m || !d || d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
      ctx.addIssue({ code: 'custom', message: adminCountMessages.invalidDate, input: v });
      return z.NEVER;
    }
    return v as string;
  })
  .meta({ override: { type: 'string', format: 'date' } }) as unknown as z.ZodType<string, string | undefined>;

export const AdminCountsQuery = z.object({ startDate: calendarDate, endDate: calendarDate });
export type AdminCountsQuery = z.infer<typeof AdminCountsQuery>;

export const AdminCounts = z
  .object({
    metric_definition_count: z.number().int(),
    metric_count: z.number().int(),
    actor_count: z.number().int(),
  })
  .meta({ id: 'AdminCounts' });
export type AdminCounts = z.infer<typeof AdminCounts>;

export const adminCountProcedures = defineProcedures('Admin')({
  counts: {
    name: 'admin_counts',
    method: 'GET',
    path: '/admin/metrics',
    input: AdminCountsQuery,
    output: AdminCounts,
    summary: 'Count metric definitions and metrics created, and actors registered, in a date range',
    errors: [400, 403],
  },
});
