import type { DataSource, EntityManager } from 'typeorm';
import {
  scheduleMessages as msg,
  type PageQuery,
  type ReportSchedule,
  type ReportScheduleCreate,
  type ReportScheduleCreated,
  type ReportScheduleUpdate,
  type SchedulePeriod,
} from '@acc/contracts';
import { newObjectId } from '@acc/db';
import { authorizeAlertScope, mayUseAlertScope, type AlertAccess } from '../../access/index.js';
import type { Caller } from '../../auth/caller.js';
import { badRequest, forbidden, notFound } from '../../errors.js';
import { offsetOf } from '../../paging.js';
import { generateWebhookSecret } from '../alerts/alert-rule-service.js';
import { webhookUrlProblem, type WebhookPolicy } from '../alerts/webhook-target.js';
import { currentPeriodStart } from './periods.js';
import { ReportScheduleRepository, type ReportScheduleRecord } from './schedule-repository.js';
import { toWire } from './schedule-wire.js';

/**
 * Report schedules (alerts.md §3): the alert rules' scope access, webhook checks and secret handling.
 * A schedule's first report is the first period that ends after its creation; changing its period or
 * zone, or enabling it again, starts afresh from the period in course (nothing missed is sent later).
 */
export class ReportScheduleService {
  constructor(
    private readonly db: DataSource,
    private readonly webhooks: WebhookPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  async create(caller: Caller, input: ReportScheduleCreate): Promise<ReportScheduleCreated> {
    const secret = input.webhook_secret ?? generateWebhookSecret();
    const id = newObjectId();
    const tz = input.tz ?? 'UTC';
    await this.db.transaction(async (m) => {
      const scope = await authorizeAlertScope(m, caller, input.scope, 'change');
      await this.urlMustBeAllowed(input.webhook_url);
      await new ReportScheduleRepository(m).insert({
        id,
        name: input.name,
        installationId: scope.installationId,
        projectId: scope.projectId,
        providerId: scope.providerId,
        every: input.every,
        tz,
        webhookUrl: input.webhook_url,
        webhookSecret: secret,
        enabled: true,
        lastPeriodEnd: currentPeriodStart(this.now(), input.every, tz),
        creatorId: caller.id,
      });
    });
    return { ...(await this.get(caller, id)), webhook_secret: secret };
  }

  async list(caller: Caller, page: PageQuery): Promise<{ rows: ReportSchedule[]; total: number }> {
    const readable = (await new ReportScheduleRepository(this.db.manager).all()).filter((s) => mayUseAlertScope(caller, s, 'read'));
    const offset = offsetOf(page);
    return { rows: readable.slice(offset, offset + page.size).map(toWire), total: readable.length };
  }

  async get(caller: Caller, id: string): Promise<ReportSchedule> {
    return toWire(await this.authorized(this.db.manager, caller, id, 'read'));
  }

  async update(caller: Caller, input: ReportScheduleUpdate): Promise<ReportSchedule> {
    await this.db.transaction(async (m) => {
      const schedule = await this.authorized(m, caller, input.id, 'change');
      if (input.webhook_url !== undefined) await this.urlMustBeAllowed(input.webhook_url);
      const every = (input.every ?? schedule.every) as SchedulePeriod;
      const tz = input.tz ?? schedule.tz;
      const restart = every !== schedule.every || tz !== schedule.tz || (input.enabled === true && !schedule.enabled);
      await new ReportScheduleRepository(m).update(schedule.id, {
        name: input.name,
        every: input.every,
        tz: input.tz,
        webhookUrl: input.webhook_url,
        webhookSecret: input.webhook_secret,
        enabled: input.enabled,
        lastPeriodEnd: restart ? currentPeriodStart(this.now(), every, tz) : undefined,
      });
    });
    return this.get(caller, input.id);
  }

  async delete(caller: Caller, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.authorized(m, caller, id, 'change');
      await new ReportScheduleRepository(m).delete(id);
    });
  }

  /** The schedule (404), then the caller's right on its scope (403). */
  async authorized(m: EntityManager, caller: Caller, id: string, access: AlertAccess): Promise<ReportScheduleRecord> {
    const schedule = await new ReportScheduleRepository(m).find(id);
    if (!schedule) throw notFound(msg.notFound(id));
    if (!mayUseAlertScope(caller, schedule, access)) throw forbidden();
    return schedule;
  }

  private async urlMustBeAllowed(url: string): Promise<void> {
    const problem = await webhookUrlProblem(url, this.webhooks);
    if (problem) throw badRequest(problem);
  }
}
