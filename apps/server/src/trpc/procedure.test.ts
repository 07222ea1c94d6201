import { describe, expectTypeOf, it } from 'vitest';
import { installationProcedures, unitTypeProcedures } from '@acc/contracts';
import { Access } from '../access/index.js';
import type { Caller } from '../auth/caller.js';
import { procedureFor } from './procedure.js';

/** Handlers never cast or check the caller: the procedure's rule decides its type. */
describe('procedureFor narrows ctx.caller', () => {
  it('gives authenticated handlers a Caller', () => {
    for (const rule of [Access.auth, Access.sys, Access.res('admin')]) {
      procedureFor(installationProcedures.get, rule).query(({ ctx }) => {
        expectTypeOf(ctx.caller).toEqualTypeOf<Caller>();
        return null as never;
      });
    }
  });

  it('gives public handlers no caller', () => {
    procedureFor(unitTypeProcedures.list, Access.public).query(({ ctx }) => {
      expectTypeOf(ctx.caller).toEqualTypeOf<undefined>();
      return null as never;
    });
  });
});
