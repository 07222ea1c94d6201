import { metricTypesRouter, unitTypesRouter } from './modules/type-catalogue/type-catalogue-router.js';
import { systemRouter } from './modules/system/system-router.js';
import { router } from './trpc/init.js';

/** One router for both transports; its type is what @acc/client infers from. */
export const appRouter = router({
  unitTypes: unitTypesRouter,
  metricTypes: metricTypesRouter,
  system: systemRouter,
});

export type AppRouter = typeof appRouter;
