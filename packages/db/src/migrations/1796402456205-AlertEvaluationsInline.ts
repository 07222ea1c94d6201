import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The marker triggers of AlertEvaluations1796399597436 with the "does an enabled rule cover it" test
 * written into each trigger's INSERT instead of calling `alert_rules_cover`: a non-inlinable SQL function
 * is planned afresh on every call, which doubled the statement cost of a single-row INSERT into `metrics`
 * with no rule anywhere; written inline, plpgsql caches the plan of the whole statement per session.
 */
const covered = (inst: string, prj: string, prv: string) =>
  `(EXISTS (SELECT 1 FROM alert_rules r WHERE r.installation_id = ${inst} AND r.enabled)
    OR EXISTS (SELECT 1 FROM alert_rules r WHERE r.project_id = ${prj} AND (r.provider_id IS NULL OR r.provider_id = ${prv}) AND r.enabled)
    OR EXISTS (SELECT 1 FROM alert_rules r WHERE r.provider_id = ${prv} AND r.project_id IS NULL AND r.enabled))`;
const viaFunction = (inst: string, prj: string, prv: string) => `alert_rules_cover(${inst}, ${prj}, ${prv})`;

const metricsFunction = (name: string, rows: string, cover: typeof covered) => `
  CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO alert_evaluations_due (installation_id)
    SELECT d.installation_id FROM (${rows}) d WHERE ${cover('d.installation_id', 'd.project_id', 'd.provider_id')};
    RETURN NULL;
  END $$`;

const capacitiesFunction = (name: string, table: string, cover: typeof covered) => `
  CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO alert_evaluations_due (installation_id)
    SELECT i.id FROM installations i WHERE i.id IN (SELECT installation_id FROM ${table}) AND ${cover('i.id', 'i.project_id', 'i.provider_id')};
    RETURN NULL;
  END $$`;

const functions = (cover: typeof covered) => [
  metricsFunction('alert_due_metrics_new', 'SELECT DISTINCT installation_id, project_id, provider_id FROM new_rows', cover),
  metricsFunction('alert_due_metrics_old', 'SELECT DISTINCT installation_id, project_id, provider_id FROM old_rows', cover),
  metricsFunction(
    'alert_due_metrics_moved',
    'SELECT installation_id, project_id, provider_id FROM new_rows UNION SELECT installation_id, project_id, provider_id FROM old_rows',
    cover,
  ),
  capacitiesFunction('alert_due_capacities_new', 'new_rows', cover),
  capacitiesFunction('alert_due_capacities_old', 'old_rows', cover),
];

export class AlertEvaluationsInline1796402456205 implements MigrationInterface {
  name = 'AlertEvaluationsInline1796402456205';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of functions(covered)) await q.query(sql);
    await q.query(`DROP FUNCTION alert_rules_cover(text, text, text)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION alert_rules_cover(inst text, prj text, prv text) RETURNS boolean
      LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT ${covered('inst', 'prj', 'prv')} $$`);
    for (const sql of functions(viaFunction)) await q.query(sql);
  }
}
