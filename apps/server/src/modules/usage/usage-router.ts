import { usageProcedures as p } from '@acc/contracts';
import { Access } from '../../access/index.js';
import { toPage } from '../../paging.js';
import { router } from '../../trpc/init.js';
import { procedureFor } from '../../trpc/procedure.js';

/** INS/PRV/PRJ/PREP need the entity, so the service checks them through `Scope`; here only AUTH. */
const authenticated = Access.auth;

export const usageRouter = router({
  freshness: procedureFor(p.freshness, authenticated).query(async ({ ctx, input }) => {
    const { content, total } = await ctx.app.usage.freshness(ctx.caller, input);
    return toPage(ctx.http, ctx.app.config.publicUrl, input, total, content);
  }),
  installationExternal: procedureFor(p.installationExternal, authenticated).query(({ ctx, input }) =>
    ctx.app.usage.installationByExternalId(ctx.caller, input.externalId, input),
  ),
  installation: procedureFor(p.installation, authenticated).query(({ ctx, input }) =>
    ctx.app.usage.installation(ctx.caller, input.installation_id, input),
  ),
  projectProvider: procedureFor(p.projectProvider, authenticated).query(({ ctx, input }) =>
    ctx.app.usage.projectProvider(ctx.caller, input.project_id, input.provider_id, input),
  ),
  project: procedureFor(p.project, authenticated).query(({ ctx, input }) => ctx.app.usage.project(ctx.caller, input.project_id, input)),
  provider: procedureFor(p.provider, authenticated).query(({ ctx, input }) => ctx.app.usage.provider(ctx.caller, input.provider_id, input)),
  global: procedureFor(p.global, authenticated).query(({ ctx, input }) => ctx.app.usage.visible(ctx.caller, input)),
});
