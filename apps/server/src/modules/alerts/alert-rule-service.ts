import { randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  alertMessages as msg,
  metricMessages,
  type AlertKind,
  type AlertRule,
  type AlertRuleCreate,
  type AlertRuleCreated,
  type AlertRuleUpdate,
  type PageQuery,
} from '@acc/contracts';
import { newObjectId } from '@acc/db';
import { authorizeAlertScope, mayUseAlertScope, type AlertAccess } from '../../access/index.js';
import type { Caller } from '../../auth/caller.js';
import { badRequest, forbidden, notFound } from '../../errors.js';
import { offsetOf } from '../../paging.js';
import { AlertRuleRepository, type AlertRuleRecord } from './alert-rule-repository.js';
import { toWire } from './alert-rule-wire.js';
import { webhookUrlProblem, type WebhookPolicy } from './webhook-target.js';

/** `whsec_` + 32 random bytes in base64: the Standard Webhooks secret format. */
export const generateWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** Fields a PATCH may set only on rules of the given kind. */
const KIND_OF_FIELD: Record<string, AlertKind> = {
  threshold_percent: 'capacity',
  threshold_value: 'usage',
  window: 'usage',
  tz: 'usage',
  silence_minutes: 'silence',
};

/** Told after a rule is created, changed or deleted (committed): the watch cache and the evaluator listen. */
export type RuleListener = (ruleId: string) => Promise<void> | void;

/** Alert rules (alerts.md §1): validation needing the database, access through `access`, secrets kept out of answers. */
export class AlertRuleService {
  constructor(
    private readonly db: DataSource,
    private readonly webhooks: WebhookPolicy,
    private readonly onChange: RuleListener = () => {},
  ) {}

  async create(caller: Caller, input: AlertRuleCreate): Promise<AlertRuleCreated> {
    const secret = input.webhook_secret ?? generateWebhookSecret();
    const id = newObjectId();
    await this.db.transaction(async (m) => {
      const scope = await authorizeAlertScope(m, caller, input.scope, 'change');
      if (input.metric_definition_id !== undefined) await this.definitionMustExist(m, input.metric_definition_id);
      await this.urlMustBeAllowed(input.webhook_url);
      await new AlertRuleRepository(m).insert({
        id,
        name: input.name,
        kind: input.kind,
        installationId: scope.installationId,
        projectId: scope.projectId,
        providerId: scope.providerId,
        metricDefinitionId: input.metric_definition_id ?? null,
        thresholdPercent: input.threshold_percent ?? null,
        thresholdValue: input.threshold_value ?? null,
        usageWindow: input.window ?? null,
        tz: input.kind === 'usage' ? (input.tz ?? 'UTC') : null,
        silenceMinutes: input.silence_minutes ?? null,
        webhookUrl: input.webhook_url,
        webhookSecret: secret,
        enabled: true,
        state: 'idle',
        lastValue: null,
        creatorId: caller.id,
      });
    });
    await this.onChange(id);
    return { ...(await this.get(caller, id)), webhook_secret: secret };
  }

  async list(caller: Caller, page: PageQuery): Promise<{ rows: AlertRule[]; total: number }> {
    const readable = (await new AlertRuleRepository(this.db.manager).all()).filter((r) => mayUseAlertScope(caller, resolvedOf(r), 'read'));
    const offset = offsetOf(page);
    return { rows: readable.slice(offset, offset + page.size).map(toWire), total: readable.length };
  }

  async get(caller: Caller, id: string): Promise<AlertRule> {
    return toWire(await this.authorized(this.db.manager, caller, id, 'read'));
  }

  async update(caller: Caller, input: AlertRuleUpdate): Promise<AlertRule> {
    await this.db.transaction(async (m) => {
      const rule = await this.authorized(m, caller, input.id, 'change');
      for (const [field, kind] of Object.entries(KIND_OF_FIELD)) {
        if (input[field as keyof AlertRuleUpdate] !== undefined && rule.kind !== kind) throw badRequest(msg.notForKind(field, rule.kind));
      }
      if (input.webhook_url !== undefined) await this.urlMustBeAllowed(input.webhook_url);
      await new AlertRuleRepository(m).update(
        rule.id,
        {
          name: input.name,
          thresholdPercent: input.threshold_percent,
          thresholdValue: input.threshold_value,
          usageWindow: input.window,
          tz: input.tz,
          silenceMinutes: input.silence_minutes,
          webhookUrl: input.webhook_url,
          webhookSecret: input.webhook_secret,
          enabled: input.enabled,
        },
        // A disabled rule measures nothing; re-enabled, it starts again from "nothing measured".
        input.enabled === false ? { state: 'idle', lastValue: null } : undefined,
      );
    });
    await this.onChange(input.id);
    return this.get(caller, input.id);
  }

  async delete(caller: Caller, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.authorized(m, caller, id, 'change');
      await new AlertRuleRepository(m).delete(id);
    });
    await this.onChange(id);
  }

  /** The rule (404), then the caller's right on its scope (403). */
  async authorized(m: EntityManager, caller: Caller, id: string, access: AlertAccess): Promise<AlertRuleRecord> {
    const rule = await new AlertRuleRepository(m).find(id);
    if (!rule) throw notFound(msg.notFound(id));
    if (!mayUseAlertScope(caller, resolvedOf(rule), access)) throw forbidden();
    return rule;
  }

  private async definitionMustExist(m: EntityManager, id: string): Promise<void> {
    const rows: unknown[] = await m.query('SELECT 1 FROM metric_definitions WHERE id = $1', [id]);
    if (rows.length === 0) throw notFound(metricMessages.noDefinition(id));
  }

  private async urlMustBeAllowed(url: string): Promise<void> {
    const problem = await webhookUrlProblem(url, this.webhooks);
    if (problem) throw badRequest(problem);
  }
}

const resolvedOf = (r: AlertRuleRecord) => ({
  installationId: r.installationId,
  projectId: r.projectId,
  providerId: r.providerId,
  installationProjectId: r.installationProjectId,
  installationProviderId: r.installationProviderId,
});
