import { scheduleMessages, scheduleProcedures as p } from '@acc/contracts';
import { Access } from '../../access/index.js';
import { toPage } from '../../paging.js';
import { router } from '../../trpc/init.js';
import { procedureFor } from '../../trpc/procedure.js';

/** The scope's schedules need its entities, so the service decides access; here only AUTH. */
export const schedulesRouter = router({
  create: procedureFor(p.create, Access.auth).mutation(({ ctx, input }) => ctx.app.reportSchedules.create(ctx.caller, input)),
  list: procedureFor(p.list, Access.auth).query(async ({ ctx, input }) => {
    const page = { page: input.page, size: input.size };
    const { rows, total } = await ctx.app.reportSchedules.list(ctx.caller, page);
    return toPage(ctx.http, ctx.app.config.publicUrl, page, total, rows);
  }),
  get: procedureFor(p.get, Access.auth).query(({ ctx, input }) => ctx.app.reportSchedules.get(ctx.caller, input.id)),
  update: procedureFor(p.update, Access.auth).mutation(({ ctx, input }) => ctx.app.reportSchedules.update(ctx.caller, input)),
  delete: procedureFor(p.delete, Access.auth).mutation(async ({ ctx, input }) => {
    await ctx.app.reportSchedules.delete(ctx.caller, input.id);
    return { code: 200, message: scheduleMessages.deleted };
  }),
  deliveries: procedureFor(p.deliveries, Access.auth).query(async ({ ctx, input }) => {
    const page = { page: input.page, size: input.size };
    const { rows, total } = await ctx.app.scheduleDeliveries.list(ctx.caller, input.id, page);
    return toPage(ctx.http, ctx.app.config.publicUrl, page, total, rows);
  }),
  redeliver: procedureFor(p.redeliver, Access.auth).mutation(({ ctx, input }) =>
    ctx.app.scheduleDeliveries.redeliver(ctx.caller, input.id, input.event_id),
  ),
  test: procedureFor(p.test, Access.auth).mutation(({ ctx, input }) => ctx.app.scheduleDeliveries.test(ctx.caller, input.id)),
});
