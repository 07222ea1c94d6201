import type { EntityManager } from 'typeorm';
import { RULE_COLUMNS, toRuleFields, type RuleFields, type RuleRaw } from '../alert-rule-repository.js';

/**
 * What evaluation needs of a rule (never its secret nor its webhook); `updatedAt` is its creation or last
 * change, from which silence is counted when later than the last push.
 */
export type EvaluatedRule = RuleFields;

/** A rule's scope as installation filter SQL over alias `i` (parameters appended to `params`). */
const inScope = (rule: EvaluatedRule, params: unknown[]): string => {
  if (rule.installationId) return `i.id = $${params.push(rule.installationId)}`;
  if (rule.projectId && rule.providerId) return `i.project_id = $${params.push(rule.projectId)} AND i.provider_id = $${params.push(rule.providerId)}`;
  if (rule.projectId) return `i.project_id = $${params.push(rule.projectId)}`;
  return `i.provider_id = $${params.push(rule.providerId)}`;
};

export interface CapacityAt {
  installationId: string;
  /** Exact decimal text. */
  value: string;
  registeredOn: Date;
}

/** SQL of alert evaluation: markers, rule locks, what a rule's scope holds, and the rule's state. */
export class EvaluationRepository {
  constructor(private readonly m: EntityManager) {}

  /** Cheap look outside any transaction: is there anything to evaluate? */
  async anyDue(): Promise<boolean> {
    const rows: unknown[] = await this.m.query('SELECT 1 FROM alert_evaluations_due LIMIT 1');
    return rows.length > 0;
  }

  /**
   * Removes and returns the committed markers no other evaluator is consuming (SKIP LOCKED: several
   * instances never wait on each other here). Markers committed after this statement stay for the next round.
   */
  async claimDue(): Promise<{ installationIds: string[]; ruleIds: string[] }> {
    const rows: { installation_id: string | null; rule_id: string | null }[] = await this.m.query(
      // A SELECT around the DELETE: TypeORM answers a bare DELETE … RETURNING as [rows, count].
      `WITH claimed AS (
         DELETE FROM alert_evaluations_due WHERE ctid IN (SELECT ctid FROM alert_evaluations_due FOR UPDATE SKIP LOCKED)
         RETURNING installation_id, rule_id)
       SELECT installation_id, rule_id FROM claimed`,
    );
    const installationIds = new Set<string>();
    const ruleIds = new Set<string>();
    for (const r of rows) {
      if (r.installation_id !== null) installationIds.add(r.installation_id);
      if (r.rule_id !== null) ruleIds.add(r.rule_id);
    }
    return { installationIds: [...installationIds], ruleIds: [...ruleIds] };
  }

  /**
   * Locks (FOR UPDATE, in id order so evaluators never deadlock) and returns the named rules and the
   * enabled rules covering any of the installations. Whoever waited here reads the rule as the previous
   * evaluator left it, and measures afterwards, on data that includes everything committed before.
   * A marker naming an installation that no longer exists (a project deleted with its installations and
   * metrics) cannot say which wider scopes held it: every enabled project or provider rule is taken.
   */
  async lockRules(installationIds: readonly string[], ruleIds: readonly string[]): Promise<EvaluatedRule[]> {
    if (installationIds.length === 0 && ruleIds.length === 0) return [];
    const rows: RuleRaw[] = await this.m.query(
      `SELECT ${RULE_COLUMNS} FROM alert_rules r
        WHERE r.id = ANY($2::text[])
           OR (r.enabled AND EXISTS (
                SELECT 1 FROM installations i WHERE i.id = ANY($1::text[])
                   AND (r.installation_id = i.id
                        OR (r.project_id = i.project_id AND (r.provider_id IS NULL OR r.provider_id = i.provider_id))
                        OR (r.project_id IS NULL AND r.provider_id = i.provider_id))))
           OR (r.enabled AND r.installation_id IS NULL AND EXISTS (
                SELECT 1 FROM unnest($1::text[]) AS d(id) WHERE NOT EXISTS (SELECT 1 FROM installations i WHERE i.id = d.id)))
        ORDER BY r.id FOR UPDATE OF r`,
      [installationIds, ruleIds],
    );
    return rows.map(toRuleFields);
  }

