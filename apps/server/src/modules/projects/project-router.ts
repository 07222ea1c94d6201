import { projectMessages, projectProcedures as p } from '@acc/contracts';
import { Access } from '../../access/index.js';
import { toPage } from '../../paging.js';
import { searchFields } from '../../search/index.js';
import { procedureFor } from '../../trpc/procedure.js';
import { router } from '../../trpc/init.js';
import { toMetricDefinitionWire } from '../metric-definitions/metric-definition-wire.js';
import { readSearchRequest } from '../search-meta/search-request.js';

const ok = (message: string) => ({ code: 200, message });

export const projectsRouter = router({
  register: procedureFor(p.register, Access.sys).mutation(async ({ ctx, input }) =>
    ctx.app.projectRegistration.register(ctx.caller.id, input.projects),
  ),
  create: procedureFor(p.create, Access.sys).mutation(async ({ ctx, input }) => ctx.app.projects.create(ctx.caller.id, input)),
  update: procedureFor(p.update, Access.sys).mutation(async ({ ctx, input }) =>
    ctx.app.projects.update(input.id, {
      ...(input.acronym !== undefined && { acronym: input.acronym }),
      ...(input.title !== undefined && { title: input.title }),
      ...(input.start_date !== undefined && { startDate: input.start_date }),
      ...(input.end_date !== undefined && { endDate: input.end_date }),
      ...(input.call_identifier !== undefined && { callIdentifier: input.call_identifier }),
    }),
  ),
  delete: procedureFor(p.delete, Access.sys).mutation(async ({ ctx, input }) => {
    await ctx.app.projects.delete(input.id);
    return ok(projectMessages.deleted);
  }),
  listAll: procedureFor(p.listAll, Access.sys).query(async ({ ctx, input }) => {
    const { content, total } = await ctx.app.projects.listAll(input);
    return toPage(ctx.http, ctx.app.config.publicUrl, input, total, content);
  }),
  list: procedureFor(p.list, Access.auth).query(async ({ ctx, input }) => {
    const { content, total } = await ctx.app.projects.visible(ctx.caller, input);
    return toPage(ctx.http, ctx.app.config.publicUrl, input, total, content);
  }),
  search: procedureFor(p.search, Access.sys).mutation(async ({ ctx, input }) => {
    const { criterion, page } = readSearchRequest(ctx.http, input, searchFields.projects);
    const { content, total } = await ctx.app.projects.search(criterion, page);
    return toPage(ctx.http, ctx.app.config.publicUrl, page, total, content);
  }),
  get: procedureFor(p.get, Access.auth).query(async ({ ctx, input }) => ctx.app.projects.get(ctx.caller, input.id)),
  associateProvider: procedureFor(p.associateProvider, Access.auth).mutation(async ({ ctx, input }) =>
    ok(await ctx.app.projects.associate(ctx.caller, input.id, input.provider_id)),
  ),
  dissociateProvider: procedureFor(p.dissociateProvider, Access.auth).mutation(async ({ ctx, input }) =>
    ok(await ctx.app.projects.dissociate(ctx.caller, input.id, input.provider_id)),
  ),
  installations: procedureFor(p.installations, Access.auth).query(async ({ ctx, input }) => {
    const { content, total } = await ctx.app.projects.installations(ctx.caller, input.project_id, undefined, input);
    return toPage(ctx.http, ctx.app.config.publicUrl, input, total, content);
  }),
  providerInstallations: procedureFor(p.providerInstallations, Access.auth).query(async ({ ctx, input }) => {
    const { content, total } = await ctx.app.projects.installations(ctx.caller, input.project_id, input.provider_id, input);
    return toPage(ctx.http, ctx.app.config.publicUrl, input, total, content);
  }),
  metricDefinitions: procedureFor(p.metricDefinitions, Access.auth).query(async ({ ctx, input }) => {
    const { rows, total } = await ctx.app.projects.metricDefinitions(ctx.caller, input.project_id, undefined, input);
    return toPage(ctx.http, ctx.app.config.publicUrl, input, total, rows.map(toMetricDefinitionWire));
  }),
  providerMetricDefinitions: procedureFor(p.providerMetricDefinitions, Access.auth).query(async ({ ctx, input }) => {
    const { rows, total } = await ctx.app.projects.metricDefinitions(ctx.caller, input.project_id, input.provider_id, input);
    return toPage(ctx.http, ctx.app.config.publicUrl, input, total, rows.map(toMetricDefinitionWire));
  }),
});
