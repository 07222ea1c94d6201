import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Alerts1796394081579 implements MigrationInterface {
  name = 'Alerts1796394081579';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"alert_rules\" (\"id\" text NOT NULL, \"name\" text NOT NULL, \"kind\" text NOT NULL, \"installation_id\" text, \"project_id\" text, \"provider_id\" text, \"metric_definition_id\" text, \"threshold_percent\" integer, \"threshold_value\" double precision, \"usage_window\" text, \"tz\" text, \"silence_minutes\" integer, \"webhook_url\" text NOT NULL, \"webhook_secret\" text NOT NULL, \"enabled\" boolean NOT NULL DEFAULT true, \"state\" text NOT NULL DEFAULT 'idle', \"last_value\" double precision, \"creator_id\" text NOT NULL DEFAULT '', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT \"PK_ae580564f087ffab9d229225aec\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_alert_rules_installation\" ON \"alert_rules\"  (\"installation_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_alert_rules_project_provider\" ON \"alert_rules\"  (\"project_id\", \"provider_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_alert_rules_provider\" ON \"alert_rules\"  (\"provider_id\") ");
    await queryRunner.query("CREATE TABLE \"alert_silences\" (\"rule_id\" text NOT NULL, \"installation_id\" text NOT NULL, \"since\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT \"PK_16192f3fcc34f5dad5035158547\" PRIMARY KEY (\"rule_id\", \"installation_id\"))");
    await queryRunner.query("CREATE TABLE \"webhook_events\" (\"id\" text NOT NULL, \"rule_id\" text, \"type\" text NOT NULL, \"body\" text NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), \"status\" text NOT NULL DEFAULT 'pending', \"attempts\" integer NOT NULL DEFAULT '0', \"next_attempt_at\" TIMESTAMP WITH TIME ZONE, \"lease_until\" TIMESTAMP WITH TIME ZONE, \"last_status_code\" integer, \"last_error\" text, \"delivered_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_4cba37e6a0acb5e1fc49c34ebfd\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_webhook_events_rule_created\" ON \"webhook_events\"  (\"rule_id\", \"created_at\") ");
    await queryRunner.query("CREATE INDEX \"IDX_webhook_events_due\" ON \"webhook_events\"  (\"status\", \"next_attempt_at\") ");
    await queryRunner.query("ALTER TABLE \"alert_rules\" ADD CONSTRAINT \"FK_5c777d8f5c2c3e39af9ac858172\" FOREIGN KEY (\"installation_id\") REFERENCES \"installations\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"alert_rules\" ADD CONSTRAINT \"FK_b8b67782158e1ea243e42582cdf\" FOREIGN KEY (\"project_id\") REFERENCES \"projects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"alert_rules\" ADD CONSTRAINT \"FK_c341f7619c6dde78f41d768c0fa\" FOREIGN KEY (\"provider_id\") REFERENCES \"providers\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"alert_silences\" ADD CONSTRAINT \"FK_0603473aee04754106e391461e7\" FOREIGN KEY (\"rule_id\") REFERENCES \"alert_rules\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"webhook_events\" ADD CONSTRAINT \"FK_26b3801a59cbf72291dd3b80ab3\" FOREIGN KEY (\"rule_id\") REFERENCES \"alert_rules\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"webhook_events\" DROP CONSTRAINT \"FK_26b3801a59cbf72291dd3b80ab3\"");
    await queryRunner.query("ALTER TABLE \"alert_silences\" DROP CONSTRAINT \"FK_0603473aee04754106e391461e7\"");
    await queryRunner.query("ALTER TABLE \"alert_rules\" DROP CONSTRAINT \"FK_c341f7619c6dde78f41d768c0fa\"");
    await queryRunner.query("ALTER TABLE \"alert_rules\" DROP CONSTRAINT \"FK_b8b67782158e1ea243e42582cdf\"");
    await queryRunner.query("ALTER TABLE \"alert_rules\" DROP CONSTRAINT \"FK_5c777d8f5c2c3e39af9ac858172\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_webhook_events_due\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_webhook_events_rule_created\"");
    await queryRunner.query("DROP TABLE \"webhook_events\"");
    await queryRunner.query("DROP TABLE \"alert_silences\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_alert_rules_provider\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_alert_rules_project_provider\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_alert_rules_installation\"");
    await queryRunner.query("DROP TABLE \"alert_rules\"");
  }
}
