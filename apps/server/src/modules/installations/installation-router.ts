import { installationMessages, installationProcedures as p } from '@acc/contracts';
import { Access } from '../../access/index.js';
import { toPage } from '../../paging.js';
import { searchFields } from '../../search/index.js';
import { procedureFor } from '../../trpc/procedure.js';
import { router } from '../../trpc/init.js';
import { toMetricDefinitionWire } from '../metric-definitions/metric-definition-wire.js';
import { readSearchRequest } from '../search-meta/search-request.js';
import type { InstallationChanges } from '@acc/contracts';

const changesOf = (input: InstallationChanges): InstallationChanges => ({
  infrastructure: input.infrastructure,
  installation: input.installation,
  resource: input.resource,
  unit_of_access: input.unit_of_access,
});

// Literal paths (`all`, `search`, `external`) are declared before `{id}`: the REST bridge takes the first match.
export const installationsRouter = router({
  create: procedureFor(p.create, Access.auth).mutation(async ({ ctx, input }) => ctx.app.installations.create(ctx.caller, input)),
  all: procedureFor(p.all, Access.auth).query(async ({ ctx, input }) => {
    const { content, total } = await ctx.app.installations.visible(ctx.caller, input);
    return toPage(ctx.http, ctx.app.config.publicUrl, input, total, content);
  }),
  search: procedureFor(p.search, Access.sys).mutation(async ({ ctx, input }) => {
    const { criterion, page } = readSearchRequest(ctx.http, input, searchFields.installations);
    const { content, total } = await ctx.app.installations.search(criterion, page);
    return toPage(ctx.http, ctx.app.config.publicUrl, page, total, content);
  }),
  getByExternalId: procedureFor(p.getByExternalId, Access.auth).query(async ({ ctx, input }) =>
    ctx.app.installations.get(ctx.caller, { externalId: input.externalId }),
  ),
  updateByExternalId: procedureFor(p.updateByExternalId, Access.auth).mutation(async ({ ctx, input }) =>
    ctx.app.installations.update(ctx.caller, { externalId: input.externalId }, changesOf(input)),
  ),
  deleteByExternalId: procedureFor(p.deleteByExternalId, Access.auth).mutation(async ({ ctx, input }) => {
    await ctx.app.installations.delete(ctx.caller, { externalId: input.externalId });
    return { code: 200, message: installationMessages.deleted };
  }),
  get: procedureFor(p.get, Access.auth).query(async ({ ctx, input }) => ctx.app.installations.get(ctx.caller, { id: input.id })),
  update: procedureFor(p.update, Access.auth).mutation(async ({ ctx, input }) =>
    ctx.app.installations.update(ctx.caller, { id: input.id }, changesOf(input)),
  ),
  delete: procedureFor(p.delete, Access.auth).mutation(async ({ ctx, input }) => {
    await ctx.app.installations.delete(ctx.caller, { id: input.id });
    return { code: 200, message: installationMessages.deleted };
  }),
  metricDefinitions: procedureFor(p.metricDefinitions, Access.auth).query(async ({ ctx, input }) => {
    const { rows, total } = await ctx.app.installations.metricDefinitions(ctx.caller, input.id, input);
    return toPage(ctx.http, ctx.app.config.publicUrl, input, total, rows.map(toMetricDefinitionWire));
  }),
});
