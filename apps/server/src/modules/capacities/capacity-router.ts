import { capacityMessages, capacityProcedures as p } from '@acc/contracts';
import { Access } from '../../access/index.js';
import { toPage } from '../../paging.js';
import { router } from '../../trpc/init.js';
import { procedureFor } from '../../trpc/procedure.js';

/** INS[admin] needs the installation, so the service checks it; here only AUTH. */
export const capacitiesRouter = router({
  create: procedureFor(p.create, Access.auth).mutation(async ({ ctx, input }) => {
    await ctx.app.capacities.register(ctx.caller, input);
    return { code: 200, message: capacityMessages.registered };
  }),
  list: procedureFor(p.list, Access.auth).query(async ({ ctx, input }) => {
    const page = { page: input.page, size: input.size };
    const { rows, total } = await ctx.app.capacities.list(ctx.caller, input.installation_id, page);
    return toPage(ctx.http, ctx.app.config.publicUrl, page, total, rows);
  }),
  update: procedureFor(p.update, Access.auth).mutation(({ ctx, input }) => ctx.app.capacities.update(ctx.caller, input)),
  delete: procedureFor(p.delete, Access.auth).mutation(async ({ ctx, input }) => {
    await ctx.app.capacities.delete(ctx.caller, input);
    return { code: 200, message: capacityMessages.deleted };
  }),
});
