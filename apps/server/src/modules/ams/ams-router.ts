import { amsProcedures } from '@acc/contracts';
import { Access } from '../../access/index.js';
import { procedureFor } from '../../trpc/procedure.js';
import { router } from '../../trpc/init.js';

export const amsRouter = router({
  listener: procedureFor(amsProcedures.listener, Access.amsSecret).mutation(async ({ ctx, input }) => ({
    code: 200,
    message: await ctx.app.ams.consume(input, ctx.app),
  })),
});
