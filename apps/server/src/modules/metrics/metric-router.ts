import { messages, metricMessages, metricProcedures as p, type MetricWindow, type PageQuery } from '@acc/contracts';
import { Access } from '../../access/index.js';
import { badRequest } from '../../errors.js';
import { toPage } from '../../paging.js';
import { searchMessages } from '../../search/index.js';
import type { AuthenticatedContext as Ctx } from '../../trpc/context.js';
import { router } from '../../trpc/init.js';
import { procedureFor } from '../../trpc/procedure.js';
import { searchPageOf } from './http-input.js';
import { idempotencyKeyOf } from './idempotency.js';
import type { ListingScope } from './metric-listing-service.js';

/** What every listing contract's input has besides its scope (the ids in its path or query). */
type ListInput = PageQuery & { 'metric-definition-id'?: string; start?: string; end?: string };

/** Hierarchical access (INS/PRJ/PRV) needs the entity, so the services check it; here only AUTH. */
const authenticated = Access.auth;

/**
 * A replay answers with the first response's exact body (§7.2), so only this header tells a client that
 * nothing new was stored; the name and value are Stripe's, the de facto convention.
 */
export const REPLAYED_HEADER = 'Idempotent-Replayed';

const pushContext = (ctx: Ctx, route: string) => ({
  caller: ctx.caller,
  route,
  path: ctx.http.path,
  idempotencyKey: idempotencyKeyOf(ctx.http.headers),
  onReplay: () => {
    ctx.http.response.headers[REPLAYED_HEADER] = 'true';
  },
});

/** A listing handler; its input type is inferred from the procedure it is given to. */
const listing =
  <I extends ListInput>(scopeOf: (input: I) => ListingScope) =>
  async ({ ctx, input }: { ctx: Ctx; input: I }) => {
    const window: MetricWindow = { metricDefinitionId: input['metric-definition-id'], start: input.start, end: input.end };
    const page = { page: input.page, size: input.size };
    const { rows, total } = await ctx.app.metricListing.list(ctx.caller, scopeOf(input), window, page);
    return toPage(ctx.http, ctx.app.config.publicUrl, page, total, rows);
  };

export const metricsRouter = router({
  pushExternal: procedureFor(p.pushExternal, authenticated).mutation(({ ctx, input }) => {
    const id = input.externalId;
    // One path serves every external id, so the id is part of the idempotency scope.
    const route = `POST ${ctx.http.path}?externalId=${encodeURIComponent(id ?? '')}`;
    return ctx.app.metrics.push(pushContext(ctx, route), { externalId: id }, input);
  }),
  listByInstallationExternal: procedureFor(p.listByInstallationExternal, authenticated).query(
    listing((i) => ({ kind: 'installationExternal', externalId: i.externalId })),
  ),
  push: procedureFor(p.push, authenticated).mutation(({ ctx, input }) =>
    ctx.app.metrics.push(pushContext(ctx, `POST ${ctx.http.path}`), { installationId: input.installation_id }, input),
  ),
  pushBulk: procedureFor(p.pushBulk, authenticated).mutation(({ ctx, input }) =>
    ctx.app.metrics.pushBulk(pushContext(ctx, `POST ${ctx.http.path}`), input.installation_id, input.items),
  ),
  listByInstallation: procedureFor(p.listByInstallation, authenticated).query(
    listing((i) => ({ kind: 'installation', installationId: i.installation_id })),
  ),
  get: procedureFor(p.get, authenticated).query(({ ctx, input }) => ctx.app.metrics.get(ctx.caller, input.installation_id, input.metric_id)),
  update: procedureFor(p.update, authenticated).mutation(({ ctx, input }) =>
    ctx.app.metrics.update(ctx.caller, input.installation_id, input.metric_id, input),
  ),
  delete: procedureFor(p.delete, authenticated).mutation(async ({ ctx, input }) => {
    await ctx.app.metrics.delete(ctx.caller, input.installation_id, input.metric_id);
    return { code: 200, message: metricMessages.deleted };
  }),
  listByProject: procedureFor(p.listByProject, authenticated).query(listing((i) => ({ kind: 'project', projectId: i.project_id }))),
  listByProjectProviderExternal: procedureFor(p.listByProjectProviderExternal, authenticated).query(
    listing((i) => ({
      kind: 'projectProviderExternal',
      projectId: i.project_id,
      externalProviderId: i.externalProviderId,
    })),
  ),
  listByProjectProvider: procedureFor(p.listByProjectProvider, authenticated).query(
    listing((i) => ({ kind: 'projectProvider', projectId: i.project_id, providerId: i.provider_id })),
  ),
  listByGroup: procedureFor(p.listByGroup, authenticated).query(listing((i) => ({ kind: 'group', projectId: i.project_id, groupId: i.group_id }))),
  listByGroupAlias: procedureFor(p.listByGroupAlias, authenticated).query(
    listing((i) => ({ kind: 'group', projectId: i.project_id, groupId: i.group_id })),
  ),
  listByUser: procedureFor(p.listByUser, authenticated).query(listing((i) => ({ kind: 'user', projectId: i.project_id, userId: i.user_id }))),
  listByUserAlias: procedureFor(p.listByUserAlias, authenticated).query(
    listing((i) => ({ kind: 'user', projectId: i.project_id, userId: i.user_id })),
  ),
  search: procedureFor(p.search, authenticated).mutation(async ({ ctx, input }) => {
    const { page: _page, size: _size, ...criterion } = input as Record<string, unknown>;
    let body: unknown = criterion;
    if (ctx.http.transport === 'rest') {
      // The contract declares no body fields, so judging the body is this handler's job (§6 texts);
      // the raw JSON is used because the bridge turns non-object bodies into objects.
      if (ctx.http.body.state === 'empty' || ctx.http.body.state === 'none') throw badRequest(messages.bodyEmpty);
      if (ctx.http.body.state === 'malformed') throw badRequest(searchMessages.malformed);
      body = ctx.http.body.value;
    }
    const page = searchPageOf(ctx.http, input);
    const { rows, total } = await ctx.app.metricListing.search(ctx.caller, body, page);
    return toPage(ctx.http, ctx.app.config.publicUrl, page, total, rows);
  }),
});
