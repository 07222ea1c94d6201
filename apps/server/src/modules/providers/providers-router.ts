import { providerMessages, providerProcedures as p } from '@acc/contracts';
import { Access } from '../../access/index.js';
import { toPage } from '../../paging.js';
import { searchFields } from '../../search/index.js';
import { procedureFor } from '../../trpc/procedure.js';
import { router } from '../../trpc/init.js';
import { readSearchRequest } from '../search-meta/search-request.js';
import { toProviderAssociationWire, toProviderWire as wire } from './provider-wire.js';

const readers = Access.res('admin', 'viewer');
const writers = Access.res('admin');

// `external` and `all` are declared before `get`: the REST bridge matches paths in declaration order.
export const providersRouter = router({
  create: procedureFor(p.create, writers).mutation(async ({ ctx, input }) =>
    wire(
      await ctx.app.providers.create(ctx.caller.id, {
        name: input.name,
        externalId: input.external_id,
        website: input.website,
        abbreviation: input.abbreviation,
        logo: input.logo,
      }),
    ),
  ),
  list: procedureFor(p.list, readers).query(async ({ ctx, input }) => {
    const { rows, total } = await ctx.app.providers.list(input);
    return toPage(ctx.http, ctx.app.config.publicUrl, input, total, rows.map(wire));
  }),
  external: procedureFor(p.external, readers).query(async ({ ctx, input }) => wire(await ctx.app.providers.getByExternalId(input.externalId))),
  all: procedureFor(p.all, readers).query(async ({ ctx, input }) => {
    const { rows, total } = await ctx.app.providers.associations(input);
    const content = rows.map((r) => toProviderAssociationWire(r.association, r.installations));
    return toPage(ctx.http, ctx.app.config.publicUrl, input, total, content);
  }),
  search: procedureFor(p.search, readers).mutation(async ({ ctx, input }) => {
    const { criterion, page } = readSearchRequest(ctx.http, input, searchFields.providers);
    const { rows, total } = await ctx.app.providers.search(criterion, page);
    return toPage(ctx.http, ctx.app.config.publicUrl, page, total, rows.map(wire));
  }),
  get: procedureFor(p.get, readers).query(async ({ ctx, input }) => wire(await ctx.app.providers.get(input.id))),
  update: procedureFor(p.update, writers).mutation(async ({ ctx, input }) =>
    wire(
      await ctx.app.providers.update(input.id, {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.website !== undefined && { website: input.website }),
        ...(input.abbreviation !== undefined && { abbreviation: input.abbreviation }),
        ...(input.logo !== undefined && { logo: input.logo }),
      }),
    ),
  ),
  delete: procedureFor(p.delete, writers).mutation(async ({ ctx, input }) => {
    await ctx.app.providers.delete(input.id);
    return { code: 200, message: providerMessages.deleted };
  }),
});
