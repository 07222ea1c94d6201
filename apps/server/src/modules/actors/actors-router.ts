import { actorProcedures as actors, entitlementMessages, entitlementProcedures as entitlements } from '@acc/contracts';
import { Access } from '../../access/index.js';
import { toPage } from '../../paging.js';
import { procedureFor } from '../../trpc/procedure.js';
import { router } from '../../trpc/init.js';
import { actorToWire, assignmentToWire, entitlementToWire } from './actor-wire.js';

const message = (text: string) => ({ code: 200, message: text });

export const actorsRouter = router({
  list: procedureFor(actors.list, Access.sys).query(async ({ ctx, input }) => {
    const { rows, total } = await ctx.app.actors.list(input);
    return toPage(ctx.http, ctx.app.config.publicUrl, input, total, rows.map(actorToWire));
  }),
  assignments: procedureFor(actors.assignments, Access.sys).query(async ({ ctx, input }) => {
    const { rows, total } = await ctx.app.actors.assignments(input);
    return toPage(ctx.http, ctx.app.config.publicUrl, input, total, rows.map(assignmentToWire));
  }),
  entitlements: procedureFor(actors.entitlements, Access.sys).query(async ({ ctx, input }) => {
    const { rows, total } = await ctx.app.actors.entitlementsOf(input.actor_id, input);
    return toPage(ctx.http, ctx.app.config.publicUrl, input, total, rows.map(entitlementToWire));
  }),
});

export const entitlementsRouter = router({
  list: procedureFor(entitlements.list, Access.sys).query(async ({ ctx, input }) => {
    const { rows, total } = await ctx.app.entitlements.list(input);
    return toPage(ctx.http, ctx.app.config.publicUrl, input, total, rows.map(entitlementToWire));
  }),
  create: procedureFor(entitlements.create, Access.sys).mutation(async ({ ctx, input }) =>
    entitlementToWire(await ctx.app.entitlements.create(input.name)),
  ),
  get: procedureFor(entitlements.get, Access.sys).query(async ({ ctx, input }) => entitlementToWire(await ctx.app.entitlements.get(input.id))),
  update: procedureFor(entitlements.update, Access.sys).mutation(async ({ ctx, input }) =>
    entitlementToWire(await ctx.app.entitlements.rename(input.id, input.name)),
  ),
  delete: procedureFor(entitlements.delete, Access.sys).mutation(async ({ ctx, input }) => {
    await ctx.app.entitlements.delete(input.id);
    return message(entitlementMessages.deleted);
  }),
  assign: procedureFor(entitlements.assign, Access.sys).mutation(async ({ ctx, input }) => {
    await ctx.app.entitlements.assign(input.id, input.actor_id);
    return message(entitlementMessages.assigned);
  }),
  dissociate: procedureFor(entitlements.dissociate, Access.sys).mutation(async ({ ctx, input }) => {
    await ctx.app.entitlements.dissociate(input.id, input.actor_id);
    return message(entitlementMessages.dissociated);
  }),
});
