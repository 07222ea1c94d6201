import type { DataSource, EntityManager } from 'typeorm';
import { usageMessages, type FreshnessItem, type PageQuery, type UsageAnswer, type UsageQuery } from '@acc/contracts';
import { Scope, visibleInstallationsSql } from '../../access/index.js';
import type { Caller } from '../../auth/caller.js';
import type { Role } from '../../auth/entitlements.js';
import { notFound } from '../../errors.js';
import { offsetOf } from '../../paging.js';
import { formatInstant } from '../metrics/instants.js';
import { FreshnessRepository } from './freshness-repository.js';
import { buildSeries } from './series.js';
import { UsageRepository } from './usage-repository.js';
import type { UsageSource } from './usage-source.js';
import { servedUsageSource } from './usage-sources.js';
import { planWindows } from './windows.js';

const READERS: Role[] = ['admin', 'viewer'];

/** Where the cells come from (usage-sources.ts decides which source is served). */
export type UsageSourceFactory = (m: EntityManager) => UsageSource;

/**
 * usage-api.md §1–§2, in the order of checks of §1.3: the query's own rules (zod, then the range and its
 * window count), the definitions it names (404), the scope's entity (404) and its rule (403, through
 * `Scope`); then the cells from the source, shaped into series.
 */
export class UsageService {
  constructor(
    private readonly db: DataSource,
    private readonly sourceOf: UsageSourceFactory = servedUsageSource,
  ) {}

  private get scope() {
    return new Scope(this.db.manager);
  }

  private get repo() {
    return new UsageRepository(this.db.manager);
  }

  async installation(caller: Caller, id: string, q: UsageQuery): Promise<UsageAnswer> {
    const plan = await this.prepare(q);
    const installation = await this.scope.authorizeInstallation(caller, READERS, id);
    return this.answer(q, plan, [installation.id]);
  }

  async installationByExternalId(caller: Caller, externalId: string, q: UsageQuery): Promise<UsageAnswer> {
    const plan = await this.prepare(q);
    const installation = await this.scope.authorizeInstallationByExternalId(caller, READERS, externalId);
    return this.answer(q, plan, [installation.id]);
  }

  async project(caller: Caller, projectId: string, q: UsageQuery): Promise<UsageAnswer> {
    const plan = await this.prepare(q);
    await this.scope.authorizeProject(caller, READERS, projectId);
    return this.answer(q, plan, await this.repo.installationIds({ sql: 'i.project_id = $1', params: [projectId] }));
  }

  async projectProvider(caller: Caller, projectId: string, providerId: string, q: UsageQuery): Promise<UsageAnswer> {
    const plan = await this.prepare(q);
    await this.scope.authorizeAssociatedProvider(caller, READERS, projectId, providerId);
    return this.answer(
      q,
      plan,
      await this.repo.installationIds({ sql: 'i.project_id = $1 AND i.provider_id = $2', params: [projectId, providerId] }),
    );
  }

  async provider(caller: Caller, providerId: string, q: UsageQuery): Promise<UsageAnswer> {
    const plan = await this.prepare(q);
    await this.scope.authorizeRepresentative(caller, providerId);
    return this.answer(q, plan, await this.repo.installationIds({ sql: 'i.provider_id = $1', params: [providerId] }));
  }

  /** `GET /usage`: the installations `GET /installations/all` lists; none gives an empty answer, not 403. */
  async visible(caller: Caller, q: UsageQuery): Promise<UsageAnswer> {
    const plan = await this.prepare(q);
    return this.answer(q, plan, await this.repo.installationIds(visibleInstallationsSql(caller.policy.visibility())));
  }

  /** §2: the visible installations, stalest first. */
  async freshness(caller: Caller, q: PageQuery & { stale_after_hours?: number }): Promise<{ content: FreshnessItem[]; total: number }> {
    const where = visibleInstallationsSql(caller.policy.visibility());
    const [rows, total] = await new FreshnessRepository(this.db.manager).page(where, q.stale_after_hours, offsetOf(q), q.size);
    const content = rows.map((r) => ({
      installation_id: r.installation_id,
      installation: r.installation,
      project: r.project,
      provider: r.provider,
      last_pushed_at: r.last_pushed_at ? formatInstant(new Date(r.last_pushed_at)) : null,
      last_period_end: r.last_period_end ? formatInstant(new Date(r.last_period_end)) : null,
      metrics_last_24h: Number(r.metrics_last_24h),
    }));
    return { content, total };
  }

  /** The range and windows (400s), then the named definitions (404 for the first unknown one). */
  private async prepare(q: UsageQuery) {
    const plan = planWindows(q.start, q.end, q.window, q.tz);
    if (q.metric_definition_id.length > 0) {
      const known = new Set((await this.repo.definitions(q.metric_definition_id)).map((d) => d.id));
      const missing = q.metric_definition_id.find((id) => !known.has(id));
      if (missing !== undefined) throw notFound(usageMessages.noDefinition(missing));
    }
    return plan;
  }

  private async answer(q: UsageQuery, plan: ReturnType<typeof planWindows>, installationIds: string[]): Promise<UsageAnswer> {
    const cells = await this.sourceOf(this.db.manager).cells({
      installationIds,
      bounds: plan.bounds.map((b) => new Date(b)),
      definitionIds: q.metric_definition_id,
      groupId: q.group_id,
      userId: q.user_id,
      groupBy: q.group_by,
    });
    const definitions = await this.repo.definitions([...new Set(cells.map((c) => c.definitionId))]);
    return {
      start: formatInstant(new Date(plan.start)),
      end: formatInstant(new Date(plan.end)),
      window: q.window,
      tz: q.tz,
      aggregation: q.aggregation,
      series: buildSeries(cells, definitions, plan.bounds, q),
    };
  }
}
