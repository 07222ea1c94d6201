import { settingMessages, settingProcedures as settings } from '@acc/contracts';
import { Access } from '../../access/index.js';
import { toPage } from '../../paging.js';
import { procedureFor } from '../../trpc/procedure.js';
import { router } from '../../trpc/init.js';

export const settingsRouter = router({
  metadata: procedureFor(settings.metadata, Access.sys).query(async ({ ctx, input }) => {
    const { rows, total } = await ctx.app.settings.metadata(input);
    return toPage(ctx.http, ctx.app.config.publicUrl, input, total, rows);
  }),
  update: procedureFor(settings.update, Access.sys).mutation(async ({ ctx, input }) => {
    await ctx.app.settings.update(input.key, input.value);
    return { code: 200, message: settingMessages.updated };
  }),
});
