import { adminCountProcedures } from '@acc/contracts';
import { Access } from '../../access/index.js';
import { procedureFor } from '../../trpc/procedure.js';
import { router } from '../../trpc/init.js';

export const adminCountsRouter = router({
  counts: procedureFor(adminCountProcedures.counts, Access.sys).query(({ ctx, input }) => ctx.app.adminCounts.counts(input.startDate, input.endDate)),
});
