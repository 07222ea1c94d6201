import { metricTypesRouter, unitTypesRouter } from './modules/type-catalogue/type-catalogue-router.js';
import { systemRouter } from './modules/system/system-router.js';
import { metricDefinitionsRouter } from './modules/metric-definitions/metric-definitions-router.js';
import { providersRouter } from './modules/providers/providers-router.js';
import { resourcesRouter } from './modules/resources/resources-router.js';
import { searchMetaRouter } from './modules/search-meta/search-meta-router.js';
import { actorsRouter, entitlementsRouter } from './modules/actors/actors-router.js';
import { oidcTenantsRouter } from './modules/oidc-tenants/oidc-tenants-router.js';
import { settingsRouter } from './modules/settings/settings-router.js';
import { adminCountsRouter } from './modules/admin-counts/admin-counts-router.js';
import { rollupsRouter } from './modules/rollups/rollup-router.js';
import { amsRouter } from './modules/ams/ams-router.js';
import { projectsRouter } from './modules/projects/project-router.js';
import { installationsRouter } from './modules/installations/installation-router.js';
import { clientsRouter } from './modules/clients/client-router.js';
import { metricsRouter } from './modules/metrics/metric-router.js';
import { capacitiesRouter } from './modules/capacities/capacity-router.js';
import { reportsRouter } from './modules/reports/report-router.js';
import { usageRouter } from './modules/usage/usage-router.js';
import { alertsRouter } from './modules/alerts/alerts-router.js';
import { schedulesRouter } from './modules/schedules/schedules-router.js';
import { router } from './trpc/init.js';

/** One router for both transports; its type is what @acc/client infers from. */
export const appRouter = router({
  unitTypes: unitTypesRouter,
  metricTypes: metricTypesRouter,
  system: systemRouter,
  metricDefinitions: metricDefinitionsRouter,
  providers: providersRouter,
  resources: resourcesRouter,
  searchMeta: searchMetaRouter,
  actors: actorsRouter,
  entitlements: entitlementsRouter,
  oidcTenants: oidcTenantsRouter,
  settings: settingsRouter,
  adminCounts: adminCountsRouter,
  rollups: rollupsRouter,
  ams: amsRouter,
  projects: projectsRouter,
  installations: installationsRouter,
  clients: clientsRouter,
  metrics: metricsRouter,
  capacities: capacitiesRouter,
  reports: reportsRouter,
  usage: usageRouter,
  alerts: alertsRouter,
  schedules: schedulesRouter,
});

export type AppRouter = typeof appRouter;
