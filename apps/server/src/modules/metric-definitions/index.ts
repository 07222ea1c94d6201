export { toMetricDefinitionWire } from './metric-definition-wire.js';
export { MetricDefinitionService } from './metric-definition-service.js';
export { metricDefinitionsRouter } from './metric-definitions-router.js';
