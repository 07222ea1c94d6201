import { reportProcedures as p } from '@acc/contracts';
import { Access } from '../../access/index.js';
import { router } from '../../trpc/init.js';
import { procedureFor } from '../../trpc/procedure.js';

/** INS/PRV/PRJ/PREP need the entity, so the service checks them; here only AUTH. */
const authenticated = Access.auth;

export const reportsRouter = router({
  installationExternal: procedureFor(p.installationExternal, authenticated).query(({ ctx, input }) =>
    ctx.app.reports.installationByExternalId(ctx.caller, input.externalId, input),
  ),
  installation: procedureFor(p.installation, authenticated).query(({ ctx, input }) =>
    ctx.app.reports.installation(ctx.caller, input.installation_id, input),
  ),
  providerExternal: procedureFor(p.providerExternal, authenticated).query(({ ctx, input }) =>
    ctx.app.reports.providerByExternalId(ctx.caller, input.project_id, input.externalProviderId, input),
  ),
  provider: procedureFor(p.provider, authenticated).query(({ ctx, input }) =>
    ctx.app.reports.provider(ctx.caller, input.project_id, input.provider_id, input),
  ),
  project: procedureFor(p.project, authenticated).query(({ ctx, input }) => ctx.app.reports.project(ctx.caller, input.project_id, input)),
  genericProviderExternal: procedureFor(p.genericProviderExternal, authenticated).query(({ ctx, input }) =>
    ctx.app.reports.genericProviderByExternalId(ctx.caller, input.externalId, input),
  ),
  genericProvider: procedureFor(p.genericProvider, authenticated).query(({ ctx, input }) =>
    ctx.app.reports.genericProvider(ctx.caller, input.provider_id, input),
  ),
  group: procedureFor(p.group, authenticated).query(({ ctx, input }) =>
    ctx.app.reports.project(ctx.caller, input.project_id, { ...input, owner: { groupId: input.group_id } }),
  ),
  groupAlias: procedureFor(p.groupAlias, authenticated).query(({ ctx, input }) =>
    ctx.app.reports.project(ctx.caller, input.project_id, { ...input, owner: { groupId: input.group_id } }),
  ),
  user: procedureFor(p.user, authenticated).query(({ ctx, input }) =>
    ctx.app.reports.project(ctx.caller, input.project_id, { ...input, owner: { userId: input.user_id } }),
  ),
  userAlias: procedureFor(p.userAlias, authenticated).query(({ ctx, input }) =>
    ctx.app.reports.project(ctx.caller, input.project_id, { ...input, owner: { userId: input.user_id } }),
  ),
});
