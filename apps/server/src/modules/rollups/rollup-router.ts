import { rollupProcedures } from '@acc/contracts';
import { Access } from '../../access/index.js';
import { procedureFor } from '../../trpc/procedure.js';
import { router } from '../../trpc/init.js';

export const rollupsRouter = router({
  check: procedureFor(rollupProcedures.check, Access.sys).query(({ ctx }) => ctx.app.rollups.check()),
  rebuild: procedureFor(rollupProcedures.rebuild, Access.sys).mutation(({ ctx }) => ctx.app.rollups.rebuild()),
});
