import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "Evaluation due" markers for alert rules (alerts.md §2: an event exists exactly when the write that
 * caused it commits). Statement-level triggers on `metrics` and `capacities` write a marker row naming
 * the installation in the writer's own transaction, but only when an enabled rule covers it (the
 * installation, its project, its project and provider, or its provider: three index probes on
 * `alert_rules`). Rule inserts and changes (`updated_at` moved: the service's writes, never the
 * evaluator's) write a marker naming the rule. The evaluator (apps/server/src/modules/alerts/evaluation)
 * claims markers, re-measures and writes the events in one transaction after the commit, so a rolled
 * back write leaves neither marker nor event and a committed one is always evaluated on data that
 * includes it.
 *
 * The table has no key on purpose: a key would make two concurrent writers of one installation (and a
 * writer and the evaluator consuming the marker) wait for each other's commit; plain inserts never wait.
 * The evaluator empties it every second or so, so it stays tiny.
 */
const COVERED = (alias: string) => `alert_rules_cover(${alias}.installation_id, ${alias}.project_id, ${alias}.provider_id)`;

export class AlertEvaluations1796399597436 implements MigrationInterface {
  name = 'AlertEvaluations1796399597436';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "alert_evaluations_due" ("installation_id" text, "rule_id" text)`);
    await q.query(`
      CREATE FUNCTION alert_rules_cover(inst text, prj text, prv text) RETURNS boolean
      LANGUAGE sql STABLE PARALLEL SAFE AS $$
        SELECT EXISTS (SELECT 1 FROM alert_rules r WHERE r.installation_id = inst AND r.enabled)
            OR EXISTS (SELECT 1 FROM alert_rules r WHERE r.project_id = prj AND (r.provider_id IS NULL OR r.provider_id = prv) AND r.enabled)
            OR EXISTS (SELECT 1 FROM alert_rules r WHERE r.provider_id = prv AND r.project_id IS NULL AND r.enabled)
      $$`);
    await q.query(`
      CREATE FUNCTION alert_due_metrics_new() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO alert_evaluations_due (installation_id)
        SELECT d.installation_id FROM (SELECT DISTINCT installation_id, project_id, provider_id FROM new_rows) d WHERE ${COVERED('d')};
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION alert_due_metrics_old() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO alert_evaluations_due (installation_id)
        SELECT d.installation_id FROM (SELECT DISTINCT installation_id, project_id, provider_id FROM old_rows) d WHERE ${COVERED('d')};
        RETURN NULL;
      END $$`);
    // An update may move a metric between installations, definitions and times: both sides count.
    await q.query(`
      CREATE FUNCTION alert_due_metrics_moved() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO alert_evaluations_due (installation_id)
        SELECT d.installation_id FROM (
          SELECT installation_id, project_id, provider_id FROM new_rows
          UNION SELECT installation_id, project_id, provider_id FROM old_rows) d
         WHERE ${COVERED('d')};
        RETURN NULL;
      END $$`);
    for (const [side, table] of [
      ['new', 'new_rows'],
      ['old', 'old_rows'],
    ]) {
      await q.query(`
        CREATE FUNCTION alert_due_capacities_${side}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO alert_evaluations_due (installation_id)
          SELECT i.id FROM installations i WHERE i.id IN (SELECT installation_id FROM ${table})
             AND alert_rules_cover(i.id, i.project_id, i.provider_id);
          RETURN NULL;
        END $$`);
    }
    await q.query(`
      CREATE FUNCTION alert_due_rule() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO alert_evaluations_due (rule_id) VALUES (NEW.id);
        RETURN NULL;
      END $$`);

    await q.query(`CREATE TRIGGER alert_due_insert AFTER INSERT ON metrics
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION alert_due_metrics_new()`);
    await q.query(`CREATE TRIGGER alert_due_update AFTER UPDATE ON metrics
      REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION alert_due_metrics_moved()`);
    await q.query(`CREATE TRIGGER alert_due_delete AFTER DELETE ON metrics
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION alert_due_metrics_old()`);
    await q.query(`CREATE TRIGGER alert_due_insert AFTER INSERT ON capacities
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION alert_due_capacities_new()`);
    // Old and new rows of an update are the same installation (the key holds it): the new side suffices.
    await q.query(`CREATE TRIGGER alert_due_update AFTER UPDATE ON capacities
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION alert_due_capacities_new()`);
    await q.query(`CREATE TRIGGER alert_due_delete AFTER DELETE ON capacities
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION alert_due_capacities_old()`);
    await q.query(`CREATE TRIGGER alert_due_insert AFTER INSERT ON alert_rules FOR EACH ROW EXECUTE FUNCTION alert_due_rule()`);
    await q.query(`CREATE TRIGGER alert_due_update AFTER UPDATE ON alert_rules
      FOR EACH ROW WHEN (NEW.updated_at IS DISTINCT FROM OLD.updated_at) EXECUTE FUNCTION alert_due_rule()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['alert_rules', 'capacities', 'metrics'])
      for (const trigger of ['alert_due_update', 'alert_due_insert', 'alert_due_delete'])
        if (!(table === 'alert_rules' && trigger === 'alert_due_delete')) await q.query(`DROP TRIGGER ${trigger} ON ${table}`);
    await q.query(`DROP FUNCTION alert_due_rule()`);
    await q.query(`DROP FUNCTION alert_due_capacities_old()`);
    await q.query(`DROP FUNCTION alert_due_capacities_new()`);
    await q.query(`DROP FUNCTION alert_due_metrics_moved()`);
    await q.query(`DROP FUNCTION alert_due_metrics_old()`);
    await q.query(`DROP FUNCTION alert_due_metrics_new()`);
    await q.query(`DROP FUNCTION alert_rules_cover(text, text, text)`);
    await q.query(`DROP TABLE "alert_evaluations_due"`);
  }
}
