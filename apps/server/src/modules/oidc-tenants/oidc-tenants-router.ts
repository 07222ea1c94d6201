import { oidcTenantMessages, oidcTenantProcedures as tenants } from '@acc/contracts';
import { Access } from '../../access/index.js';
import { toPage } from '../../paging.js';
import { procedureFor } from '../../trpc/procedure.js';
import { router } from '../../trpc/init.js';
import { oidcTenantToWire, oidcTenantValues } from './oidc-tenant-wire.js';

export const oidcTenantsRouter = router({
  list: procedureFor(tenants.list, Access.sys).query(async ({ ctx, input }) => {
    const { rows, total } = await ctx.app.oidcTenants.list(input);
    return toPage(ctx.http, ctx.app.config.publicUrl, input, total, rows.map(oidcTenantToWire));
  }),
  create: procedureFor(tenants.create, Access.sys).mutation(async ({ ctx, input }) =>
    oidcTenantToWire(await ctx.app.oidcTenants.create(oidcTenantValues(input))),
  ),
  get: procedureFor(tenants.get, Access.sys).query(async ({ ctx, input }) => oidcTenantToWire(await ctx.app.oidcTenants.get(input.id))),
  update: procedureFor(tenants.update, Access.sys).mutation(async ({ ctx, input }) => {
    const { id, ...patch } = input;
    return oidcTenantToWire(await ctx.app.oidcTenants.update(id, oidcTenantValues(patch)));
  }),
  delete: procedureFor(tenants.delete, Access.sys).mutation(async ({ ctx, input }) => {
    await ctx.app.oidcTenants.delete(input.id);
    return { code: 200, message: oidcTenantMessages.deleted };
  }),
});
