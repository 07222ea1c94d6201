import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReportSchedules1796399477441 implements MigrationInterface {
  name = 'ReportSchedules1796399477441';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"report_schedules\" (\"id\" text NOT NULL, \"name\" text NOT NULL, \"installation_id\" text, \"project_id\" text, \"provider_id\" text, \"every\" text NOT NULL, \"tz\" text NOT NULL DEFAULT 'UTC', \"webhook_url\" text NOT NULL, \"webhook_secret\" text NOT NULL, \"enabled\" boolean NOT NULL DEFAULT true, \"last_period_end\" text NOT NULL, \"creator_id\" text NOT NULL DEFAULT '', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT \"PK_603f9cdaaf4c1193d7399c1e79c\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_report_schedules_installation\" ON \"report_schedules\"  (\"installation_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_report_schedules_project_provider\" ON \"report_schedules\"  (\"project_id\", \"provider_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_report_schedules_provider\" ON \"report_schedules\"  (\"provider_id\") ");
    await queryRunner.query("ALTER TABLE \"webhook_events\" ADD \"schedule_id\" text");
    await queryRunner.query("CREATE INDEX \"IDX_webhook_events_schedule_created\" ON \"webhook_events\"  (\"schedule_id\", \"created_at\") ");
    await queryRunner.query("ALTER TABLE \"webhook_events\" ADD CONSTRAINT \"CHK_webhook_events_one_owner\" CHECK (num_nonnulls(\"rule_id\", \"schedule_id\") = 1)");
    await queryRunner.query("ALTER TABLE \"report_schedules\" ADD CONSTRAINT \"FK_1d34b0b6f9dd255d3c6548376e2\" FOREIGN KEY (\"installation_id\") REFERENCES \"installations\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"report_schedules\" ADD CONSTRAINT \"FK_e3021739306e80eee58961d469a\" FOREIGN KEY (\"project_id\") REFERENCES \"projects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"report_schedules\" ADD CONSTRAINT \"FK_9d62433bd690ef3a0b7d9a5dae7\" FOREIGN KEY (\"provider_id\") REFERENCES \"providers\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"webhook_events\" ADD CONSTRAINT \"FK_2c10c030194a88c1f17fa993168\" FOREIGN KEY (\"schedule_id\") REFERENCES \"report_schedules\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"webhook_events\" DROP CONSTRAINT \"FK_2c10c030194a88c1f17fa993168\"");
    await queryRunner.query("ALTER TABLE \"report_schedules\" DROP CONSTRAINT \"FK_9d62433bd690ef3a0b7d9a5dae7\"");
    await queryRunner.query("ALTER TABLE \"report_schedules\" DROP CONSTRAINT \"FK_e3021739306e80eee58961d469a\"");
    await queryRunner.query("ALTER TABLE \"report_schedules\" DROP CONSTRAINT \"FK_1d34b0b6f9dd255d3c6548376e2\"");
    await queryRunner.query("ALTER TABLE \"webhook_events\" DROP CONSTRAINT \"CHK_webhook_events_one_owner\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_webhook_events_schedule_created\"");
    await queryRunner.query("ALTER TABLE \"webhook_events\" DROP COLUMN \"schedule_id\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_report_schedules_provider\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_report_schedules_project_provider\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_report_schedules_installation\"");
    await queryRunner.query("DROP TABLE \"report_schedules\"");
  }
}
