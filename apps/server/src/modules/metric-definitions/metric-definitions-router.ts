import { metricDefinitionMessages, metricDefinitionProcedures as p } from '@acc/contracts';
import { Access } from '../../access/index.js';
import { toPage } from '../../paging.js';
import { searchFields } from '../../search/index.js';
import { procedureFor } from '../../trpc/procedure.js';
import { router } from '../../trpc/init.js';
import { readSearchRequest } from '../search-meta/search-request.js';
import { toMetricDefinitionWire as wire } from './metric-definition-wire.js';

const readers = Access.res('admin', 'viewer');
const writers = Access.res('admin');

export const metricDefinitionsRouter = router({
  create: procedureFor(p.create, writers).mutation(async ({ ctx, input }) =>
    wire(
      await ctx.app.metricDefinitions.create(ctx.caller.id, {
        metricName: input.metric_name,
        metricDescription: input.metric_description,
        unitType: input.unit_type,
        metricType: input.metric_type,
      }),
    ),
  ),
  list: procedureFor(p.list, readers).query(async ({ ctx, input }) => {
    const { rows, total } = await ctx.app.metricDefinitions.list(input);
    return toPage(ctx.http, ctx.app.config.publicUrl, input, total, rows.map(wire));
  }),
  search: procedureFor(p.search, readers).mutation(async ({ ctx, input }) => {
    const { criterion, page } = readSearchRequest(ctx.http, input, searchFields.metricDefinitions);
    const { rows, total } = await ctx.app.metricDefinitions.search(criterion, page);
    return toPage(ctx.http, ctx.app.config.publicUrl, page, total, rows.map(wire));
  }),
  get: procedureFor(p.get, readers).query(async ({ ctx, input }) => wire(await ctx.app.metricDefinitions.get(input.id))),
  update: procedureFor(p.update, writers).mutation(async ({ ctx, input }) =>
    wire(
      await ctx.app.metricDefinitions.update(input.id, {
        metricName: input.metric_name,
        metricDescription: input.metric_description,
        unitType: input.unit_type,
        metricType: input.metric_type,
      }),
    ),
  ),
  delete: procedureFor(p.delete, writers).mutation(async ({ ctx, input }) => {
    await ctx.app.metricDefinitions.delete(input.id);
    return { code: 200, message: metricDefinitionMessages.deleted };
  }),
});
