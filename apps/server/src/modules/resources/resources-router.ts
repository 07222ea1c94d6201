import { resourceMessages, resourceProcedures as p } from '@acc/contracts';
import type { ResourceRow } from '@acc/db';
import { Access } from '../../access/index.js';
import { toPage } from '../../paging.js';
import { procedureFor } from '../../trpc/procedure.js';
import { router } from '../../trpc/init.js';

const wire = (row: ResourceRow) => ({ id: row.id, name: row.name });

export const resourcesRouter = router({
  list: procedureFor(p.list, Access.auth).query(async ({ ctx, input }) => {
    const { rows, total } = await ctx.app.resources.list(input);
    return toPage(ctx.http, ctx.app.config.publicUrl, input, total, rows.map(wire));
  }),
  create: procedureFor(p.create, Access.sys).mutation(async ({ ctx, input }) =>
    wire(await ctx.app.resources.create(ctx.caller.id, { id: input.id, name: input.name })),
  ),
  delete: procedureFor(p.delete, Access.sys).mutation(async ({ ctx, input }) => {
    await ctx.app.resources.delete(input.id);
    return { code: 200, message: resourceMessages.deleted };
  }),
});