  /** Locks and returns the enabled rules of the given kinds (the time-driven sweep). */
  async lockEnabled(kinds: readonly string[]): Promise<EvaluatedRule[]> {
    const rows: RuleRaw[] = await this.m.query(
      `SELECT ${RULE_COLUMNS} FROM alert_rules r WHERE r.enabled AND r.kind = ANY($1::text[]) ORDER BY r.id FOR UPDATE OF r`,
      [kinds],
    );
    return rows.map(toRuleFields);
  }

  /** Installations whose capacities changed or came into force in (after, upTo]. */
  async capacityChangesBetween(after: Date, upTo: Date): Promise<string[]> {
    const rows: { installation_id: string }[] = await this.m.query(
      'SELECT DISTINCT installation_id FROM capacities WHERE registered_on > $1 AND registered_on <= $2',
      [after, upTo],
    );
    return rows.map((r) => r.installation_id);
  }

  async installationsInScope(rule: EvaluatedRule): Promise<string[]> {
    const params: unknown[] = [];
    const rows: { id: string }[] = await this.m.query(`SELECT i.id FROM installations i WHERE ${inScope(rule, params)} ORDER BY i.id`, params);
    return rows.map((r) => r.id);
  }

  /** Every capacity of the definition for the installations, by registration time (as the report orders them). */
  async capacities(installationIds: readonly string[], definitionId: string): Promise<CapacityAt[]> {
    const rows: { installation_id: string; value: string; registered_on: Date }[] = await this.m.query(
      `SELECT installation_id, value::text AS value, registered_on FROM capacities
        WHERE installation_id = ANY($1::text[]) AND metric_definition_id = $2 ORDER BY registered_on, created_at`,
      [installationIds, definitionId],
    );
    return rows.map((r) => ({ installationId: r.installation_id, value: r.value, registeredOn: new Date(r.registered_on) }));
  }

  /** round(total / capacity, 4) × 100 in numeric, exactly as the report's usage_percentage. */
  async percentage(total: string, capacity: string): Promise<string> {
    const [row]: { usage: string }[] = await this.m.query('SELECT (round($1::numeric / $2::numeric, 4) * 100)::text AS usage', [total, capacity]);
    return row.usage;
  }

  /** Each installation in scope with the time of its latest push (null: never pushed); one index probe each. */
  async lastPushes(rule: EvaluatedRule): Promise<{ installationId: string; lastPush: Date | null }[]> {
    const params: unknown[] = [];
    const rows: { id: string; last_push: Date | null }[] = await this.m.query(
      `SELECT i.id, (SELECT m.created_at FROM metrics m WHERE m.installation_id = i.id ORDER BY m.seq DESC LIMIT 1) AS last_push
         FROM installations i WHERE ${inScope(rule, params)} ORDER BY i.id`,
      params,
    );
    return rows.map((r) => ({ installationId: r.id, lastPush: r.last_push === null ? null : new Date(r.last_push) }));
  }

  async silences(ruleId: string): Promise<Map<string, Date>> {
    const rows: { installation_id: string; since: Date }[] = await this.m.query(
      'SELECT installation_id, since FROM alert_silences WHERE rule_id = $1',
      [ruleId],
    );
    return new Map(rows.map((r) => [r.installation_id, new Date(r.since)]));
  }

  async addSilence(ruleId: string, installationId: string, since: Date): Promise<void> {
    await this.m.query('INSERT INTO alert_silences (rule_id, installation_id, since) VALUES ($1, $2, $3)', [ruleId, installationId, since]);
  }

  async removeSilences(ruleId: string, installationIds?: readonly string[]): Promise<void> {
    if (installationIds === undefined) await this.m.query('DELETE FROM alert_silences WHERE rule_id = $1', [ruleId]);
    else if (installationIds.length > 0)
      await this.m.query('DELETE FROM alert_silences WHERE rule_id = $1 AND installation_id = ANY($2::text[])', [ruleId, installationIds]);
  }

  /** State and last value only: `updated_at` is the user's change, which silence counts from. */
  async saveState(ruleId: string, state: string, lastValue: number | null): Promise<void> {
    await this.m.query(
      'UPDATE alert_rules SET state = $2, last_value = $3 WHERE id = $1 AND (state IS DISTINCT FROM $2 OR last_value IS DISTINCT FROM $3)',
      [ruleId, state, lastValue],
    );
  }
}
