/**
 * Every access decision of §3.4 and its extensions, in one place: routers declare a pre-body rule
 * (`Access`), services resolve entities and check hierarchical rules through `Scope` (or `assertHierarchy`
 * when the ids are already known), listings filter by the visibility SQL, and the non-token credentials
 * (AMS secret, APEL DNs and subjects) are judged here too. Services ask; they never decide.
 */
export { Access, assertPreRule, type CallerUnder, type GuardInput, type PreRule, type PublicRule } from './rules.js';
export { assertHierarchy, metricWriteAllowed, type HierarchyTarget } from './hierarchy.js';
export { Scope, scopeMessages } from './scope.js';
export {
  admits,
  visibilitySql,
  visibleInstallationsSql,
  visibleMetricsSql,
  visibleProjectsSql,
  visibleTreeView,
  type HierarchyColumns,
  type HierarchyPosition,
  type SqlFragment,
  type Visibility,
} from './visibility.js';
export { AMS_CREATOR, amsPrincipal, assertAmsSecret, authorizationMatches } from './ams-secret.js';
export { authorisePublisher, publisherVerdict, summaryReaderVerdict, type ApelRefusal, type PublisherDecision } from './apel.js';
export { clientProjectsAccess, type ClientProjectsAccess } from './client-projects.js';
export { authorizeAlertScope, mayUseAlertScope, type AlertAccess, type ResolvedAlertScope } from './alert-scope.js';
