import { OPERAND_LIST, OPERATOR_LIST, searchMetaProcedures } from '@acc/contracts';
import { Access } from '../../access/index.js';
import { procedureFor } from '../../trpc/procedure.js';
import { router } from '../../trpc/init.js';

/** §4.13: fixed lists; copies, so no handler can alter what the next caller sees. */
export const searchMetaRouter = router({
  operands: procedureFor(searchMetaProcedures.operands, Access.auth).query(() => OPERAND_LIST.map((o) => ({ ...o }))),
  operators: procedureFor(searchMetaProcedures.operators, Access.auth).query(() => OPERATOR_LIST.map((o) => ({ ...o }))),
});
