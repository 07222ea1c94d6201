import { z } from 'zod';
import { wireValue } from '../fields.js';
import { isCalendarDate } from '../entities/metric.js';
import { defineProcedures } from './define.js';

export const adminCountMessages = {
  invalidDate: 'Invalid date format. Use yyyy-MM-dd',
  invalidRange: 'Invalid date range. Start date must be before end date.',
};

/** A real calendar date `yyyy-MM-dd` (2024-02-30 is refused); a missing value fails the same way (§4.12). */
const calendarDate = wireValue<string | undefined>()
  .transform((v: unknown, ctx) => {
    if (typeof v !== 'string' || !isCalendarDate(v)) {
      ctx.addIssue({ code: 'custom', message: adminCountMessages.invalidDate, input: v });
      return z.NEVER;
    }
    return v;
  })
  .meta({ override: { type: 'string', format: 'date' } });

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
