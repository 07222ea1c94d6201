import type { DataSource, EntityManager } from 'typeorm';
import {
  judgeBulkElement,
  metricChanges,
  metricMessages as msg,
  pushVerdicts,
  requestedDefinition,
  REST_BASE,
  sentFields,
  sentOfBulkElement,
  type MetricBulkResponse,
  type MetricFields,
  type MetricPushResponse,
  type PushVerdicts,
  type Verdict,
} from '@acc/contracts';
import { newObjectId, type InstallationRow } from '@acc/db';
import { assertHierarchy, Scope, scopeMessages } from '../../access/index.js';
import type { Caller } from '../../auth/caller.js';
import { AppError, badRequest, notFound } from '../../errors.js';
import { storeOnce, type IdempotencyScope } from './idempotency.js';
import { MetricRepository, type MetricOwner, type StoredMetric } from './metric-repository.js';
import { insertIfTargetHolds, pushTarget, type InstallationRef as TargetRef, type PushTarget } from './push-target.js';
import { PushTargetCache } from './push-target-cache.js';
import { isForeignKeyViolation } from '../../db-errors.js';
import { checkMetric, checkNewTimes, type Checked, type ValidMetric } from './metric-rules.js';
import { toPushResponse } from './metric-wire.js';
import { retriedTransaction } from '../../transaction.js';

/** Which installation a push names: by id (path) or by external id (query). */
export type InstallationRef = { installationId: string } | { externalId: string | undefined };

/** The request as idempotency sees it: `route` is method + path, `key` the header (if any). */
export interface PushContext {
  caller: Caller;
  route: string;
  /** The REST path of the push, for the Location a replay stores. */
  path: string;
  idempotencyKey?: string;
  /** Called when the response is an earlier request's, replayed from its Idempotency-Key. */
  onReplay?: () => void;
}

const violation = (v: { status: number; message: string }) => new AppError(v.status, v.message);

/** Pushing, reading, changing and deleting metrics of one installation (§4.7, §7). */
export class MetricService {
  constructor(
    private readonly db: DataSource,
    private readonly publicUrl: string,
    /** Told how many new metric rows were stored (replays store none). */
    private readonly onStored: (count: number) => void = () => {},
    /** Installations and definitions single pushes found, so the next push to them is one INSERT. */
    private readonly targets: PushTargetCache = new PushTargetCache(0),
  ) {}

  /**
   * §4.7 rules in order (format, definition, then the installation: 404 before 403). One statement reads
   * the definition and the installation with its project, one INSERT stores the metric: a single INSERT
   * is atomic, so only an `Idempotency-Key` (whose claim must commit with the metric) opens a transaction.
   */
  async push(ctx: PushContext, ref: InstallationRef, fields: MetricFields): Promise<MetricPushResponse> {
    if ('externalId' in ref && (!ref.externalId || ref.externalId.trim() === '')) throw badRequest(scopeMessages.externalIdEmpty);
    const target: TargetRef = 'installationId' in ref ? ref : { externalId: ref.externalId as string };
    const verdicts = pushVerdicts(fields, new Date());
    const definitionId = verdicts.definition.ok ? verdicts.definition.value : undefined;
    const scope = this.idempotency(ctx);
    if (!scope && definitionId !== undefined) {
      const body = await this.pushToKnownTarget(ctx.caller, target, verdicts, definitionId);
      if (body) {
        this.onStored(1);
        return body;
      }
    }
    const store = async (m: EntityManager) => {
      const found = definitionId === undefined ? { definitionExists: false } : await pushTarget(m, definitionId, target);
      if (definitionId !== undefined && found.definitionExists && found.installation) this.targets.remember(target, definitionId, found.installation);
      const checked = checkMetric(verdicts, found.definitionExists && definitionId ? new Set([definitionId]) : new Set<string>());
      if (!checked.ok) throw violation(checked.violation);
      const installation = authorizedTarget(ctx.caller, target, found.installation);
      return storeOnce(
        m,
        scope,
        () => sentFields(fields),
        async () => {
          const metric = { ...checked.metric, id: newObjectId() };
          await new MetricRepository(m).insertMany(ownerOfTarget(installation, ctx.caller), [metric]);
          const body = toPushResponse(storedOf(installation.id, metric));
          return { status: 201, body, location: `${this.publicUrl}${REST_BASE}${ctx.path}/${encodeURIComponent(metric.id)}` };
        },
      );
    };
    const result = scope ? await retriedTransaction(this.db, store) : await this.onOneConnection(store);
    if (result.replayed) ctx.onReplay?.();
    else this.onStored(1);
    return result.body;
  }

