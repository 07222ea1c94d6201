import { systemProcedures } from '@acc/contracts';
import { Access } from '../../access/index.js';
import { procedureFor } from '../../trpc/procedure.js';
import { router } from '../../trpc/init.js';

export const systemRouter = router({
  version: procedureFor(systemProcedures.version, Access.sys).query(({ ctx }) => ({ version: ctx.app.config.version })),
});
