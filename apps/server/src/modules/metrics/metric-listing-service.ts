import type { DataSource, EntityManager } from 'typeorm';
import { metricMessages as msg, type MetricProjection, type MetricWindow, type PageQuery } from '@acc/contracts';
import { assertHierarchy, Scope, visibleMetricsSql } from '../../access/index.js';
import type { Caller } from '../../auth/caller.js';
import type { Role } from '../../auth/entitlements.js';
import { notFound } from '../../errors.js';
import { offsetOf } from '../../paging.js';
import { criterionToSql, parseCriterion, searchFields } from '../../search/index.js';
import { dayStart, nextDayStart } from './instants.js';
import { conditionsToSql, MetricRepository, type Condition, type SqlFilter } from './metric-repository.js';
import { toProjection } from './metric-wire.js';
import { providerOfProject } from './project-provider.js';

/** The scope of a listing (§4.7 table), resolved and authorised before anything is read. */
export type ListingScope =
  | { kind: 'installation'; installationId: string }
  | { kind: 'installationExternal'; externalId: string }
  | { kind: 'project'; projectId: string }
  | { kind: 'projectProvider'; projectId: string; providerId: string }
  | { kind: 'projectProviderExternal'; projectId: string; externalProviderId: string }
  | { kind: 'group'; projectId: string; groupId: string }
  | { kind: 'user'; projectId: string; userId: string };

const READERS: Role[] = ['admin', 'viewer'];

export interface MetricPage {
  rows: MetricProjection[];
  total: number;
}

/** Metric listings and search (§4.7): scope, access, then filters, all in SQL. */
export class MetricListingService {
  constructor(private readonly db: DataSource) {}

  async list(caller: Caller, scope: ListingScope, window: MetricWindow, page: PageQuery): Promise<MetricPage> {
    const m = this.db.manager;
    const conditions = await this.authorise(m, caller, scope);
    const repo = new MetricRepository(m);
    if (window.metricDefinitionId !== undefined) {
      if (!(await repo.existingDefinitions([window.metricDefinitionId])).has(window.metricDefinitionId))
        throw notFound(msg.noDefinition(window.metricDefinitionId));
      conditions.push(['metric_definition_id', '=', window.metricDefinitionId]);
    }
    conditions.push(...windowConditions(window));
    return this.page(repo, conditionsToSql(conditions), page);
  }

  /** `POST /metrics/search`: the criterion within what the caller may see (§3.4), counted before paging. */
  async search(caller: Caller, body: unknown, page: PageQuery): Promise<MetricPage> {
    const criterion = parseCriterion(body, searchFields.metrics);
    const visible = visibleMetricsSql(caller.policy.visibility());
    const matching = criterionToSql(criterion, searchFields.metrics, visible.params.length + 1);
    const filter: SqlFilter = {
      sql: `${visible.sql} AND ${matching.sql} AND EXISTS (SELECT 1 FROM installations i WHERE i.id = m.installation_id)`,
      params: [...visible.params, ...matching.params],
    };
    return this.page(new MetricRepository(this.db.manager), filter, page);
  }

  private async page(repo: MetricRepository, filter: SqlFilter, page: PageQuery): Promise<MetricPage> {
    const { rows, total } = await repo.page(filter, offsetOf(page), page.size);
    return { rows: rows.map(toProjection), total };
  }

  /** 404s, then the hierarchical rule (§1.3); returns the scope as conditions on the metrics table. */
  private async authorise(m: EntityManager, caller: Caller, scope: ListingScope): Promise<Condition[]> {
    const s = new Scope(m);
    switch (scope.kind) {
      case 'installation':
        await s.authorizeInstallation(caller, READERS, scope.installationId);
        return [['installation_id', '=', scope.installationId]];
      case 'installationExternal': {
        const installation = await s.authorizeInstallationByExternalId(caller, READERS, scope.externalId);
        return [['installation_id', '=', installation.id]];
      }
      case 'project':
        await s.authorizeProject(caller, READERS, scope.projectId);
        return [['project_id', '=', scope.projectId]];
      case 'projectProvider':
        await s.authorizeProvider(caller, READERS, scope.projectId, scope.providerId);
        return [
          ['project_id', '=', scope.projectId],
          ['provider_id', '=', scope.providerId],
        ];
      case 'projectProviderExternal': {
        const providerId = await providerOfProject(s, scope.projectId, scope.externalProviderId);
        assertHierarchy(caller, { kind: 'provider', roles: READERS, projectId: scope.projectId, providerId });
        return [
          ['project_id', '=', scope.projectId],
          ['provider_id', '=', providerId],
        ];
      }
      case 'group':
        await s.authorizeProject(caller, READERS, scope.projectId);
        return [
          ['project_id', '=', scope.projectId],
          ['group_id', '=', scope.groupId],
        ];
      case 'user':
        await s.authorizeProject(caller, READERS, scope.projectId);
        return [
          ['project_id', '=', scope.projectId],
          ['user_id', '=', scope.userId],
        ];
    }
  }
}

/**
 * The §4.7 date filters. Both bounds: start and end of the metric within [S, E] (E is 00:00Z, so the end
 * day is excluded); start only: starts at or after S; end only: ends by the end of that day.
 */
export function windowConditions(window: MetricWindow): Condition[] {
  const { start, end } = window;
  if (start !== undefined && end !== undefined) {
    const [s, e] = [dayStart(start), dayStart(end)];
    return [
      ['time_period_start', '>=', s],
      ['time_period_start', '<=', e],
      ['time_period_end', '>=', s],
      ['time_period_end', '<=', e],
    ];
  }
  if (start !== undefined) return [['time_period_start', '>=', dayStart(start)]];
  if (end !== undefined) return [['time_period_end', '<', nextDayStart(end)]];
  return [];
}
