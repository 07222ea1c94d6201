import { clientMessages, clientProcedures as p } from '@acc/contracts';
import { Access } from '../../access/index.js';
import { toPage } from '../../paging.js';
import { procedureFor } from '../../trpc/procedure.js';
import { router } from '../../trpc/init.js';
import { generalPermissions } from './client-permissions.js';

export const clientsRouter = router({
  register: procedureFor(p.register, Access.auth).mutation(async ({ ctx }) => {
    await ctx.app.clients.register(ctx.caller);
    return { code: 200, message: clientMessages.registered };
  }),
  me: procedureFor(p.me, Access.auth).query(async ({ ctx, input }) => {
    const { content, total } = await ctx.app.clients.me(ctx.caller, input);
    return toPage(ctx.http, ctx.app.config.publicUrl, input, total, content);
  }),
  generalPermissions: procedureFor(p.generalPermissions, Access.auth).query(() => generalPermissions()),
});