  /**
   * A push whose installation and definition the cache remembers, without an Idempotency-Key: the same
   * rules and access check on the remembered target, then one INSERT that stores the metric only if the
   * target still holds (push-target.ts). Undefined — nothing stored — when the cache has no entry, the
   * request fails a rule or the access check, or the target changed: the caller then takes the uncached
   * path, which answers from fresh rows, so every answer and every stored row is what it would have been
   * without the cache.
   */
  private async pushToKnownTarget(caller: Caller, target: TargetRef, verdicts: PushVerdicts, definitionId: string) {
    const installation = this.targets.lookup(target, definitionId);
    if (!installation) return undefined;
    const checked = checkMetric(verdicts, new Set([definitionId]));
    if (!checked.ok) return undefined;
    try {
      authorizedTarget(caller, target, installation);
    } catch {
      return undefined;
    }
    const metric = { ...checked.metric, id: newObjectId() };
    let stored: boolean;
    try {
      stored = await insertIfTargetHolds(this.db, target, installation, metric, caller.id);
    } catch (err) {
      if (!isForeignKeyViolation(err)) throw err;
      stored = false;
    }
    if (!stored) {
      this.targets.forget(target, definitionId);
      return undefined;
    }
    return toPushResponse(storedOf(installation.id, metric));
  }

  /**
   * §7.1: every element is checked with the single-push rules; one failure stores nothing and reports
   * every failing element's first violation, index-prefixed. The status is the first failure's. Each
   * element is judged only when its turn comes, so what the request holds is the body and the rows.
   */
  async pushBulk(ctx: PushContext, installationId: string, body: Verdict<unknown[]>): Promise<MetricBulkResponse> {
    if (!body.ok) throw badRequest(body.message);
    const items = body.value;
    const now = new Date();
    const result = await retriedTransaction(this.db, async (m) => {
      const repo = new MetricRepository(m);
      const requested: string[] = [];
      for (const item of items) {
        const id = requestedDefinition(item);
        if (id !== undefined) requested.push(id);
      }
      const known = await repo.existingDefinitions(requested);
      const valid: (ValidMetric & { id: string })[] = [];
      const errors: string[] = [];
      let status = 400;
      items.forEach((item, i) => {
        const fields = judgeBulkElement(item);
        const checked: Checked =
          fields === null ? { ok: false, violation: { status: 400, message: msg.bulkEmpty } } : checkMetric(pushVerdicts(fields, now), known);
        if (checked.ok) valid.push({ ...checked.metric, id: newObjectId() });
        else {
          if (errors.length === 0) status = checked.violation.status;
          errors.push(`[${i}] ${checked.violation.message}`);
        }
      });
      if (errors.length > 0) throw new AppError(status, errors[0], errors);
      const installation = await this.resolve(m, ctx.caller, { installationId });
      return storeOnce(
        m,
        this.idempotency(ctx),
        () => items.map(sentOfBulkElement),
        async () => {
          await repo.insertMany(await this.ownerOf(m, installation, ctx.caller), valid);
          const body = { code: 201, message: msg.bulkRegistered(valid.length), ids: valid.map((v) => v.id) };
          return { status: 201, body, location: null };
        },
      );
    });
    if (result.replayed) ctx.onReplay?.();
    else this.onStored(items.length);
    return result.body;
  }

  async get(caller: Caller, installationId: string, metricId: string): Promise<MetricPushResponse> {
    const m = this.db.manager;
    await new Scope(m).authorizeInstallation(caller, ['admin'], installationId);
    return toPushResponse(await this.find(m, installationId, metricId));
  }

  async update(caller: Caller, installationId: string, metricId: string, fields: MetricFields): Promise<MetricPushResponse> {
    const parsed = metricChanges(fields);
    if (!parsed.ok) throw badRequest(parsed.message);
    const changes = parsed.value;
    const now = new Date();
    return retriedTransaction(this.db, async (m) => {
      await new Scope(m).authorizeInstallation(caller, ['admin'], installationId);
      const repo = new MetricRepository(m);
      const stored = await this.find(m, installationId, metricId);
      if (changes.metricDefinitionId !== undefined && !(await repo.existingDefinitions([changes.metricDefinitionId])).has(changes.metricDefinitionId))
        throw notFound(msg.noDefinition(changes.metricDefinitionId));
      const timeProblem = checkNewTimes(changes, { start: stored.time_period_start, end: stored.time_period_end }, now);
      if (timeProblem) throw badRequest(timeProblem);
      await repo.update(installationId, metricId, {
        ...stored,
        metric_definition_id: changes.metricDefinitionId ?? stored.metric_definition_id,
        time_period_start: changes.timePeriodStart ?? stored.time_period_start,
        time_period_end: changes.timePeriodEnd ?? stored.time_period_end,
        value: changes.value ?? stored.value,
        group_id: changes.groupId ?? stored.group_id,
        user_id: changes.userId ?? stored.user_id,
      });
      return toPushResponse(await this.find(m, installationId, metricId));
    });
  }

