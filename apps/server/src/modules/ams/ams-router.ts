import { amsMessages, amsProcedures } from '@acc/contracts';
import { forbidden } from '../../errors.js';
import { authorizationMatches } from './ams-authorization.js';
import { Access } from '../../access/rules.js';
import { procedureFor } from '../../trpc/procedure.js';
import { router } from '../../trpc/init.js';

/** AMS proves itself with a shared Authorization value instead of a bearer token, checked before the body. */
const amsSecret = Access.guarded((http, app) => {
  if (!authorizationMatches(http.headers.authorization, app.config.ams.authorization)) throw forbidden(amsMessages.forbidden);
});

export const amsRouter = router({
  listener: procedureFor(amsProcedures.listener, amsSecret).mutation(async ({ ctx, input }) => ({
    code: 200,
    message: await ctx.app.ams.consume(ctx.http.headers.authorization, input, ctx.app),
  })),
});
