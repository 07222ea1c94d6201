/** Migrations in the order they run; the generator appends new ones here. */
import { Foundation1795375267829 } from './1795375267829-Foundation.js';
import { SeedTypeCatalogue1795375267830 } from './1795375267830-SeedTypeCatalogue.js';

import { Domain1795375424122 } from './1795375424122-Domain.js';
import { DomainExpressionIndexes1795375424123 } from './1795375424123-DomainExpressionIndexes.js';
import { MetricRollups1796387673583 } from './1796387673583-MetricRollups.js';
import { Alerts1796394081579 } from './1796394081579-Alerts.js';
import { ReportSchedules1796399477441 } from './1796399477441-ReportSchedules.js';
import { AlertEvaluations1796399597436 } from './1796399597436-AlertEvaluations.js';
import { AlertEvaluationsInline1796402456205 } from './1796402456205-AlertEvaluationsInline.js';
import { WebhookQueuedAt1796402897022 } from './1796402897022-WebhookQueuedAt.js';
import { MetricsCreatedAtBrin1796500000000 } from './1796500000000-MetricsCreatedAtBrin.js';
import { MetricRollupEdges1796600000000 } from './1796600000000-MetricRollupEdges.js';
export const migrations = [
  Foundation1795375267829,
  SeedTypeCatalogue1795375267830,
  Domain1795375424122,
  DomainExpressionIndexes1795375424123,
  MetricRollups1796387673583,
  Alerts1796394081579,
  ReportSchedules1796399477441,
  AlertEvaluations1796399597436,
  AlertEvaluationsInline1796402456205,
  WebhookQueuedAt1796402897022,
  MetricsCreatedAtBrin1796500000000,
  MetricRollupEdges1796600000000,
];