  async delete(caller: Caller, installationId: string, metricId: string): Promise<void> {
    await retriedTransaction(this.db, async (m) => {
      await new Scope(m).authorizeInstallation(caller, ['admin'], installationId);
      await this.find(m, installationId, metricId);
      await new MetricRepository(m).delete(installationId, metricId);
    });
  }

  private async find(m: EntityManager, installationId: string, metricId: string): Promise<StoredMetric> {
    const row = await new MetricRepository(m).findInInstallation(installationId, metricId);
    if (!row) throw notFound(msg.noMetric(metricId));
    return row;
  }

  /** INS[admin] on the named installation: 404 before 403 (§1.3). */
  private resolve(m: EntityManager, caller: Caller, ref: InstallationRef): Promise<InstallationRow> {
    const scope = new Scope(m);
    return 'installationId' in ref
      ? scope.authorizeInstallation(caller, ['admin'], ref.installationId)
      : scope.authorizeInstallationByExternalId(caller, ['admin'], ref.externalId);
  }

  /** The §2.1 fields copied onto every metric at push time. */
  private async ownerOf(m: EntityManager, installation: InstallationRow, caller: Caller): Promise<MetricOwner> {
    const project = await new Scope(m).project(installation.projectId);
    return {
      installationId: installation.id,
      projectId: installation.projectId,
      providerId: installation.providerId,
      projectAcronym: project.acronym,
      installationName: installation.installation,
      infrastructure: installation.infrastructure,
      resource: installation.resourceId,
      resourceId: `${installation.projectId}.${installation.providerId}.${installation.id}`,
      creatorId: caller.id,
    };
  }

  /**
   * Both statements of a push on one connection without a transaction: one pool checkout on PostgreSQL,
   * and one lease of PGlite's single session instead of queueing twice behind every other request.
   */
  private async onOneConnection<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.db.createQueryRunner();
    try {
      return await work(runner.manager);
    } finally {
      await runner.release();
    }
  }

  private idempotency(ctx: PushContext): IdempotencyScope | undefined {
    return ctx.idempotencyKey === undefined ? undefined : { callerId: ctx.caller.id, route: ctx.route, key: ctx.idempotencyKey };
  }
}

const storedOf = (installationId: string, metric: ValidMetric & { id: string }): StoredMetric => ({
  id: metric.id,
  installation_id: installationId,
  metric_definition_id: metric.metricDefinitionId,
  time_period_start: metric.timePeriodStart,
  time_period_end: metric.timePeriodEnd,
  value: metric.value,
  group_id: metric.groupId,
  user_id: metric.userId,
});

type FoundInstallation = NonNullable<PushTarget['installation']>;

/** INS[admin] on the installation a push names: 404 when there is none (§1.3), then 403. */
function authorizedTarget(caller: Caller, ref: TargetRef, installation: FoundInstallation | undefined): FoundInstallation {
  if (!installation) {
    throw notFound('installationId' in ref ? scopeMessages.noInstallation(ref.installationId) : scopeMessages.noInstallationExternal(ref.externalId));
  }
  if (installation.projectAcronym === null) throw notFound(scopeMessages.noProject(installation.projectId));
  assertHierarchy(caller, {
    kind: 'installation',
    roles: ['admin'],
    projectId: installation.projectId,
    providerId: installation.providerId,
    installationId: installation.id,
  });
  return installation;
}

/** The §2.1 fields copied onto the pushed metric. */
const ownerOfTarget = (i: FoundInstallation, caller: Caller): MetricOwner => ({
  installationId: i.id,
  projectId: i.projectId,
  providerId: i.providerId,
  projectAcronym: i.projectAcronym as string,
  installationName: i.installation,
  infrastructure: i.infrastructure,
  resource: i.resourceId,
  resourceId: `${i.projectId}.${i.providerId}.${i.id}`,
  creatorId: caller.id,
});
