import { messages, metricTypeProcedures as metricTypes, type PageQuery, unitTypeProcedures as unitTypes } from '@acc/contracts';
import type { TypeCatalogueRow } from '@acc/db';
import { Access } from '../../access/index.js';
import { toPage } from '../../paging.js';
import type { AppServices } from '../../services.js';
import type { AuthenticatedContext, Context } from '../../trpc/context.js';
import { procedureFor } from '../../trpc/procedure.js';
import { router } from '../../trpc/init.js';
import type { TypeCatalogueService } from './type-catalogue-service.js';

type Field = 'unit_type' | 'metric_type';
type Wire<F extends Field> = { id: string; description: string; creator_id: string } & Record<F, string>;

/**
 * Unit types and metric types get the same five handlers (§4.3); only the wire field and the service
 * differ. Each router below is spelled out so its procedure types stay exact for the client.
 */
const handlers = <F extends Field>(field: F, service: (app: AppServices) => TypeCatalogueService) => {
  const wire = (row: TypeCatalogueRow) => ({ id: row.id, [field]: row.name, description: row.description, creator_id: row.creatorId }) as Wire<F>;
  return {
    list: async ({ ctx, input }: { ctx: Context; input: PageQuery }) => {
      const { rows, total } = await service(ctx.app).list(input);
      return toPage(ctx.http, ctx.app.config.publicUrl, input, total, rows.map(wire));
    },
    get: async ({ ctx, input }: { ctx: Context; input: { id: string } }) => wire(await service(ctx.app).get(input.id)),
    create: async ({ ctx, input }: { ctx: AuthenticatedContext; input: Record<F, string> & { description: string } }) =>
      wire(await service(ctx.app).create(ctx.caller.id, { name: input[field], description: input.description })),
    update: async ({ ctx, input }: { ctx: Context; input: Partial<Record<F, string>> & { id: string; description?: string } }) =>
      wire(await service(ctx.app).update(input.id, { name: input[field], description: input.description })),
    delete: async ({ ctx, input }: { ctx: Context; input: { id: string } }) => {
      const s = service(ctx.app);
      await s.delete(input.id);
      return { code: 200, message: messages.typeCatalogue.deleted(s.kind.label) };
    },
  };
};

const readers = Access.res('admin', 'viewer');
const writers = Access.res('admin');

const unit = handlers('unit_type', (app) => app.unitTypes);
export const unitTypesRouter = router({
  list: procedureFor(unitTypes.list, readers).query(unit.list),
  get: procedureFor(unitTypes.get, readers).query(unit.get),
  create: procedureFor(unitTypes.create, writers).mutation(unit.create),
  update: procedureFor(unitTypes.update, writers).mutation(unit.update),
  delete: procedureFor(unitTypes.delete, writers).mutation(unit.delete),
});

const metric = handlers('metric_type', (app) => app.metricTypes);
export const metricTypesRouter = router({
  list: procedureFor(metricTypes.list, readers).query(metric.list),
  get: procedureFor(metricTypes.get, readers).query(metric.get),
  create: procedureFor(metricTypes.create, writers).mutation(metric.create),
  update: procedureFor(metricTypes.update, writers).mutation(metric.update),
  delete: procedureFor(metricTypes.delete, writers).mutation(metric.delete),
});
